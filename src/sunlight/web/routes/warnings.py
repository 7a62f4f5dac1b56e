"""The warning board, a warning's page, and revealing a warned person's full ID number."""

from __future__ import annotations

import functools
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunlight.accounts.units import units_of
from sunlight.appdb.case_tables import Case
from sunlight.appdb.tables import Warning
from sunlight.appdb.warnings import get
from sunlight.audit.chain import append
from sunlight.cases.workflow import case_of_warning, may_see
from sunlight.clock import local_today
from sunlight.contract.roles import ANALYST, CASE_READERS, INSPECTOR, UNIT_ROLES
from sunlight.contract.vocabulary import (
    PERSON_ROLE_ZH,
    SEVERITY_ZH,
    SUBJECT_KIND_ZH,
    evidence_roles_zh,
)
from sunlight.reports.related import reports_about
from sunlight.timeline import timeline
from sunlight.web import entity_data, reference
from sunlight.web.board import (
    SORTS,
    Filters,
    board_page,
    choices,
    period_label,
    subject_page,
    subject_text,
)
from sunlight.web.case_discussion import discussion_context
from sunlight.web.case_pages import assign_url
from sunlight.web.case_panel import panel_context
from sunlight.web.deps import DbSession, Staff, client_address, require, settings_of
from sunlight.web.entity_scope import know_townships
from sunlight.web.pages import render

router = APIRouter(prefix="/staff/warnings")
WarningReader = Annotated[Staff, Depends(require(*CASE_READERS))]
"""Who may open the board and a warning at all; a verifier or liaison then only their own
cases', an inspector their units'."""


def partial(request: Request) -> bool:
    """Asked for by sunlight.js (data-live): answer with the fragment only."""
    return "x-sunlight-partial" in request.headers


@router.get("")
def board(request: Request, staff: WarningReader, session: DbSession,
          query: Annotated[Filters, Query()]) -> Response:
    offered = choices(session, staff.user)
    filters = offered.narrowed(query)
    context = _board_context(request, session, staff, filters)
    if partial(request):
        return render(request, "staff/warnings/_board.html", context)
    return render(request, "staff/warnings/board.html", {**context, "choices": offered})


def _board_context(request: Request, session: Session, staff: Staff,
                   filters: Filters) -> dict[str, Any]:
    police = staff.role in UNIT_ROLES
    board = board_page(session, staff.user, filters)
    know_townships(request, "person", (w.id_number for w in board.warnings))
    for kind in ("account", "company"):  # the subjects' pages (subject_page)
        know_townships(request, kind, (w.subject for w in board.warnings
                                       if w.subject_kind == kind))
    return {
        "filters": filters,
        "board": board,
        # Police staff see police warnings only: the subsidy models are not theirs to pick.
        "police": police,
        "units": units_of(staff.user) if police else [],
        "model_names": reference.police_model_names() if police else reference.model_names(),
        "program_names": reference.program_names(settings_of(request).catalog),
        "sorts": SORTS, "severity_zh": SEVERITY_ZH, "period_label": period_label,
        "subject_text": subject_text, "subject_page": subject_page,
        "subject_kind_zh": SUBJECT_KIND_ZH,
        "may_export": staff.role in (ANALYST, INSPECTOR),
        "today": local_today(),
    }


def visible_warning(session: Session, staff: Staff, warning_id: str) -> tuple[Warning, Case | None]:
    """The warning and its case, if this member of staff may see it; else 404, whether it
    exists or not (a verifier learns nothing of the warnings not assigned to them)."""
    warning = get(session, warning_id)
    case = case_of_warning(session, warning) if warning is not None else None
    if warning is None or not may_see(staff.user, case, warning.township, warning.unit):
        raise HTTPException(status_code=404)
    return warning, case


@router.get("/{warning_id}")
def warning_page(request: Request, warning_id: str, staff: WarningReader,
                 session: DbSession) -> Response:
    warning, case = visible_warning(session, staff, warning_id)
    return render(request, "staff/warnings/warning.html",
                  warning_context(request, session, staff, warning, case))


@router.post("/{warning_id}/reveal")
def reveal_id_number(request: Request, warning_id: str, staff: WarningReader,
                     session: DbSession) -> Response:
    """The full ID number, shown to this person once and written in the audit log."""
    warning, case = visible_warning(session, staff, warning_id)
    append(session, actor=staff.user.username, action="view.id_number",
           target=warning.warning_id, details={"warning": warning.warning_id, "via": "page"},
           address=client_address(request))
    session.commit()
    if partial(request):
        return render(request, "staff/warnings/_id_number.html",
                      {"warning": warning, "revealed": True})
    return render(request, "staff/warnings/warning.html",
                  warning_context(request, session, staff, warning, case, revealed=True))


def subject_entity(warning: Warning) -> tuple[str, str] | None:
    """The entity page of a subject that is not a person: the account, the township of a
    township's program-year (its key names the program and year too), a household ..."""
    if warning.subject_kind == "township":
        return ("township", warning.township) if warning.township else None
    if warning.subject_kind != "person" and warning.subject_kind in entity_data.KINDS:
        return warning.subject_kind, warning.subject
    return None


def subject_records(session: Session, staff: Staff, warning: Warning) -> dict[str, Any]:
    """What the page shows of its subject's records: a person's timeline; an account's
    payees by month as the entity index holds them (never the warehouse); else a link.
    Police staff see none: a police officer's subsidy records are not theirs to read."""
    if staff.role in UNIT_ROLES:
        return {"timeline": None, "subject_entity": None}
    if warning.subject_kind == "person":
        return {"timeline": timeline(session, warning.id_number)}
    entity = subject_entity(warning)
    account = (entity_data.by_key(session, "account", warning.subject)
               if warning.subject_kind == "account" else None)
    payees, months = entity_data.account_view(session, account) if account else ([], [])
    return {"timeline": None, "subject_entity": entity, "account": account,
            "payees": payees, "months": months,
            "grid": entity_data.grid, "period_label": period_label}


POLICE_PLACES = ("post", "case", "finding")
"""A police warning's subjects that are a place or a file of their unit, shown beside it."""


def police_place(warning: Warning) -> tuple[str, str] | None:
    """What a police warning is about within its unit, as (label, name): 执勤点位 G85卡口,
    案件 案件A2024…（行政，城关派出所）; None for a unit's or an officer's warning."""
    if not warning.unit or warning.subject_kind not in POLICE_PLACES:
        return None
    name = (warning.subject.split("/", 1)[-1] if warning.subject_kind == "post"
            else warning.subject_name or warning.subject)
    return SUBJECT_KIND_ZH.get(warning.subject_kind, ""), name


def warning_context(request: Request, session: Session, staff: Staff, warning: Warning,
                    case: Case | None, *, revealed: bool = False) -> dict[str, Any]:
    successors = session.scalars(select(Warning).where(Warning.follows_id == warning.id)
                                 .order_by(Warning.generation)).all()
    names = reference.program_names(settings_of(request).catalog)
    kind = warning.subject_kind
    return {
        "warning": warning,
        "model_name": reference.model_names().get(warning.model, warning.model),
        "subject": subject_text(warning, names),
        "program_names": names,
        "programs": reference.program_text(warning, names),
        "role_zh": evidence_roles_zh(warning.money),
        "subject_kind_zh": SUBJECT_KIND_ZH, "person_role_zh": PERSON_ROLE_ZH,
        "police_place": police_place(warning),
        # Unmasked: the page masks every number in them and links it (linked_numbers).
        # A birth date in them shows its day only beside the revealed (audited) ID.
        "fact_rows": functools.partial(reference.fact_rows, warning.model, masked=False,
                                       subject_kind=kind, revealed=revealed),
        "change_text": functools.partial(reference.change_text, warning.model, masked=False,
                                         subject_kind=kind, revealed=revealed),
        "severity_zh": SEVERITY_ZH,
        **subject_records(session, staff, warning),
        "successors": successors,
        # Only analysts may open every case: a verifier is not shown others' report cases.
        "reports_about": reports_about(session, warning) if staff.role == ANALYST else [],
        "revealed": revealed,
        **panel_context(request, session, staff, case, warning.township, unit=warning.unit,
                        open_url=assign_url(warning)),
        **discussion_context(session, case),
    }
