"""The case section of a warning's page (and of a report's): status, deadline, the actions
this user may take now, and the decision log. Shared by every page that shows a case."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi import Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunlight.accounts.units import covers_unit
from sunlight.appdb.account_tables import User
from sunlight.appdb.case_tables import Case
from sunlight.appdb.numbers import row_id
from sunlight.cases.assignees import Candidates, candidates
from sunlight.cases.disposal import TYPED, offered
from sunlight.cases.workflow import available, overdue
from sunlight.clock import local_today
from sunlight.contract.case_steps import case_steps
from sunlight.contract.cases import (
    GOVERNMENT_DISCIPLINES,
    OPEN,
    ORGANISATIONAL_MEASURES,
    PARTY_DISCIPLINES,
    PAYMENT_MEASURES,
    POLICE_MEASURES,
    POLICE_TRANSFERS,
    SANCTION_LABELS,
    TRANSFERS,
    VERDICTS,
    sanction_parts,
)
from sunlight.contract.roles import ANALYST, CASE_DECIDERS, INSPECTOR, LIAISON, VERIFIER
from sunlight.contract.vocabulary import PERSON_ROLE_ZH, ROLE_ZH, field_label
from sunlight.masking import masked_number
from sunlight.web.deps import Staff, settings_of
from sunlight.web.templating import money

"""Where an administrator gives a verifier their township."""


def panel_context(request: Request, session: Session, staff: Staff, case: Case | None,
                  township: str, *, unit: str = "", open_url: str = "",
                  form: dict[str, str] | None = None, message: str = "") -> dict[str, Any]:
    """What staff/cases/_panel.html needs.

    `open_url` is where an analyst assigns a warning that has no case yet; `form` and
    `message` carry a refused attempt back to the person who made it.
    """
    actions = available(staff.user, case) if case is not None else []
    may_open = case is None and bool(open_url) and may_open_case(staff.user, unit)
    form = form or {}
    takes_back = [t.action for t in actions] + (["assign"] if may_open else [])
    assigning = staff.role in CASE_DECIDERS and (may_open or any(
        t.action in ("assign", "reassign") for t in actions))
    settings = settings_of(request)
    # A police warning's case (of a unit) speaks of officers and 督察 measures, not money.
    police = bool(case.unit if case is not None else unit)
    return {
        "case": case,
        "actions": [t.action for t in actions],
        "action_labels": {t.action: t.label for t in actions},
        "may_open": may_open,
        "open_url": open_url,
        "overdue": case is not None and overdue(case),
        **assignee_context(session, township if assigning else None, unit),
        "police": police,
        "confirm": {t.action: question for t in actions
                    if (question := case_steps().question(t.action, police))},
        "next_step": next_step(staff, case, unit),
        "attachment_missing": (settings.case_verdict_requires_attachment
                               and case is not None and not case.attachments),
        "attachment_notice": case_steps().verdict_needs_attachment,
        "verdicts": VERDICTS, "party_disciplines": PARTY_DISCIPLINES,
        "government_disciplines": GOVERNMENT_DISCIPLINES,
        "organisational_measures": POLICE_MEASURES if police else ORGANISATIONAL_MEASURES,
        "measures_field": "police_measures" if police else "organisational_measures",
        "transfers": [t for t in (POLICE_TRANSFERS if police else TRANSFERS) if t],
        "disciplined_offered": (offered(session, case) if case is not None
                                and "dispose" in takes_back else []),
        "disciplined_typed": TYPED, "person_role_zh": PERSON_ROLE_ZH,
        "payment_measures": PAYMENT_MEASURES,
        "default_deadline_days": settings.case_deadline_days,
        "today": local_today(),
        "form": form,
        "message": message,
        "unsaved": unsaved(session, form, takes_back) if message else [],
        "event_notes": event_notes(session, case) if case is not None else {},
    }


def assignee_context(session: Session, township: str | None, unit: str = "") -> dict[str, Any]:
    """The assignee list of a case of this township or police unit (township None: the page
    offers no assignment): who may take it, the verifiers (liaisons) who may not and why,
    and a word when none may."""
    found = (candidates(session, township, unit) if township is not None
             else Candidates([]))
    # Without a township no verifier could ever cover the case: the reason on each verifier
    # says so, and asking the admin for one would lead nowhere.
    lacking = township is not None and bool(township or unit) and not found.verifier_in_scope
    wanted = case_steps().no_liaison_in_scope if unit else case_steps().no_verifier_in_scope
    return {"assignees": found.offered, "not_offered": found.not_offered,
            "no_verifier": wanted if lacking else ""}


def may_open_case(user: User, unit: str) -> bool:
    """Whether this user may open a warning's case by assigning it: an analyst any warning,
    an inspector one of their units."""
    return user.role == ANALYST or (user.role == INSPECTOR and covers_unit(user, unit))


def next_step(staff: Staff, case: Case | None, unit: str = "") -> str:
    """What happens next to this case (a warning without one is 待分派; a police warning's,
    of `unit`, is the inspectors' and liaisons') and who does it, with （您） when that is the
    person reading."""
    status = case.status if case is not None else OPEN
    rule = case_steps().next_step(status, case.verdict if case is not None else None)
    if rule is None:
        return ""
    police = bool(case.unit if case is not None else unit)
    if rule.actor == "none":
        return rule.said(police)
    assignee = case.assignee if case is not None and rule.actor == "assignee" else None
    if assignee is not None:
        who = f"{ROLE_ZH[assignee.role]}{assignee.display_name}"
        yours = assignee.id == staff.user.id
    else:
        if rule.actor == "analyst":
            role = INSPECTOR if police else ANALYST
        else:
            role = LIAISON if police else VERIFIER
        who, yours = ROLE_ZH[role], staff.role == role
    return f"由{who}{'（您）' if yours else ''}{rule.said(police)}"


def event_notes(session: Session, case: Case) -> dict[int, str]:
    """Per entry of the decision log, what the step recorded beyond its verdict and reason:
    whom it was assigned to and by when, the money recovered, sanctions and transfer."""
    assignees = {event.details["assignee_id"] for event in case.events
                 if event.details.get("assignee_id")}
    names: dict[int, str] = {row.id: row.display_name for row in session.execute(
        select(User.id, User.display_name).where(User.id.in_(assignees)))} if assignees else {}
    notes = {}
    for event in case.events:
        details, parts = event.details, []
        if details.get("assignee_id") in names:
            parts.append(f"核查人员 {names[details['assignee_id']]}")
        if details.get("deadline"):
            parts.append(f"期限 {details['deadline']}")
        if "recovered_amount" in details:
            parts.append(f"追回 {money(Decimal(str(details['recovered_amount'])))} 元")
        if details.get("discipline", "无") != "无":  # a disposal logged before migration 0007
            parts.append(f"处分 {details['discipline']}")
        parts += sanction_parts(details)
        if details.get("transferred_to"):
            parts.append(f"移送 {details['transferred_to']}")
        parts += outcome_parts(details)
        if parts:
            notes[event.id] = " · ".join(parts)
    return notes


def outcome_parts(details: dict[str, Any]) -> list[str]:
    """处分对象 by name and the payment measures with their dates."""
    parts = []
    if details.get("disciplined_name"):
        # By name: the ID, logged masked, cannot be linked; the outcome above links it.
        parts.append(f"{field_label('disciplined')} {details['disciplined_name']}")
    parts += [f"{label} 自 {details[name]} 起" for name, label in PAYMENT_MEASURES.items()
              if details.get(name)]
    return parts


FIELD_LABELS = {name: field_label(name) for name in (
    "assignee", "deadline", "verdict", "reason", "recovered_amount", *SANCTION_LABELS,
    "transferred_to", "disciplined", "disciplined_id_number", "disciplined_name",
    *PAYMENT_MEASURES)}
"""The fields of the case forms, in the order a refused person's input is shown back."""


def unsaved(session: Session, form: dict[str, str], actions: list[str]) -> list[tuple[str, str]]:
    """What a refused person typed, as (label, value), when no form on the page now takes
    it back (the case moved on): shown beside the message so nothing they wrote is lost."""
    if not form or form.get("action") in actions:
        return []
    shown = []
    for name, label in FIELD_LABELS.items():
        value = form.get(name, "").strip()
        if name == "assignee" and (number := row_id(value)) is not None:
            user = session.get(User, number)
            value = user.display_name if user else value
        if name == "disciplined" and value == TYPED:
            continue  # the person typed in is shown by the ID and name fields
        if name == "disciplined_id_number":
            value = masked_number(value)
        if value:
            shown.append((label, value))
    return shown
