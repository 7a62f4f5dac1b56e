"""The case state machine on both backends: every transition by every role, the verifier's
scope, stale versions (also with two transactions at once), a warning's first assignment."""

from __future__ import annotations

import threading
import time
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from sunlight import clock
from sunlight.appdb.account_tables import User
from sunlight.appdb.audit_tables import AuditEntry
from sunlight.appdb.case_tables import Case, CaseAttachment, CaseEvent
from sunlight.appdb.database import downgrade, make_engine, session_factory, upgrade, writing
from sunlight.appdb.tables import Warning
from sunlight.cases.assignees import candidates
from sunlight.cases.workflow import (
    TRANSITIONS,
    InvalidInput,
    NotAllowed,
    StaleCase,
    assign_warning,
    available,
    case_for_warning,
    locked_case,
    needs_confirmation,
    open_case,
    overdue,
    take,
)
from sunlight.contract.case_steps import case_steps
from sunlight.contract.cases import (
    CLOSED,
    HANDLING,
    NOT_TRUE,
    OPEN,
    RETRACTED,
    TRUE,
    VERIFIED,
    VERIFYING,
)
from sunlight.contract.roles import ADMIN, ANALYST, OFFICER, VERIFIER
from sunlight.web.case_panel import event_notes
from tests.appdb.builders import detection, run

TOWNSHIP = "城关镇"
TODAY = date(2025, 3, 1)

ALLOWED = {
    "assign": {"analyst"},
    "reassign": {"analyst"},
    "verify": {"analyst", "verifier"},
    "return": {"analyst"},
    "dispose": {"analyst"},
    "close": {"analyst"},
    "close_unfounded": {"analyst"},
}
"""Who may take each transition on a case assigned to `verifier` (written out, not derived)."""

ACTORS = ("admin", "analyst", "officer", "verifier", "verifier_unassigned", "verifier_elsewhere")
"""`verifier` is the case's assignee; `verifier_unassigned` works in the same township;
`verifier_elsewhere` is the assignee of record but of another township."""

DISCIPLINED = {"disciplined": "typed", "disciplined_id_number": "110101198001010010",
               "disciplined_name": "李村长"}
"""A 处分对象 typed in (a disposal that sanctions someone names them)."""
FORMS = {
    "assign": lambda staff: {"assignee": str(staff["verifier"].id)},
    "reassign": lambda staff: {"assignee": str(staff["verifier_unassigned"].id)},
    "verify": lambda staff: {"verdict": TRUE, "reason": "入户核实，确已死亡"},
    "return": lambda staff: {"reason": "证据不足"},
    "dispose": lambda staff: {"recovered_amount": "1,500.00", "party_discipline": "警告",
                              "transferred_to": "", **DISCIPLINED},
    "close": lambda staff: {},
    "close_unfounded": lambda staff: {},
}


def person(session: Session, username: str, role: str, township: str | None = None) -> User:
    user = User(username=username, display_name=username, role=role, township=township,
                datasets=[], password_hash="-", active=True, created_at=datetime.now(UTC))
    session.add(user)
    session.flush()
    return user


@pytest.fixture
def staff(session: Session) -> dict[str, User]:
    people = {
        "admin": person(session, "admin", ADMIN),
        "analyst": person(session, "analyst", ANALYST),
        "officer": person(session, "officer", OFFICER),
        "verifier": person(session, "verifier", VERIFIER, TOWNSHIP),
        "verifier_unassigned": person(session, "verifier2", VERIFIER, TOWNSHIP),
        "verifier_elsewhere": person(session, "verifier3", VERIFIER, "马家镇"),
    }
    session.commit()
    return people


def step(session: Session, case: Case, action: str, actor: User, form: dict[str, str]) -> None:
    take(session, case, action, actor, form, expected_version=case.version, today=TODAY)


def case_ready_for(session: Session, staff: dict[str, User], action: str,
                   assignee: str = "verifier") -> Case:
    """A report case in the status `action` starts from, assigned to `assignee`."""
    case = open_case(session, kind="report", title="举报", township=TOWNSHIP, village="东村")
    analyst = staff["analyst"]
    if action == "assign":
        return case
    step(session, case, "assign", analyst, FORMS["assign"](staff))
    if action in ("reassign", "verify"):
        return _assigned_to(session, case, staff[assignee])
    verdict = NOT_TRUE if action == "close_unfounded" else TRUE
    step(session, case, "verify", analyst, {"verdict": verdict, "reason": "核实"})
    if action in ("return", "dispose", "close_unfounded"):
        return _assigned_to(session, case, staff[assignee])
    step(session, case, "dispose", analyst, FORMS["dispose"](staff))
    return _assigned_to(session, case, staff[assignee])


def _assigned_to(session: Session, case: Case, user: User) -> Case:
    case.assignee_id = user.id  # as of record, even across townships (the scope check's case)
    session.flush()
    return case


@pytest.mark.parametrize("action", list(ALLOWED))
def test_each_transition_is_taken_only_by_its_roles_within_scope(
        session: Session, staff: dict[str, User], action: str):
    for actor in ACTORS:
        assignee = "verifier_elsewhere" if actor == "verifier_elsewhere" else "verifier"
        case = case_ready_for(session, staff, action, assignee)
        user = staff[actor]
        offered = action in [t.action for t in available(user, case)]
        if actor in ALLOWED[action]:
            assert offered, (action, actor)
            step(session, case, action, user, FORMS[action](staff))
        else:
            assert not offered, (action, actor)
            with pytest.raises(NotAllowed):
                step(session, case, action, user, FORMS[action](staff))
    session.commit()


def test_the_table_names_every_transition_tested():
    assert {t.action for t in TRANSITIONS} == set(ALLOWED)


@pytest.mark.parametrize("action", list(ALLOWED))
def test_a_transition_from_any_other_status_is_refused(
        session: Session, staff: dict[str, User], action: str):
    source = next(t for t in TRANSITIONS if t.action == action).sources
    for ready_for in ALLOWED:
        case = case_ready_for(session, staff, ready_for)
        if case.status in source:
            continue
        with pytest.raises(InvalidInput, match="当前状态下不能执行"):
            step(session, case, action, staff["analyst"], FORMS[action](staff))


def test_a_warning_walks_from_open_to_closed_and_its_status_follows(
        session: Session, staff: dict[str, User]):
    run(session, [detection(range(1, 4))])
    warning = session.scalars(select(Warning)).one()
    analyst, verifier = staff["analyst"], staff["verifier"]
    case = case_for_warning(session, warning)
    statuses = []
    for action, actor, form in [
        ("assign", analyst, {"assignee": str(verifier.id), "deadline": ""}),
        ("verify", verifier, {"verdict": TRUE, "reason": "入户核实，确已死亡"}),
        ("dispose", analyst, {"recovered_amount": "1500", "party_discipline": "严重警告",
                              "government_discipline": "记过",
                              "organisational_measures": "调整职务、诫勉",
                              "transferred_to": "主管部门处理", **DISCIPLINED}),
        ("close", analyst, {}),
    ]:
        step(session, case, action, actor, form)
        statuses.append((case.status, warning.status))
    session.commit()
    assert statuses == [(VERIFYING, VERIFYING), (VERIFIED, VERIFIED), (HANDLING, HANDLING),
                        (CLOSED, CLOSED)]
    assert case.deadline == TODAY + timedelta(days=30)
    assert (case.verdict, case.recovered_amount) == (TRUE, Decimal("1500.00"))
    assert (case.party_discipline, case.government_discipline, case.organisational_measures) == (
        "严重警告", "记过", "诫勉、调整职务")
    assert case.sanctions() == "党纪处分 严重警告 · 政务处分 记过 · 组织处理 诫勉、调整职务"
    assert case.closed_at is not None and case.version == 5
    events = session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)
                             .order_by(CaseEvent.id)).all()
    assert [(e.action, e.from_status, e.to_status) for e in events] == [
        ("assign", OPEN, VERIFYING), ("verify", VERIFYING, VERIFIED),
        ("dispose", VERIFIED, HANDLING), ("close", HANDLING, CLOSED)]
    assert events[1].details["reason"] == "入户核实，确已死亡"
    audited = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert audited == ["case.assign", "case.verify", "case.dispose", "case.close"]


def test_an_unfounded_warning_closes_without_disposal(session: Session, staff: dict[str, User]):
    case = case_ready_for(session, staff, "close_unfounded")
    assert [t.action for t in available(staff["analyst"], case)] == ["return",
                                                                     "close_unfounded"]
    with pytest.raises(InvalidInput):
        step(session, case, "dispose", staff["analyst"], FORMS["dispose"](staff))
    step(session, case, "close_unfounded", staff["analyst"], {})
    assert (case.status, case.verdict, case.recovered_amount) == (CLOSED, NOT_TRUE, None)


def test_returning_for_recheck_clears_the_verdict(session: Session, staff: dict[str, User]):
    case = case_ready_for(session, staff, "return")
    with pytest.raises(InvalidInput, match="退回重查的理由"):
        step(session, case, "return", staff["analyst"], {"reason": "  "})
    step(session, case, "return", staff["analyst"], {"reason": "照片不清"})
    assert (case.status, case.verdict) == (VERIFYING, None)


@pytest.mark.parametrize(("action", "form", "message"), [
    ("verify", {"verdict": "可能", "reason": "x"}, "请选择核实结论"),
    ("verify", {"verdict": TRUE, "reason": ""}, "核实情况说明"),
    ("reassign", {"assignee": "nobody"}, "请选择核查人员"),
])
def test_bad_input_is_refused_with_a_chinese_message(
        session: Session, staff: dict[str, User], action: str, form: dict[str, str],
        message: str):
    case = case_ready_for(session, staff, action)
    with pytest.raises(InvalidInput, match=message):
        step(session, case, action, staff["analyst"], form)
    assert case.version == 2  # nothing changed


@pytest.mark.parametrize(("amount", "message"), [
    ("abc", "不是数字"), ("-1", "不小于 0"), ("1.005", "最多两位小数"), ("NaN", "不小于 0"),
    ("1e20", "不小于 0")])
def test_a_disposal_needs_a_sensible_amount(session: Session, staff: dict[str, User],
                                            amount: str, message: str):
    case = case_ready_for(session, staff, "dispose")
    with pytest.raises(InvalidInput, match=message):
        step(session, case, "dispose", staff["analyst"], {"recovered_amount": amount})


@pytest.mark.parametrize(("fields", "message"), [
    ({"party_discipline": "记过"}, "党纪处分只能是"),
    ({"government_discipline": "留党察看"}, "政务处分只能是"),
    ({"organisational_measures": "诫勉、罚款"}, "组织处理只能是"),
])
def test_each_kind_of_sanction_takes_only_its_own(session: Session, staff: dict[str, User],
                                                  fields: dict[str, str], message: str):
    case = case_ready_for(session, staff, "dispose")
    with pytest.raises(InvalidInput, match=message):
        step(session, case, "dispose", staff["analyst"],
             {"recovered_amount": "0", **fields, **DISCIPLINED})


def test_a_disposal_without_sanctions_says_so(session: Session, staff: dict[str, User]):
    case = case_ready_for(session, staff, "dispose")
    step(session, case, "dispose", staff["analyst"],
         {"recovered_amount": "0", "party_discipline": "无", "government_discipline": ""})
    assert case.sanctions() == "无处分或组织处理"


@pytest.mark.parametrize("typed", ["12,240元", "12240", "12，240", " 12,240.00 元"])
def test_a_disposal_takes_the_amount_as_staff_type_it(session: Session, staff: dict[str, User],
                                                     typed: str):
    case = case_ready_for(session, staff, "dispose")
    step(session, case, "dispose", staff["analyst"], {"recovered_amount": typed})
    assert case.recovered_amount == Decimal("12240.00")


def test_a_verifier_of_another_township_cannot_be_assigned(
        session: Session, staff: dict[str, User]):
    case = case_ready_for(session, staff, "assign")
    with pytest.raises(InvalidInput, match="马家镇的核查人员"):
        step(session, case, "assign", staff["analyst"],
             {"assignee": str(staff["verifier_elsewhere"].id)})
    with pytest.raises(InvalidInput, match="请选择核查人员"):
        step(session, case, "assign", staff["analyst"], {"assignee": str(staff["officer"].id)})


def test_deadlines_default_to_the_setting_and_must_not_be_past(
        session: Session, staff: dict[str, User]):
    case = case_ready_for(session, staff, "assign")
    with pytest.raises(InvalidInput, match="不能早于今天"):
        step(session, case, "assign", staff["analyst"],
             {"assignee": str(staff["verifier"].id), "deadline": "2025-02-28"})
    take(session, case, "assign", staff["analyst"], {"assignee": str(staff["verifier"].id)},
         expected_version=1, default_days=10, today=TODAY)
    assert case.deadline == date(2025, 3, 11)
    assert not overdue(case, date(2025, 3, 11))
    assert overdue(case, date(2025, 3, 12))


def test_deadlines_run_on_beijing_days_whatever_the_servers_clock_zone(
        session: Session, staff: dict[str, User], monkeypatch: pytest.MonkeyPatch):
    # 2025-02-28 23:30 UTC is 2025-03-01 07:30 in the county.
    monkeypatch.setattr(clock, "datetime", _FixedClock)
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        case = case_ready_for(session, staff, "assign")
        take(session, case, "assign", staff["analyst"], {"assignee": str(staff["verifier"].id)},
             expected_version=1, default_days=10)
        assert case.deadline == date(2025, 3, 11)
        case.deadline = date(2025, 2, 28)
        assert overdue(case)  # due yesterday, county time
    finally:
        monkeypatch.undo()
        time.tzset()


class _FixedClock(datetime):
    @classmethod
    def now(cls, tz: tzinfo | None = None) -> _FixedClock:  # type: ignore[override]
        instant = datetime(2025, 2, 28, 23, 30, tzinfo=UTC)
        moved = instant.astimezone(tz) if tz else instant.replace(tzinfo=None)
        return cls.fromtimestamp(moved.timestamp(), moved.tzinfo)


def test_a_stale_version_is_refused_and_changes_nothing(
        session: Session, staff: dict[str, User]):
    case = case_ready_for(session, staff, "verify")
    with pytest.raises(StaleCase, match="已被他人更新"):
        take(session, case, "verify", staff["verifier"], FORMS["verify"](staff),
             expected_version=1, today=TODAY)
    assert (case.status, case.version) == (VERIFYING, 2)


def test_a_verifier_whose_case_was_reassigned_is_told_so(
        session: Session, staff: dict[str, User]):
    case = case_ready_for(session, staff, "verify")
    seen = case.version
    step(session, case, "reassign", staff["analyst"], FORMS["reassign"](staff))
    with pytest.raises(NotAllowed, match="已改派"):
        take(session, case, "verify", staff["verifier"], FORMS["verify"](staff),
             expected_version=seen, today=TODAY)


def test_two_transactions_at_once_the_second_sees_the_first(engine: Engine,
                                                            staff: dict[str, User]):
    sessions = session_factory(engine)
    with sessions() as setup:
        case = case_ready_for(setup, staff, "verify")
        case_no, seen = case.case_no, case.version
        setup.commit()
    outcome: list[str] = []

    def second() -> None:
        with sessions() as other:
            writing(other)
            mine = locked_case(other, case_no)
            assert mine is not None
            try:
                take(other, mine, "verify", other.merge(staff["analyst"]),
                     {"verdict": NOT_TRUE, "reason": "另一位"}, expected_version=seen)
            except StaleCase:
                outcome.append("stale")
            else:
                outcome.append("taken")
                other.commit()

    first = sessions()
    writing(first)
    mine = locked_case(first, case_no)
    assert mine is not None
    take(first, mine, "verify", first.merge(staff["verifier"]), FORMS["verify"](staff),
         expected_version=seen)
    thread = threading.Thread(target=second)
    thread.start()
    thread.join(0.5)
    assert thread.is_alive()  # waiting for the first to commit
    first.commit()
    first.close()
    thread.join(30)
    assert outcome == ["stale"]
    with sessions() as check:
        stored = check.scalars(select(Case).where(Case.case_no == case_no)).one()
        assert (stored.verdict, stored.version) == (TRUE, seen + 1)


def test_assigning_a_warning_opens_its_case_once(session: Session, staff: dict[str, User]):
    run(session, [detection(range(1, 4))])
    warning = session.scalars(select(Warning)).one()
    form = {"assignee": str(staff["verifier"].id)}
    case = assign_warning(session, warning, staff["analyst"], form, seen_version=0,
                          today=TODAY)
    assert (case.status, warning.status, case.township, case.village) == (
        VERIFYING, VERIFYING, TOWNSHIP, "东村")
    assert case.case_no.startswith("AJ")
    with pytest.raises(StaleCase):  # a second analyst, from a page that showed no case
        assign_warning(session, warning, staff["analyst"], form, seen_version=0, today=TODAY)
    assert session.scalars(select(Case)).all() == [case]


def test_a_case_opened_but_never_acted_on_can_still_be_assigned_from_an_old_page(
        session: Session, staff: dict[str, User]):
    run(session, [detection(range(1, 4))])
    warning = session.scalars(select(Warning)).one()
    opened = case_for_warning(session, warning)  # e.g. for a comment
    case = assign_warning(session, warning, staff["analyst"],
                          {"assignee": str(staff["verifier"].id)}, seen_version=0, today=TODAY)
    assert case is opened and case.status == VERIFYING


def test_a_retracted_warning_is_not_assigned(session: Session, staff: dict[str, User]):
    run(session, [detection(range(1, 4))])
    warning = session.scalars(select(Warning)).one()
    warning.status = RETRACTED
    with pytest.raises(InvalidInput, match="已撤回"):
        assign_warning(session, warning, staff["analyst"],
                       {"assignee": str(staff["verifier"].id)}, seen_version=0, today=TODAY)
    assert case_for_warning(session, warning).status == RETRACTED


def test_sanctions_recorded_in_the_earlier_single_list_move_to_their_kind(
        session: Session, staff: dict[str, User], db_url: str):
    numbers = [case_ready_for(session, staff, "dispose").case_no for _ in range(4)]
    session.commit()
    session.close()
    downgrade(db_url, "0006")
    earlier = dict(zip(numbers, ["严重警告", "开除公职", "诫勉谈话", "无"], strict=True))
    engine = make_engine(db_url)
    with engine.begin() as connection:
        for case_no, discipline in earlier.items():
            connection.execute(text("UPDATE cases SET discipline = :d WHERE case_no = :n"),
                               {"d": discipline, "n": case_no})
    engine.dispose()
    upgrade(db_url)
    engine = make_engine(db_url)
    with session_factory(engine)() as reread:
        moved = {case.case_no: case.sanctions()
                 for case in reread.scalars(select(Case).where(Case.case_no.in_(numbers)))}
    engine.dispose()
    assert moved == dict(zip(numbers, ["党纪处分 严重警告", "政务处分 开除", "组织处理 诫勉",
                                       "无处分或组织处理"], strict=True))


def test_the_decision_log_notes_what_each_step_recorded(session: Session, staff: dict[str, User]):
    case = case_ready_for(session, staff, "dispose")
    step(session, case, "dispose", staff["analyst"], FORMS["dispose"](staff))
    session.add(CaseEvent(case_id=case.id, at=datetime.now(UTC), actor_id=None, action="dispose",
                          from_status=VERIFIED, to_status=HANDLING,
                          details={"recovered_amount": "100.00", "discipline": "记过"}))
    session.flush()
    session.expire(case, ["events"])
    notes = list(event_notes(session, case).values())
    assert notes[0] == f"核查人员 {staff['verifier'].display_name} · 期限 {TODAY + timedelta(30)}"
    assert notes[-2] == "追回 1,500.00 元 · 党纪处分 警告 · 处分对象 李村长"
    assert notes[-1] == "追回 100.00 元 · 处分 记过"  # logged before the sanctions were split


def test_going_back_to_one_sanction_keeps_the_gravest_the_earlier_list_could_name(
        session: Session, staff: dict[str, User], db_url: str):
    given = [("", "警告", ""), ("", "", "批评教育、诫勉"), ("", "", "免职"),
             ("留党察看", "记过", "诫勉")]
    numbers = []
    for party, government, measures in given:
        case = case_ready_for(session, staff, "dispose")
        case.party_discipline, case.government_discipline = party, government
        case.organisational_measures = measures
        numbers.append(case.case_no)
    session.commit()
    session.close()
    downgrade(db_url, "0006")
    engine = make_engine(db_url)
    with engine.connect() as connection:
        kept = dict(connection.execute(text("SELECT case_no, discipline FROM cases")).all())
    engine.dispose()
    upgrade(db_url)
    assert [kept[n] for n in numbers] == ["警告", "诫勉谈话", "", "留党察看"]


# Who may take a case, and a deployment that wants an attachment before a verdict -----------


def test_the_assignee_list_offers_the_township_and_says_why_not_to_the_others(
        session: Session, staff: dict[str, User]):
    nowhere = person(session, "verifier4", VERIFIER)  # no township given yet
    gone = person(session, "verifier5", VERIFIER, TOWNSHIP)
    gone.active = False
    session.commit()
    found = candidates(session, TOWNSHIP)
    assert [u.username for u in found.offered] == ["verifier", "verifier2", "analyst"]
    assert found.verifier_in_scope
    assert dict((u.username, why) for u, why in found.not_offered) == {
        "verifier3": "负责马家镇，本案件在城关镇", nowhere.username: "尚未设置负责乡镇"}
    elsewhere = candidates(session, "八渡乡")
    assert [u.username for u in elsewhere.offered] == ["analyst"]
    assert not elsewhere.verifier_in_scope
    unplaced = candidates(session, "")
    assert all(why == "本案件未注明乡镇，只能分派给纪委监委分析人员"
               for _, why in unplaced.not_offered)


def test_a_verdict_may_require_an_attachment(session: Session, staff: dict[str, User]):
    case = case_ready_for(session, staff, "verify")
    verdict = FORMS["verify"](staff)
    with pytest.raises(InvalidInput, match="至少一份附件"):
        take(session, case, "verify", staff["verifier"], verdict,
             expected_version=case.version, today=TODAY, verdict_requires_attachment=True)
    assert case.status == VERIFYING and case.verdict is None
    session.add(CaseAttachment(case_id=case.id, at=datetime.now(UTC),
                               uploader_id=staff["verifier"].id, filename="入户记录.jpg",
                               content_type="image/jpeg", size=3, sha256="0" * 64))
    session.flush()
    session.refresh(case)
    take(session, case, "verify", staff["verifier"], verdict, expected_version=case.version,
         today=TODAY, verdict_requires_attachment=True)
    assert case.status == VERIFIED


def test_every_step_into_closed_and_every_verdict_is_confirmed_first():
    confirmed = {t.action for t in TRANSITIONS if needs_confirmation(t.action)}
    assert {t.action for t in TRANSITIONS if t.target == CLOSED} <= confirmed
    assert "verify" in confirmed
    assert {"assign", "reassign", "return"}.isdisjoint(confirmed)  # undone by a later step
    assert set(case_steps().confirm) <= {t.action for t in TRANSITIONS}
