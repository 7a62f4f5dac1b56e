"""/staff/self-corrections: the register of 主动说明 / 主动退回, for analysts."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from sunlight.appdb.numbers import ROW_ID_MAX
from sunlight.appdb.warnings import get
from sunlight.cases import self_corrections
from sunlight.cases.workflow import InvalidInput
from sunlight.contract.cases import SELF_CORRECTION_KINDS
from sunlight.contract.roles import ANALYST
from sunlight.web.case_pages import Submitted
from sunlight.web.deps import DbSession, Staff, audit_now, client_address, require
from sunlight.web.pages import render
from sunlight.web.params import FilterText

router = APIRouter(prefix="/staff/self-corrections")
Analyst = Annotated[Staff, Depends(require(ANALYST))]
PAGE = "staff/self_corrections.html"


@router.get("")
def register(request: Request, staff: Analyst, session: DbSession,
             warning: Annotated[FilterText, Query()] = "",
             recorded: Annotated[int, Query(ge=0, le=ROW_ID_MAX)] = 0) -> Response:
    """The register; `?warning=W-…` fills the form from that warning (its page links here),
    the full ID number included, which is audited as on the warning's page."""
    form: dict[str, str] = {}
    found = get(session, warning.upper()) if warning else None
    if found is not None:
        form = {"warning_id": found.warning_id, "person_name": found.name,
                "id_number": found.id_number, "township": found.township,
                "village": found.village, "program": found.program}
        if found.id_number:
            audit_now(request, staff, "view.id_number", target=found.warning_id,
                      details={"warning": found.warning_id, "via": "self_correction"})
    return render(request, PAGE, _context(session, form, recorded=recorded))


@router.post("")
def record(request: Request, staff: Analyst, session: DbSession, form: Submitted) -> Response:
    try:
        entry = self_corrections.record(session, staff.user, form,
                                        address=client_address(request))
    except InvalidInput as error:
        session.rollback()
        return render(request, PAGE, _context(session, form, message=str(error)),
                      status_code=400)
    session.commit()
    return RedirectResponse(f"/staff/self-corrections?recorded={entry.id}", status_code=303)


def _context(session: DbSession, form: dict[str, str], *, message: str = "",
             recorded: int = 0) -> dict[str, Any]:
    return {"form": form, "message": message, "recorded": recorded,
            "kinds": SELF_CORRECTION_KINDS, "entries": self_corrections.listed(session)}
