"""A case's page and its transitions: assigning a warning, and every later step.

A refused step answers with the case as it is now and the person's input kept: 409 when
someone else acted first, 400 for input to correct, 403 when the role forbids it, 404 for a
case the person may not see (as for one that does not exist).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from sunlight.appdb.case_tables import Case
from sunlight.appdb.tables import Warning
from sunlight.cases.workflow import (
    BY_ACTION,
    NotAllowed,
    StaleCase,
    WorkflowError,
    assign_warning,
    case_of_warning,
    locked_warning,
    needs_confirmation,
    take,
)
from sunlight.contract.case_steps import case_steps
from sunlight.contract.roles import CASE_DECIDERS, CASE_READERS
from sunlight.web.case_pages import (
    Submitted,
    case_page,
    case_url,
    seen_case,
    visible_case,
    warning_url,
)
from sunlight.web.case_panel import FIELD_LABELS, may_open_case, unsaved
from sunlight.web.deps import DbSession, Staff, client_address, require, settings_of
from sunlight.web.pages import render
from sunlight.web.reference import warning_case_title

router = APIRouter(prefix="/staff")
CaseWorker = Annotated[Staff, Depends(require(*CASE_READERS))]
Decider = Annotated[Staff, Depends(require(*CASE_DECIDERS))]
CONFIRMED = "confirmed"
"""The form field an irreversible step needs ("yes"): set by the browser's confirm dialog, or
by the confirmation page a browser without script is shown."""
NOT_SEEN = ("没有找到此案件，或者它没有分派给您（可能已改派给其他核查人员）。"
            "您的操作未保存。")


@router.get("/cases/{case_no}")
def show_case(request: Request, case_no: str, staff: CaseWorker, session: DbSession) -> Response:
    case = visible_case(session, staff, case_no)
    if case.warning is not None:
        return RedirectResponse(warning_url(case.warning), status_code=303)
    return case_page(request, session, staff, case)


@router.post("/cases/{case_no}/transition")
def transition(request: Request, case_no: str, staff: CaseWorker, session: DbSession,
               form: Submitted) -> Response:
    # A case this person may not see answers as one that does not exist, with what they
    # typed kept; take() checks the role and scope again.
    case = seen_case(session, staff, case_no, lock=True)
    if case is None:
        return render(request, "staff/cases/refused.html", {
            "title": "未找到", "message": NOT_SEEN, "unsaved": unsaved(session, form, [])},
            status_code=404)
    action, settings = form.get("action", ""), settings_of(request)
    try:
        take(session, case, action, staff.user, form, expected_version=_version(form),
             default_days=settings.case_deadline_days, address=client_address(request),
             verdict_requires_attachment=settings.case_verdict_requires_attachment)
    except WorkflowError as error:
        session.rollback()
        return _refused(request, session, staff, case, None, form, error)
    if needs_confirmation(action) and form.get(CONFIRMED) != "yes":
        # Checked and found takeable, but not to be undone: asked first (the browser's
        # dialog normally did; without script this page does), nothing kept.
        session.rollback()
        return _confirm(request, session, case, form)
    session.commit()
    # Back to the case panel, not the top of a long page: the person sees what they did.
    return RedirectResponse(f"{case_url(case)}#case-panel", status_code=303)


@router.post("/warnings/{warning_id}/assign")
def assign(request: Request, warning_id: str, staff: Decider, session: DbSession,
           form: Submitted) -> Response:
    warning = locked_warning(session, warning_id)
    if warning is None or not may_open_case(staff.user, warning.unit):
        raise HTTPException(status_code=404)  # an inspector learns nothing of other units'
    form = {**form, "action": "assign"}
    try:
        assign_warning(session, warning, staff.user, form, seen_version=_version(form),
                       title=warning_case_title(warning),
                       default_days=settings_of(request).case_deadline_days,
                       address=client_address(request))
    except WorkflowError as error:
        session.rollback()
        return _refused(request, session, staff, case_of_warning(session, warning), warning,
                        form, error)
    session.commit()
    return RedirectResponse(f"{warning_url(warning)}#case-panel", status_code=303)


def _version(form: dict[str, str]) -> int:
    # A form without a version (never one of ours) is treated as made on a stale page: the
    # workflow then refuses it after checking who is asking, not before.
    try:
        return int(form.get("version", ""))
    except ValueError:
        return -1


def _confirm(request: Request, session: DbSession, case: Case,
             form: dict[str, str]) -> Response:
    """The question before an irreversible step, with what will be recorded and a form that
    sends the same fields again, confirmed."""
    return render(request, "staff/cases/confirm.html", {
        "title": f"请确认：{BY_ACTION[form['action']].label}",
        "question": case_steps().question(form["action"], police=bool(case.unit)),
        "case": case, "back_url": f"{case_url(case)}#case-panel",
        "recorded": unsaved(session, form, []),
        # Sent back as hidden fields: what the person typed, one value per field sent.
        "fields": [(name, value) for name, value in form.items()
                   if name in FIELD_LABELS or name in ("action", "version")],
        "confirmed_field": CONFIRMED}, status_code=200)


def _refused(request: Request, session: DbSession, staff: Staff, case: Case | None,
             warning: Warning | None, form: dict[str, str], error: WorkflowError) -> Response:
    if isinstance(error, NotAllowed):
        return render(request, "staff/cases/refused.html", {
            "message": str(error), "unsaved": unsaved(session, form, [])}, status_code=403)
    status = 409 if isinstance(error, StaleCase) else 400
    return case_page(request, session, staff, case, warning=warning, status_code=status,
                     form=form, message=str(error))
