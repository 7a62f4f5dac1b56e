"""The case state machine: one table of transitions, each with the roles that may take it.

The states and transitions (who may move a case from which state to which) are data in
contract/cases.yaml. Every transition checks the actor's role and scope, the fields it
requires, and the case's version (so a second person acting on a stale page is told, not
overwritten); it writes the case, its warning's status, a decision-log event and an audit
entry in the caller's transaction.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunlight.accounts.units import covers_unit
from sunlight.appdb.account_tables import User
from sunlight.appdb.case_tables import UNIT_WIDTH, Case, CaseEvent
from sunlight.appdb.numbers import row_id
from sunlight.appdb.tables import Warning
from sunlight.audit.chain import append
from sunlight.cases.assignees import CASE_TAKERS, covers, why_not
from sunlight.cases.disposal import disposal_outcome, logged
from sunlight.clock import local_today
from sunlight.contract.case_steps import case_steps
from sunlight.contract.cases import (
    ACTIVE,
    CASES,
    CLOSED,
    GOVERNMENT_DISCIPLINES,
    LIST_SEPARATOR,
    NOT_TRUE,
    OPEN,
    ORGANISATIONAL_MEASURES,
    PARTY_DISCIPLINES,
    PAYMENT_MEASURES,
    POLICE_MEASURES,
    POLICE_TRANSFERS,
    RETRACTED,
    SANCTION_LABELS,
    TRANSFERS,
    VERDICTS,
    WARNING_CASE,
)
from sunlight.contract.roles import ANALYST, CASE_CHECKERS, INSPECTOR, LIAISON, VERIFIER
from sunlight.masking import masked_number

Form = Mapping[str, str]
MAX_MONEY = Decimal(10) ** 14
"""Amounts are NUMERIC(16, 2)."""


class WorkflowError(Exception):
    """A transition that may not happen as asked; the message is for the person who asked."""


class NotAllowed(WorkflowError):
    """The actor's role or scope does not allow this transition on this case."""


class StaleCase(WorkflowError):
    """Someone else changed the case after the actor loaded it."""


class InvalidInput(WorkflowError):
    """A field the transition needs is missing or wrong."""


@dataclass(frozen=True)
class Terms:
    """What a transition is checked against besides the form: today, the default deadline,
    and whether this deployment wants an attachment on a case before its verdict."""

    today: date
    default_days: int = 30
    verdict_requires_attachment: bool = False


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    check: Callable[[Session, Case, Form, Terms], dict[str, Any]]
    """Validates the form and returns the fields to set on the case."""
    allowed_when: Callable[[Case], bool] = lambda case: True


def _assignment(session: Session, case: Case, form: Form, terms: Terms) -> dict[str, Any]:
    assignee = _user(session, form.get("assignee", ""))
    if assignee is None or not assignee.active or assignee.role not in CASE_TAKERS:
        raise InvalidInput("请选择核查人员")
    if not covers(assignee, case.township, case.unit):
        if assignee.role == VERIFIER and not case.unit:
            raise InvalidInput(f"{assignee.display_name} 是{assignee.township}的核查人员，"
                               f"不能核查{case.township or '未知乡镇'}的案件")
        raise InvalidInput(f"{assignee.display_name}不能核查本案件："
                           f"{why_not(assignee, case.township, case.unit)}")
    deadline = _deadline(form.get("deadline", ""), terms)
    return {"assignee_id": assignee.id, "deadline": deadline}


def _verification(session: Session, case: Case, form: Form, terms: Terms) -> dict[str, Any]:
    verdict = form.get("verdict", "").strip()
    if verdict not in VERDICTS:
        raise InvalidInput(f"请选择核实结论：{' / '.join(VERDICTS)}")
    reason = form.get("reason", "").strip()
    if not reason:
        raise InvalidInput("请填写核实情况说明")
    if terms.verdict_requires_attachment and not case.attachments:
        raise InvalidInput(case_steps().verdict_needs_attachment)
    return {"verdict": verdict, "verdict_reason": reason}


def _return(session: Session, case: Case, form: Form, terms: Terms) -> dict[str, Any]:
    if not form.get("reason", "").strip():
        raise InvalidInput("请填写退回重查的理由")
    return {"verdict": None}


def _disposal(session: Session, case: Case, form: Form, terms: Terms) -> dict[str, Any]:
    police = bool(case.unit)
    party = _one_of(form, "party_discipline", PARTY_DISCIPLINES)
    government = _one_of(form, "government_discipline", GOVERNMENT_DISCIPLINES)
    measures_field = "police_measures" if police else "organisational_measures"
    measures = _several(form, measures_field,
                        POLICE_MEASURES if police else ORGANISATIONAL_MEASURES)
    other = "organisational_measures" if police else "police_measures"
    if form.get(other, "").strip():
        raise InvalidInput(f"{SANCTION_LABELS[other]}不适用于本案件，"
                           f"请在“{SANCTION_LABELS[measures_field]}”中选择")
    if police and _money_fields(form):
        raise InvalidInput("本预警不涉及资金，不能填写追回金额、停发或取消资格")
    transfers = POLICE_TRANSFERS if police else TRANSFERS
    transferred = form.get("transferred_to", "").strip()
    if transferred not in transfers:
        raise InvalidInput(f"移送只能是：{'、'.join(t for t in transfers if t)}，或不移送")
    # A police warning concerns no money: nothing to recover, no payment to stop.
    money = {} if police else {"recovered_amount": parse_money(form.get("recovered_amount", "0"))}
    try:
        outcome = disposal_outcome(session, case, form, today=terms.today,
                                   sanctioned=bool(party or government or measures))
    except ValueError as error:
        raise InvalidInput(str(error)) from None
    return {**money, "party_discipline": party,
            "government_discipline": government, measures_field: measures,
            "transferred_to": transferred, **outcome}


def _money_fields(form: Form) -> bool:
    """Whether the form recovers money or stops a payment (a subsidy case's fields)."""
    recovered = form.get("recovered_amount", "").strip()
    return (recovered not in ("", "0", "0.00")
            or any(form.get(name, "").strip() for name in PAYMENT_MEASURES))


def _several(form: Form, field: str, choices: tuple[str, ...]) -> str:
    """The measures of `choices` taken, in their order, joined as a person reads them."""
    taken = {m.strip() for m in form.get(field, "").split(LIST_SEPARATOR)}
    taken.discard("")
    if taken - set(choices):
        raise InvalidInput(f"{SANCTION_LABELS[field]}只能是：{LIST_SEPARATOR.join(choices)}")
    return LIST_SEPARATOR.join(m for m in choices if m in taken)


def _one_of(form: Form, field: str, choices: tuple[str, ...]) -> str:
    """A chosen sanction, or empty for none."""
    value = form.get(field, "").strip()
    if value in ("", "无"):
        return ""
    if value not in choices:
        raise InvalidInput(f"{SANCTION_LABELS[field]}只能是：{'、'.join(choices)}，或无")
    return value


def _closing(session: Session, case: Case, form: Form, terms: Terms) -> dict[str, Any]:
    return {}


_CHECKS: dict[str, Callable[[Session, Case, Form, Terms], dict[str, Any]]] = {
    "assign": _assignment, "reassign": _assignment, "verify": _verification,
    "return": _return, "dispose": _disposal, "close": _closing, "close_unfounded": _closing,
}
_ALLOWED_WHEN: dict[str, Callable[[Case], bool]] = {
    "dispose": lambda case: case.verdict != NOT_TRUE,
    "close_unfounded": lambda case: case.verdict == NOT_TRUE,
}
TRANSITIONS: tuple[Transition, ...] = tuple(
    Transition(action, step.label, step.sources, step.target, step.roles, _CHECKS[action],
               _ALLOWED_WHEN.get(action, lambda case: True))
    for action, step in CASES.transitions.items())
"""The transitions of contract/cases.yaml, each with the check of its form."""
BY_ACTION = {transition.action: transition for transition in TRANSITIONS}


def needs_confirmation(action: str) -> bool:
    """Whether this step cannot be undone, so it is taken only once the person confirmed it."""
    return action in case_steps().confirm


def may_see(user: User, case: Case | None, township: str, unit: str = "") -> bool:
    """Analysts see every case; an inspector every case of their units; a verifier only a
    case of their township assigned to them, a liaison one of their units."""
    if user.role == ANALYST:
        return True
    if user.role == INSPECTOR:
        return covers_unit(user, unit)
    assigned = case is not None and case.assignee_id == user.id
    if user.role == VERIFIER:
        return assigned and not unit and township == user.township
    if user.role == LIAISON:
        return assigned and covers_unit(user, unit)
    return False


def available(user: User, case: Case) -> list[Transition]:
    """The transitions this user may take on this case now."""
    return [t for t in TRANSITIONS if case.status in t.sources and user.role in t.roles
            and t.allowed_when(case) and may_see(user, case, case.township, case.unit)]


def take(session: Session, case: Case, action: str, actor: User, form: Form, *,
         expected_version: int, default_days: int = 30, address: str = "",
         today: date | None = None, verdict_requires_attachment: bool = False) -> CaseEvent:
    """Take one transition; raises a WorkflowError saying why it cannot be taken."""
    # Scope first: whoever may not see the case learns nothing more about it.
    if not may_see(actor, case, case.township, case.unit):
        if actor.role in CASE_CHECKERS and case.version != expected_version:
            # Reassigned to someone else while this verifier had the page open.
            raise NotAllowed("此案件已改派给其他核查人员，您不再负责此案件，您的操作未保存。")
        raise NotAllowed("您无权办理此案件")
    transition = BY_ACTION.get(action)
    if transition is None:
        raise InvalidInput(f"未知操作 {action}")
    if actor.role not in transition.roles:
        raise NotAllowed(f"您的角色不能对此案件执行“{transition.label}”")
    if case.version != expected_version:
        raise StaleCase("此案件已被他人更新，您的操作未保存。请查看最新状态后再操作。")
    if case.status not in transition.sources or not transition.allowed_when(case):
        raise InvalidInput(f"案件当前状态下不能执行“{transition.label}”")
    changes = transition.check(session, case, form, Terms(
        today or local_today(), default_days, verdict_requires_attachment))
    now = datetime.now(UTC)
    before = case.status
    for name, value in changes.items():
        setattr(case, name, value)
    case.status, case.version, case.updated_at = transition.target, case.version + 1, now
    if transition.target == CLOSED:
        case.closed_at = now
    _mirror_on_warning(session, case)
    details = {name: _shown(value) for name, value in logged(changes).items()}
    if form.get("reason", "").strip():
        details["reason"] = form["reason"].strip()
    event = CaseEvent(case_id=case.id, at=now, actor_id=actor.id, action=action,
                      from_status=before, to_status=case.status, details=details)
    session.add(event)
    append(session, actor=actor.username, action=f"case.{action}", target=case.case_no,
           details={"from": before, "to": case.status, **details}, address=address)
    session.flush()
    return event


def open_case(session: Session, *, kind: str, title: str, township: str, village: str,
              warning: Warning | None = None, status: str = OPEN) -> Case:
    """A new case, in 待分派 unless told otherwise, numbered AJ<year><id>."""
    now = datetime.now(UTC)
    # A unique placeholder until the id is known; it must fit case_no's 30 characters.
    case = Case(case_no=f"new-{secrets.token_hex(8)}", kind=kind, title=title,
                township=township, village=village,
                unit=warning.unit[:UNIT_WIDTH] if warning else "", status=status,
                warning=warning, version=1, created_at=now, updated_at=now)
    session.add(case)
    session.flush()
    case.case_no = f"AJ{now.year}{case.id:06d}"
    session.flush()
    return case


def case_for_warning(session: Session, warning: Warning, title: str = "") -> Case:
    """The warning's case, opened (in the warning's current status) on first use.

    `title` names it for case lists (the web layer adds the model's Chinese name, which this
    layer cannot read without reaching the warehouse); by default the person alone (an
    account or ID masked), never the model's code.
    """
    case = case_of_warning(session, warning)
    if case is not None:
        return case
    who = warning.name or case_subject(warning)
    return open_case(session, kind=WARNING_CASE, title=title or who,
                     township=warning.township, village=warning.village, warning=warning,
                     status=warning.status)


def case_subject(warning: Warning) -> str:
    """What a case names a warning's subject by when it has no person's name: a police
    subject's name as written (not a number), anything else its number masked."""
    if warning.unit and warning.subject_name:
        return warning.subject_name
    return masked_number(warning.subject)


def case_of_warning(session: Session, warning: Warning) -> Case | None:
    """The warning's case if it has one (nobody has acted on it otherwise)."""
    return session.scalar(select(Case).where(Case.warning_pk == warning.id))


def locked_case(session: Session, case_no: str) -> Case | None:
    """The case, its row locked until the transaction ends (PostgreSQL; SQLite's writer
    already holds the database lock), so two people's changes are checked one after the
    other against the version each of them saw."""
    return session.scalar(select(Case).where(Case.case_no == case_no).with_for_update())


def locked_warning(session: Session, warning_id: str) -> Warning | None:
    """The warning, locked like `locked_case`: its case is opened once, however many
    analysts assign it at the same moment."""
    return session.scalar(select(Warning).where(Warning.warning_id == warning_id)
                          .with_for_update())


def assign_warning(session: Session, warning: Warning, actor: User, form: Form, *,
                   seen_version: int, default_days: int = 30, address: str = "",
                   today: date | None = None, title: str = "") -> Case:
    """Open the warning's case if need be and assign it, in the caller's transaction.

    `seen_version` is the case version on the actor's page, 0 when the page showed no case:
    a case opened since but never acted on (version 1, a comment perhaps) still matches.
    """
    if warning.status == RETRACTED:
        raise InvalidInput("此预警已撤回（模型不再命中），无需分派核查。")
    case = case_for_warning(session, warning, title)
    expected = case.version if seen_version == 0 and case.version == 1 else seen_version
    take(session, case, "assign", actor, form, expected_version=expected,
         default_days=default_days, address=address, today=today)
    return case


def overdue(case: Case, today: date | None = None) -> bool:
    """Past its deadline and not yet closed."""
    return (case.deadline is not None and case.status in ACTIVE
            and (today or local_today()) > case.deadline)


def _mirror_on_warning(session: Session, case: Case) -> None:
    if case.warning_pk is not None:
        warning = session.get(Warning, case.warning_pk)
        if warning is not None:
            warning.status = case.status
            warning.updated_at = case.updated_at


def _user(session: Session, user_id: str) -> User | None:
    number = row_id(user_id)
    return session.get(User, number) if number is not None else None


def _deadline(text: str, terms: Terms) -> date:
    today = terms.today
    if not text.strip():
        return today + timedelta(days=terms.default_days)
    try:
        deadline = date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput("期限日期格式应为 YYYY-MM-DD") from None
    if deadline < today:
        raise InvalidInput("期限不能早于今天")
    return deadline


def parse_money(text: str, label: str = "追回金额") -> Decimal:
    """An amount in yuan as staff type it (`12,240元` too), or InvalidInput naming `label`."""
    typed = text.strip().removesuffix("元").replace(",", "").replace("，", "").strip()
    try:
        amount = Decimal(typed or "0")
    except InvalidOperation:
        raise InvalidInput(f"{label}“{text}”不是数字") from None
    if (not amount.is_finite() or amount < 0 or amount >= MAX_MONEY
            or amount != amount.quantize(Decimal("0.01"))):
        raise InvalidInput(f"{label}应为不小于 0 的金额，最多两位小数")
    return amount


def _shown(value: object) -> object:
    if isinstance(value, (Decimal, date)):
        return str(value)
    return value
