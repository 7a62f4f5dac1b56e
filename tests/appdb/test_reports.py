"""Reports in the database, on both backends: filed as a case in 待分派, found by tracking
code only, the reporter's view of status changes, and the official replies."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from sunlight.appdb.account_tables import User
from sunlight.appdb.audit_tables import AuditEntry
from sunlight.appdb.case_tables import Case
from sunlight.appdb.database import downgrade, session_factory, upgrade
from sunlight.appdb.report_tables import Report, ReportPhoto, ReportReply
from sunlight.audit.chain import verify
from sunlight.cases.workflow import InvalidInput, NotAllowed, take
from sunlight.contract.roles import ANALYST, VERIFIER
from sunlight.masking import masked_number
from sunlight.reports.filing import Draft, Place, ReportRefused, Subject, file_report
from sunlight.reports.photos import cleaned
from sunlight.reports.related import reports_about, warnings_about
from sunlight.reports.replies import add_reply, report_of
from sunlight.reports.tracking import track
from tests.appdb.builders import PERSON, detection, run, set_status, warnings_of
from tests.web.report_support import photo_with_gps

PLACE = Place("城关镇", "东风村", "a1b2c3d4e5")
DRAFT = Draft(category="冒领", description="已去世多年仍在领取补贴", anonymous=True)


def staff(session: Session, username: str, role: str, township: str | None = None) -> User:
    user = User(username=username, display_name=f"{username}同志", role=role,
                township=township, datasets=[], password_hash="-", active=True,
                created_at=datetime.now(UTC))
    session.add(user)
    session.flush()
    return user


def test_a_report_is_filed_as_a_case_in_waiting(session: Session, tmp_path: Path) -> None:
    subject = Subject(3, 17, "王芳", "610327********123X")
    filed = file_report(session, DRAFT, PLACE, subject, [cleaned(photo_with_gps(), 1)],
                        tmp_path)
    session.commit()
    case = session.scalars(select(Case)).one()
    assert (case.kind, case.status, case.township, case.village) == ("report", "open",
                                                                     "城关镇", "东风村")
    assert case.case_no.startswith("AJ") and case.title == "随手拍·冒领：王芳（东风村）"
    report = session.scalars(select(Report)).one()
    assert (report.publication_version, report.beneficiary_no, report.village_code) == (
        3, 17, "a1b2c3d4e5")
    assert filed.code not in report.code_hash
    [photo] = session.scalars(select(ReportPhoto)).all()
    assert (tmp_path / photo.sha256[:2] / photo.sha256).is_file()
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "report.file")).one()
    assert entry.actor == "public" and entry.target == case.case_no and entry.address == ""
    assert verify(session).intact


def test_contact_details_are_dropped_when_anonymous(session: Session, tmp_path: Path) -> None:
    draft = Draft("其他", "描述一个问题", anonymous=True, contact_name="张三",
                  contact_phone="138")
    file_report(session, draft, Place(), None, [], tmp_path)
    report = session.scalars(select(Report)).one()
    assert (report.contact_name, report.contact_phone) == ("", "")
    with pytest.raises(ReportRefused, match="请选择问题类型"):
        file_report(session, Draft("乱写", "描述一个问题", True), Place(), None, [], tmp_path)


def test_the_reporter_sees_status_changes_and_the_reply_only(session: Session,
                                                              tmp_path: Path) -> None:
    analyst = staff(session, "analyst", ANALYST)
    verifier = staff(session, "verifier", VERIFIER, "城关镇")
    other = staff(session, "verifier2", VERIFIER, "城关镇")
    filed = file_report(session, DRAFT, PLACE, None, [], tmp_path)
    session.commit()
    assert [s.status for s in track(session, filed.code).history] == ["待分派"]  # type: ignore[union-attr]
    assert track(session, "ABCDEFGHJKMN") is None

    case = filed.case
    take(session, case, "assign", analyst, {"assignee": str(verifier.id)},
         expected_version=case.version)
    take(session, case, "reassign", analyst, {"assignee": str(verifier.id)},
         expected_version=case.version)  # 核查中 → 核查中: not a change the reporter sees
    take(session, case, "verify", verifier, {"verdict": "不属实", "reason": "内部理由"},
         expected_version=case.version)
    with pytest.raises(NotAllowed):
        add_reply(session, case, filed.report, other, "不该由我答复")
    with pytest.raises(InvalidInput, match="请填写答复内容"):
        add_reply(session, case, filed.report, verifier, "   ")
    add_reply(session, case, filed.report, verifier, "经核查，反映的问题不属实。")
    take(session, case, "close_unfounded", analyst, {}, expected_version=case.version)
    session.commit()

    seen = track(session, filed.code)
    assert seen is not None
    assert [s.status for s in seen.history] == ["待分派", "核查中", "已核实", "办结"]
    assert seen.status == "办结"
    assert [r.text for r in seen.replies] == ["经核查，反映的问题不属实。"]
    assert "内部理由" not in repr(seen) and "同志" not in repr(seen)
    report = report_of(session, case)
    assert report is not None and [r.author_id for r in report.replies] == [verifier.id]
    replies = session.scalars(select(AuditEntry).where(AuditEntry.action == "report.reply")).all()
    assert [(e.actor, e.details["reply"]) for e in replies] == [
        ("verifier", "经核查，反映的问题不属实。")]


def test_a_later_reply_adds_to_the_earlier_which_the_reporter_still_reads(
        session: Session, tmp_path: Path) -> None:
    analyst = staff(session, "analyst", ANALYST)
    verifier = staff(session, "verifier", VERIFIER, "城关镇")
    filed = file_report(session, DRAFT, PLACE, None, [], tmp_path)
    take(session, filed.case, "assign", analyst, {"assignee": str(verifier.id)},
         expected_version=filed.case.version)
    add_reply(session, filed.case, filed.report, verifier, "经核查，反映的问题不属实。")
    add_reply(session, filed.case, filed.report, analyst, "复查发现部分属实，已追回 1,200 元。")
    session.commit()
    seen = track(session, filed.code)
    assert seen is not None
    assert [r.text for r in seen.replies] == ["经核查，反映的问题不属实。",
                                              "复查发现部分属实，已追回 1,200 元。"]
    assert seen.replies[0].at <= seen.replies[1].at


def test_replies_survive_going_back_to_one_reply_per_report_and_forward_again(
        engine: Engine, db_url: str, tmp_path: Path) -> None:
    with session_factory(engine)() as session:
        analyst = staff(session, "analyst", ANALYST)
        filed = file_report(session, DRAFT, PLACE, None, [], tmp_path)
        add_reply(session, filed.case, filed.report, analyst, "已受理")
        add_reply(session, filed.case, filed.report, analyst, "经核查属实，已追回")
        session.commit()
    downgrade(db_url, "0005")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT reply FROM reports")).scalar_one() == (
            "经核查属实，已追回")  # the reply the reporter read last
    upgrade(db_url)
    with session_factory(engine)() as session:
        assert [r.text for r in session.scalars(select(ReportReply))] == ["经核查属实，已追回"]


def test_a_report_and_a_warning_about_the_same_person_find_each_other(
        session: Session, tmp_path: Path) -> None:
    run(session, [detection([1], subject=PERSON)])
    [warning] = warnings_of(session, PERSON)
    about_her = Subject(1, 5, "王芳", masked_number(PERSON))
    filed = file_report(session, DRAFT, PLACE, about_her, [], tmp_path)
    namesake = file_report(session, DRAFT, PLACE, Subject(1, 6, "王芳", "610327********0999"),
                           [], tmp_path)
    elsewhere = file_report(session, DRAFT, Place("马家镇", "西村", "f0e1d2c3b4"), about_her,
                            [], tmp_path)
    session.commit()
    assert warnings_about(session, filed.report, filed.case) == [warning]
    assert warnings_about(session, namesake.report, namesake.case) == []
    assert warnings_about(session, elsewhere.report, elsewhere.case) == []
    assert reports_about(session, warning) == [filed.case]
    set_status(session, warning, "retracted")  # its evidence is gone: nothing to join
    assert warnings_about(session, filed.report, filed.case) == []
