"""/staff/cases: every case for an analyst (filtered), 我的核查任务 for a verifier."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from sunlight.appdb.numbers import page_number, row_id
from sunlight.cases import queries
from sunlight.cases.queries import CaseFilter
from sunlight.cases.workflow import overdue
from sunlight.clock import local_today
from sunlight.contract.cases import KIND_ZH, STATUS_ZH
from sunlight.contract.roles import ANALYST, VERIFIER
from sunlight.web.case_pages import case_url
from sunlight.web.deps import DbSession, Staff, require
from sunlight.web.pages import render

router = APIRouter()
PAGE_SIZE = 100
PARTIAL = "x-sunlight-partial"


@router.get("/staff/cases")
def case_list(request: Request, staff: Annotated[Staff, Depends(require(ANALYST, VERIFIER))],
              session: DbSession, status: str = "", kind: str = "", township: str = "",
              overdue_only: str = "", assignee: str = "", page: str = "1") -> Response:
    today = local_today()
    analyst = staff.role == ANALYST
    wanted = CaseFilter(
        status=status if status in STATUS_ZH else "",
        kind=kind if analyst and kind in KIND_ZH else "",
        township=township if analyst else "",
        overdue_only=bool(overdue_only),
        assignee_id=row_id(assignee) if analyst else None,
    )
    number = page_number(page)  # a mangled link shows page 1
    total = queries.count(session, staff.user, wanted, today=today)
    cases = queries.listed(session, staff.user, wanted, today=today, limit=PAGE_SIZE,
                           offset=(number - 1) * PAGE_SIZE)
    context: dict[str, Any] = {
        "analyst": analyst,
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
