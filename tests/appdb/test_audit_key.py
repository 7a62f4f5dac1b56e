"""A log written before the audit key (migration 0008) stays verifiable, is sealed at first use,
and its old entries can no longer be rewritten unseen: on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from sunlight.appdb.audit_tables import AuditEntry
from sunlight.appdb.database import downgrade, make_engine, session_factory, upgrade
from sunlight.audit.chain import GENESIS, append, plain_hash, verify
from sunlight.audit.key import bind
from sunlight.settings import Settings

SETTINGS = Settings(secret_key="the-deployment's-own-secret-0123456789")


def _sessions(engine: Engine) -> Session:
    return bind(session_factory(engine), SETTINGS)()


def _plain_entries(engine: Engine, count: int, *, with_head: bool = True) -> str:
    """Entries 1… as the code before 0008 wrote them (plain SHA-256), and its head (of three
    columns, as 0007 has it); the last hash."""
    prev = GENESIS
    with Session(engine) as session:
        for number in range(1, count + 1):
            entry = AuditEntry(id=number, at=datetime(2026, 11, 1, 8, number, tzinfo=UTC),
                               actor="analyst", action="case.assign", target=f"AJ{number}",
                               address="10.0.0.1", details={"to": "张三"}, prev_hash=prev)
            entry.entry_hash = prev = plain_hash(entry)
            session.add(entry)
        session.flush()
        if with_head:
            session.execute(text("INSERT INTO audit_head (id, last_id, last_hash) "
                                 "VALUES (1, :n, :h)"), {"n": count, "h": prev})
        session.commit()
    return prev


def _allow_changes(engine: Engine) -> None:
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
        else:
            connection.execute(text("DROP TRIGGER audit_log_no_update"))
            connection.execute(text("DROP TRIGGER audit_log_no_delete"))


def test_an_old_intact_log_verifies_after_the_migration_and_is_sealed_at_first_use(
        empty_url: str):
    upgrade(empty_url)
    downgrade(empty_url, "0007")
    engine = make_engine(empty_url)
    try:
        last_plain = _plain_entries(engine, 3)
        upgrade(empty_url)
        with _sessions(engine) as session:
            before = verify(session)
            assert before.intact and before.entries == 3 and before.unsealed == 3
            append(session, actor="admin", action="login")
            session.commit()
        with _sessions(engine) as session:
            after = verify(session)
            seal = session.get_one(AuditEntry, 4)
            assert [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))
                    ][3:] == ["audit.seal", "login"]
        assert after.intact and after.sealed_from == 4 and after.unsealed == 3
        assert seal.prev_hash == last_plain
        assert seal.details == {"entries_before_key": 3, "last_hash_before_key": last_plain}

        # The old entries rewritten (one deleted, the rest renumbered) with their plain hashes
        # recomputed, as the unkeyed chain allowed: the seal no longer follows.
        _allow_changes(engine)
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM audit_log WHERE id <= 3"))
        _plain_entries(engine, 2, with_head=False)
        with _sessions(engine) as session:
            assert verify(session).problems == ["entries 3–3 are missing",
                                                "entry 4: does not follow the entry before it"]
    finally:
        engine.dispose()


def test_a_new_log_is_keyed_from_its_first_entry_and_downgrade_drops_the_key_columns(
        empty_url: str):
    upgrade(empty_url)
    engine = make_engine(empty_url)
    try:
        with _sessions(engine) as session:
            append(session, actor="admin", action="login")
            session.commit()
            report = verify(session)
        assert report.intact and report.sealed_from == 1 and report.unsealed == 0
        with Session(engine) as session:
            assert session.get_one(AuditEntry, 1).entry_hash != plain_hash(
                session.get_one(AuditEntry, 1))
    finally:
        engine.dispose()
    downgrade(empty_url, "0007")
    engine = make_engine(empty_url)
    try:
        with engine.connect() as connection:
            row = connection.execute(text("SELECT * FROM audit_head")).mappings().one()
        assert set(row) == {"id", "last_id", "last_hash"}
    finally:
        engine.dispose()
