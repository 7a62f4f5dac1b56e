"""The audit log's hash chain: intact after use, and every kind of tampering shows."""

from __future__ import annotations

from sqlalchemy import text
from typer.testing import CliRunner

from sunlight.appdb.audit_tables import AuditEntry
from sunlight.audit.chain import append, verify
from sunlight.cli.app import app as cli
from tests.web.conftest import StaffApp, csrf_of


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
            connection.execute(text("DROP TRIGGER audit_log_no_update"))
            connection.execute(text("DROP TRIGGER audit_log_no_delete"))
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


def test_an_edit_with_its_hash_recomputed_still_breaks_the_next_link(staff_app_both: StaffApp):
    _entries(staff_app_both, 5)
    with staff_app_both.session() as session:
        entry = session.get(AuditEntry, 3)
        assert entry is not None
        entry.target = "AJ-other"
        from sunlight.audit.chain import entry_hash
        forged = entry_hash(entry)
        session.rollback()
    _tamper(staff_app_both, f"UPDATE audit_log SET target = 'AJ-other', entry_hash = '{forged}'"
                            " WHERE id = 3")
    assert _problems(staff_app_both) == ["entry 4: does not follow the entry before it"]


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


def test_the_verify_command_exits_1_on_tampering(staff_app: StaffApp, monkeypatch):
    monkeypatch.setenv("SUNLIGHT_HOME", str(staff_app.settings.home))
    monkeypatch.setenv("SUNLIGHT_DATABASE_URL", staff_app.settings.database_url or "")
    _entries(staff_app, 3)
    intact = CliRunner().invoke(cli, ["audit", "verify"])
    assert intact.exit_code == 0, intact.output
    assert "intact: 3 entries" in intact.output
    _tamper(staff_app, "UPDATE audit_log SET details = '{}' WHERE id = 2")
    broken = CliRunner().invoke(cli, ["audit", "verify"])
    assert broken.exit_code == 1
    assert "entry 2: its content was changed" in broken.output
