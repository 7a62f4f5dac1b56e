"""What the case routes share: finding a case the user may see, where a case lives, and the
case page (which also answers a refused action, with the person's input kept)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from sunlight.appdb.case_tables import Case
from sunlight.appdb.tables import Warning
from sunlight.cases.workflow import locked_case, may_see
from sunlight.contract.cases import LIST_SEPARATOR
from sunlight.contract.roles import ANALYST
from sunlight.web import csrf
from sunlight.web.case_discussion import discussion_context
from sunlight.web.case_panel import panel_context
from sunlight.web.deps import Staff, settings_of
from sunlight.web.errors import BadParameters
from sunlight.web.pages import render
from sunlight.web.params import FORM_LONG_TEXT_MAX
from sunlight.web.reference import warning_case_title
from sunlight.web.report_section import report_context


def warning_url(warning: Warning) -> str:
    return f"/staff/warnings/{warning.warning_id}"


def assign_url(warning: Warning) -> str:
    return f"{warning_url(warning)}/assign"


def case_url(case: Case) -> str:
    """The page a case lives on: its warning's page, or its own."""
    if case.warning is not None:
        return warning_url(case.warning)
    return f"/staff/cases/{case.case_no}"


def visible_case(session: Session, staff: Staff, case_no: str, *, lock: bool = False) -> Case:
    """The case if this user may see it, else 404 (see `seen_case`)."""
    case = seen_case(session, staff, case_no, lock=lock)
    if case is None:
        raise HTTPException(status_code=404)
    return case


def seen_case(session: Session, staff: Staff, case_no: str, *,
              lock: bool = False) -> Case | None:
    """The case if it exists and this user may see it. The same None for both: a verifier
    trying case numbers learns nothing, not even which exist."""
    case = (locked_case(session, case_no) if lock
            else session.scalar(select(Case).where(Case.case_no == case_no)))
    if case is None or not may_see(staff.user, case, case.township, case.unit):
        return None
    return case


def form_fields(form: FormData) -> dict[str, str]:
    """A submitted form's text fields, without its CSRF token (never shown back).

    A field sent several times (ticked boxes) comes as its values joined by 、.
    """
    fields: dict[str, list[str]] = {}
    for name, value in form.multi_items():
        if isinstance(value, str) and name != csrf.FIELD:
            fields.setdefault(name, []).append(value)
    return {name: LIST_SEPARATOR.join(values) for name, values in fields.items()}


async def submitted(request: Request) -> dict[str, str]:
    """A dependency: the form's text fields (CSRF already checked by the staff dependency).

    Routes that take the whole form stay synchronous (their database work runs off the
    event loop); only this read of the body is awaited.
    """
    fields = form_fields(await request.form())
    if any(len(value) > FORM_LONG_TEXT_MAX for value in fields.values()):
        raise BadParameters()  # no person types this much into one field
    return fields


Submitted = Annotated[dict[str, str], Depends(submitted)]
"""A route parameter: the submitted form's text fields."""


def case_page(request: Request, session: Session, staff: Staff, case: Case | None, *,
              warning: Warning | None = None, status_code: int = 200,
              form: dict[str, str] | None = None, message: str = "", draft: str = "",
              discussion_message: str = "", reply_draft: str | None = None,
              reply_message: str = "") -> HTMLResponse:
    """The case page: title, place, the panel and the discussion.

    A warning's case normally lives on the warning's page; this page answers for it only
    when an action on it was refused, showing the current state and what the person typed.
    `case` is None for a warning whose first assignment was refused.
    """
    warning = case.warning if case is not None else warning
    township = case.township if case is not None else (warning.township if warning else "")
    unit = case.unit if case is not None else (warning.unit if warning else "")
    context: dict[str, Any] = {
        "title": case.title if case is not None else _warning_title(warning),
        "township": township,
        "village": case.village if case is not None else (warning.village if warning else ""),
        "kind": case.kind if case is not None else "warning",
        "warning": warning,
        "warning_url": warning_url(warning) if warning is not None else "",
        **panel_context(request, session, staff, case, township, unit=unit,
                        open_url=assign_url(warning) if warning is not None else "",
                        form=form, message=message),
        **discussion_context(session, case, draft=draft, message=discussion_message),
        **report_context(session, case, analyst=staff.role == ANALYST, reply_draft=reply_draft,
                         reply_message=reply_message, catalog=settings_of(request).catalog),
    }
    return render(request, "staff/cases/case.html", context, status_code=status_code)


def _warning_title(warning: Warning | None) -> str:
    return warning_case_title(warning) if warning is not None else ""
