"""/staff/cases: every case for an analyst (filtered), their units' for an inspector,
我的核查任务 for a verifier or liaison."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from sunlight.appdb.numbers import row_id
from sunlight.cases import queries
from sunlight.cases.queries import CaseFilter
from sunlight.cases.workflow import overdue
from sunlight.clock import local_today
from sunlight.contract.cases import KIND_ZH, STATUS_ZH
from sunlight.contract.roles import ANALYST, CASE_DECIDERS, CASE_READERS, UNIT_ROLES
from sunlight.web.case_pages import case_url
from sunlight.web.deps import DbSession, Staff, require
from sunlight.web.pages import menu_label, render
from sunlight.web.params import FilterText, PageNumber, one_of

router = APIRouter(prefix="/staff/cases")
PAGE_SIZE = 100
PARTIAL = "x-sunlight-partial"


class Wanted(BaseModel):
    """The list's query: unknown choices and a mangled page (a hand-edited link) fall back."""

    status: Annotated[str, one_of(STATUS_ZH)] = ""
    kind: Annotated[str, one_of(KIND_ZH)] = ""
    township: FilterText = ""
    overdue_only: FilterText = ""
    assignee: FilterText = ""
    page: PageNumber = 1


@router.get("")
def case_list(request: Request, staff: Annotated[Staff, Depends(require(*CASE_READERS))],
              session: DbSession, query: Annotated[Wanted, Query()]) -> Response:
    today = local_today()
    analyst = staff.role == ANALYST
    wanted = CaseFilter(
        status=query.status,
        kind=query.kind if analyst else "",
        township=query.township if analyst else "",
        overdue_only=bool(query.overdue_only),
        assignee_id=row_id(query.assignee) if analyst else None,
    )
    number = query.page
    total = queries.count(session, staff.user, wanted, today=today)
    cases = queries.listed(session, staff.user, wanted, today=today, limit=PAGE_SIZE,
                           offset=(number - 1) * PAGE_SIZE)
    context: dict[str, Any] = {
        "analyst": analyst,
        # Police staff's cases are of units: named by unit, never linked to subsidy pages.
        "police": staff.role in UNIT_ROLES,
        "deciding": staff.role in CASE_DECIDERS,
        "list_title": menu_label(staff.role, "/staff/cases"),
        "wanted": wanted,
        "rows": [(case, case_url(case), overdue(case, today)) for case in cases],
        "total": total,
        "page": number,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "query": _query_without_page(request),
    }
    if PARTIAL in request.headers:
        return render(request, "staff/cases/_list.html", context)
    context.update(
        counts=queries.status_counts(session, staff.user, today=today),
        townships=queries.townships(session) if analyst else [],
        assignees=queries.assignees(session) if analyst else [],
    )
    return render(request, "staff/cases/list.html", context)


def _query_without_page(request: Request) -> str:
    return urlencode([(name, value) for name, value in request.query_params.multi_items()
                      if name != "page" and value])
