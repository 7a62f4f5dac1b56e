"""The audit log's keyed chain: intact after use, every kind of tampering shows, a process
with another key is refused, and checkpoints catch what the database alone cannot."""

from __future__ import annotations

import json

import pytest
from click.testing import Result
from sqlalchemy import select, text
from typer.testing import CliRunner

from sunlight.appdb.account_tables import User
from sunlight.appdb.audit_tables import AuditEntry, AuditHead
from sunlight.audit.chain import (
    GENESIS,
    HEAD_ROW,
    append,
    head_mac,
    plain_hash,
    sealed_hash,
    verify,
)
from sunlight.audit.key import AuditKey, AuditKeyMismatch, audit_key
from sunlight.cli.app import app as cli
from sunlight.settings import Settings
from sunlight.web.app import create_app
from tests.web.conftest import StaffApp, csrf_of
from tests.web.page_text import visible_text


def _entries(staff_app: StaffApp, count: int) -> None:
    with staff_app.session() as session:
        for number in range(count):
            append(session, actor="analyst", action="case.assign", target=f"AJ{number}",
                   details={"to": "verifying", "amount": "1,500.00", "名": "张三"})
        session.commit()


def _tamper(staff_app: StaffApp, *statements: str) -> None:
    """What someone with the database's password could do: drop the guard, then change."""
    with staff_app.app.state.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
        else:
            connection.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
            connection.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
        for statement in statements:
            connection.execute(text(statement))


def _problems(staff_app: StaffApp) -> list[str]:
    with staff_app.session() as session:
        return verify(session).problems


def test_logins_and_logouts_make_an_intact_chain(staff_app_both: StaffApp):
    client = staff_app_both.client("analyst")
    client.post("/staff/logout", data={"csrf_token": csrf_of(client)})
    with staff_app_both.session() as session:
        report = verify(session)
        actions = [e.action for e in session.query(AuditEntry).order_by(AuditEntry.id)]
    assert actions == ["login", "logout"]
    assert report.intact and report.entries == 2


def test_the_log_refuses_updates_and_deletes(staff_app_both: StaffApp):
    _entries(staff_app_both, 2)
    for statement in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"):
        with staff_app_both.app.state.engine.connect() as connection:
            try:
                connection.execute(text(statement))
                connection.commit()
            except Exception as error:  # each backend raises its own kind
                assert "append-only" in str(error)
            else:
                raise AssertionError(f"{statement} was allowed")
    assert _problems(staff_app_both) == []


def test_an_edited_entry_is_found(staff_app_both: StaffApp):
    _entries(staff_app_both, 5)
    _tamper(staff_app_both, "UPDATE audit_log SET actor = 'someone' WHERE id = 3")
    assert _problems(staff_app_both) == [
        "entry 3: its content was changed after it was written"]


def test_an_edit_with_its_plain_hash_recomputed_is_found(staff_app_both: StaffApp):
    _entries(staff_app_both, 5)
    with staff_app_both.session() as session:
        entry = session.get_one(AuditEntry, 3)
        entry.target = "AJ-other"
        forged = plain_hash(entry)  # what the unkeyed chain accepted
        session.rollback()
    _tamper(staff_app_both, f"UPDATE audit_log SET target = 'AJ-other', entry_hash = '{forged}'"
                            " WHERE id = 3")
    assert _problems(staff_app_both) == [
        "entry 3: its content was changed after it was written",
        "entry 4: does not follow the entry before it"]


def test_a_deleted_entry_is_found(staff_app_both: StaffApp):
    _entries(staff_app_both, 5)
    _tamper(staff_app_both, "DELETE FROM audit_log WHERE id = 2")
    problems = _problems(staff_app_both)
    assert problems[0] == "entries 2–2 are missing"


def test_a_deleted_tail_is_found(staff_app_both: StaffApp):
    _entries(staff_app_both, 5)
    _tamper(staff_app_both, "DELETE FROM audit_log WHERE id >= 4")
    assert _problems(staff_app_both) == [
        "the log should end at entry 5, but ends at entry 3: entries at the end were deleted "
        "or changed"]


def _cli(staff_app: StaffApp, monkeypatch: pytest.MonkeyPatch, *args: str,
         secret: str | None = None, stdin: str | None = None) -> Result:
    """`sunlight …` with the workbench's database and, unless told otherwise, its secret."""
    monkeypatch.setenv("SUNLIGHT_HOME", str(staff_app.settings.home))
    monkeypatch.setenv("SUNLIGHT_DATABASE_URL", staff_app.settings.database_url or "")
    monkeypatch.setenv("SUNLIGHT_SECRET_KEY", secret or staff_app.settings.secret_key)
    return CliRunner().invoke(cli, list(args), input=stdin)


def test_the_verify_command_exits_1_on_tampering(staff_app: StaffApp, monkeypatch):
    _entries(staff_app, 3)
    intact = _cli(staff_app, monkeypatch, "audit", "verify")
    assert intact.exit_code == 0, intact.output
    assert "intact: 3 entries" in intact.output
    assert "Every entry is sealed with the audit key" in intact.output
    _tamper(staff_app, "UPDATE audit_log SET details = '{}' WHERE id = 2")
    broken = _cli(staff_app, monkeypatch, "audit", "verify")
    assert broken.exit_code == 1
    assert "entry 2: its content was changed" in broken.output


def _rewrite_without(staff_app: StaffApp, deleted: int, key: AuditKey | None,
                     rehash_from: int | None = None) -> None:
    """The attack of issue #11: triggers dropped, one entry deleted, the ones after it numbered
    and hashed again (plain SHA-256 when `key` is None, else with that key; from entry
    `rehash_from` if given), the head set to match, with that key's fingerprint and MAC."""
    with staff_app.session() as session:
        kept = [e for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))
                if e.id != deleted]
        session.expunge_all()
    _tamper(staff_app, "DELETE FROM audit_log")
    with staff_app.session() as session:
        prev = GENESIS
        for number, old in enumerate(kept, start=1):
            entry = AuditEntry(id=number, at=old.at, actor=old.actor, action=old.action,
                               target=old.target, address=old.address, details=old.details,
                               prev_hash=prev, entry_hash=old.entry_hash)
            if number >= (rehash_from or deleted):
                entry.entry_hash = plain_hash(entry) if key is None else sealed_hash(entry, key)
            session.add(entry)
            prev = entry.entry_hash
        head = session.get_one(AuditHead, HEAD_ROW)
        head.last_id, head.last_hash = len(kept), prev
        if key is not None:
            head.key_fingerprint = key.fingerprint
            head.head_mac = head_mac(head, key)
        session.commit()


@pytest.mark.parametrize("attacker_key", [None, "another-secret-of-the-attacker-0123456789"])
def test_a_deleted_entry_with_the_rest_hashed_again_fails_verify(
        staff_app_both: StaffApp, monkeypatch, attacker_key: str | None):
    _entries(staff_app_both, 6)
    key = audit_key(Settings(secret_key=attacker_key)) if attacker_key else None
    _rewrite_without(staff_app_both, 3, key)
    result = _cli(staff_app_both, monkeypatch, "audit", "verify")
    assert result.exit_code == 1, result.output
    assert "entries 3–5: their content was changed" in result.output
    if attacker_key:
        assert "sealed with the key of fingerprint " + key.fingerprint in result.output


def test_a_command_with_another_key_is_refused_and_writes_nothing(staff_app: StaffApp,
                                                                   monkeypatch):
    _entries(staff_app, 2)
    result = _cli(staff_app, monkeypatch, "users", "add", "newcomer", "--role", "analyst",
                  "--password-stdin", secret="not-the-workbench-secret-0123456789abcdef",
                  stdin="a-long-enough-password\n")
    assert result.exit_code == 2
    assert "SUNLIGHT_SECRET_KEY (SUNLIGHT_AUDIT_KEY is not set)" in result.output
    assert "nothing was written" in result.output
    with staff_app.session() as session:
        assert session.scalar(select(User).where(User.username == "newcomer")) is None
        assert verify(session).entries == 2
    wrong = _cli(staff_app, monkeypatch, "audit", "verify", secret="not-the-workbench-secret-01"
                 "23456789abcdef")
    assert wrong.exit_code == 1 and "same SUNLIGHT_AUDIT_KEY as the workbench" in wrong.output


def test_the_workbench_refuses_to_start_with_another_key(staff_app: StaffApp):
    other = staff_app.settings.model_copy(update={"secret_key": "x" * 40})
    with pytest.raises(AuditKeyMismatch, match="SUNLIGHT_SECRET_KEY"):
        create_app(other)
    moved = staff_app.settings.model_copy(update={"secret_key": "x" * 40,
                                                  "audit_key": staff_app.settings.secret_key})
    create_app(moved).state.engine.dispose()  # the old secret kept as SUNLIGHT_AUDIT_KEY


def test_a_cut_log_with_an_earlier_head_put_back_fails_against_a_checkpoint(
        staff_app_both: StaffApp, monkeypatch, tmp_path):
    _entries(staff_app_both, 3)
    with staff_app_both.session() as session:
        seen = session.get_one(AuditHead, HEAD_ROW)  # what a database reader could copy
        earlier = (seen.last_id, seen.last_hash, seen.head_mac)
    _entries(staff_app_both, 2)
    taken = _cli(staff_app_both, monkeypatch, "audit", "checkpoint", str(tmp_path / "cp.json"))
    assert taken.exit_code == 0, taken.output
    assert json.loads((tmp_path / "cp.json").read_text())["entry"] == 6
    _entries(staff_app_both, 1)
    _tamper(staff_app_both, "DELETE FROM audit_log WHERE id > 3",
            f"UPDATE audit_head SET last_id = {earlier[0]}, last_hash = '{earlier[1]}', "
            f"head_mac = '{earlier[2]}'")
    alone = _cli(staff_app_both, monkeypatch, "audit", "verify")
    assert alone.exit_code == 0  # the database alone cannot tell
    held = _cli(staff_app_both, monkeypatch, "audit", "verify", "--checkpoint",
                str(tmp_path / "cp.json"))
    assert held.exit_code == 1
    assert "entry 6 named by the checkpoint" in held.output and "no longer exists" in held.output


def test_an_intact_log_holds_its_checkpoint_and_a_forged_one_is_refused(
        staff_app: StaffApp, monkeypatch, tmp_path):
    _entries(staff_app, 2)
    path = tmp_path / "checkpoints" / "cp.json"
    assert _cli(staff_app, monkeypatch, "audit", "checkpoint", str(path)).exit_code == 0
    _entries(staff_app, 2)
    held = _cli(staff_app, monkeypatch, "audit", "verify", "--checkpoint", str(path))
    assert held.exit_code == 0, held.output
    assert "holds the checkpoint" in held.output and "(entry 3)" in held.output
    with staff_app.session() as session:
        assert session.get_one(AuditEntry, 3).action == "audit.checkpoint"
        later_hash = session.get_one(AuditEntry, 5).entry_hash
    forged = json.loads(path.read_text()) | {"entry": 5, "entry_hash": later_hash}
    (tmp_path / "forged.json").write_text(json.dumps(forged))
    refused = _cli(staff_app, monkeypatch, "audit", "verify", "--checkpoint",
                   str(tmp_path / "forged.json"))
    assert refused.exit_code == 2 and "signature does not match" in refused.output
    other_key = _cli(staff_app, monkeypatch, "audit", "verify", "--checkpoint", str(path),
                     secret="someone-elses-secret-0123456789abcdefgh")
    assert other_key.exit_code == 2 and "checkpoint names the key of fingerprint" in \
        other_key.output
    (tmp_path / "junk.json").write_bytes(b"x" * 10_000)
    junk = _cli(staff_app, monkeypatch, "audit", "verify", "--checkpoint",
                str(tmp_path / "junk.json"))
    assert junk.exit_code == 2 and "not a checkpoint" in junk.output


def test_no_checkpoint_vouches_for_a_broken_log(staff_app: StaffApp, monkeypatch, tmp_path):
    _entries(staff_app, 3)
    _tamper(staff_app, "UPDATE audit_log SET actor = 'x' WHERE id = 2")
    result = _cli(staff_app, monkeypatch, "audit", "checkpoint", str(tmp_path / "cp.json"))
    assert result.exit_code == 1 and "broken" in result.output
    assert not (tmp_path / "cp.json").exists()


def test_a_log_replaced_by_one_posing_as_older_than_the_key_fails_against_a_checkpoint(
        staff_app_both: StaffApp, monkeypatch, tmp_path):
    _entries(staff_app_both, 3)
    assert _cli(staff_app_both, monkeypatch, "audit", "checkpoint",
                str(tmp_path / "cp.json")).exit_code == 0
    _rewrite_without(staff_app_both, 2, None, rehash_from=1)  # nothing is keyed any more
    _tamper(staff_app_both, "UPDATE audit_head SET key_fingerprint = NULL, sealed_from = NULL, "
                            "head_mac = NULL")
    alone = _cli(staff_app_both, monkeypatch, "audit", "verify")
    assert alone.exit_code == 0 and "not sealed with it yet" in alone.output  # as documented
    held = _cli(staff_app_both, monkeypatch, "audit", "verify", "--checkpoint",
                str(tmp_path / "cp.json"))
    assert held.exit_code == 1
    assert "named by the checkpoint" in held.output and "no longer exists" in held.output


def test_a_log_a_command_began_with_the_demo_key_is_taken_over_by_the_workbench(
        tmp_path, monkeypatch, empty_url: str):
    settings = Settings(home=tmp_path / "home", database_url=empty_url, secret_key="k" * 40)
    monkeypatch.setenv("SUNLIGHT_HOME", str(settings.home))
    monkeypatch.setenv("SUNLIGHT_DATABASE_URL", empty_url)
    monkeypatch.delenv("SUNLIGHT_SECRET_KEY", raising=False)  # forgotten: the demo's secret
    added = CliRunner().invoke(cli, ["users", "add", "first", "--role", "admin",
                                     "--password-stdin"], input="a-long-enough-password\n")
    assert added.exit_code == 0, added.output
    built = create_app(settings)  # takes the log over rather than refusing to start
    try:
        with built.state.sessions() as session:
            report = verify(session)
            assert [e.action for e in session.scalars(select(AuditEntry).order_by(
                AuditEntry.id))] == ["user.add", "audit.seal"]
        assert report.intact and report.sealed_from == 2
        again = CliRunner().invoke(cli, ["users", "add", "second", "--role", "admin",
                                         "--password-stdin"], input="a-long-enough-password\n")
        assert again.exit_code == 2 and "built-in demo secret" in again.output
    finally:
        built.state.engine.dispose()


def test_the_audit_key_setting_is_long_and_distinct_from_the_session_secret():
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="audit_key"):
        Settings(audit_key="too-short")
    secret = "s" * 40
    derived, given = audit_key(Settings(secret_key=secret)), audit_key(Settings(audit_key=secret))
    assert derived.secret == given.secret  # the old secret kept as SUNLIGHT_AUDIT_KEY
    assert derived.secret != secret.encode() and len(derived.fingerprint) == 16
    assert derived.secret not in repr(derived).encode()


def test_the_admin_reads_what_verify_found_in_chinese(staff_app: StaffApp):
    _entries(staff_app, 5)
    _tamper(staff_app, "UPDATE audit_log SET actor = 'someone' WHERE id = 3",
            "DELETE FROM audit_log WHERE id = 5")
    client = staff_app.client("admin")
    page = client.post("/staff/admin/audit/verify", data={"csrf_token": csrf_of(client)}).text
    assert "哈希链已被破坏" in page
    assert "第 3 条记录：写入后内容被改动" in page
    assert "第 5–5 条记录缺失" in page
    shown = visible_text(page)
    assert "entry" not in shown and "changed" not in shown
    assert "分派核查" in shown and "新状态：核查中" in shown and "case.assign" not in shown
