"""/staff/oversight (网上督察): the 督察 views, for analysts (every unit) and inspectors (their
units): units ranked by problems, a post × day coverage grid, case timeliness with the 涉疫
cases one by one, and findings by rectification status. They read the tables built at
detection (sunlight.oversight), never the warehouse; a unit the reader does not cover is 404.
"""

from __future__ import annotations

import re
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, BeforeValidator

from sunlight.contract.datasets import DATASETS
from sunlight.contract.roles import ANALYST, INSPECTOR
from sunlight.contract.vocabulary import FINDING_STATE_ZH, TIMELINESS_ZH
from sunlight.oversight import reads
from sunlight.oversight.reads import Scope
from sunlight.web import reference
from sunlight.web.board import Filters
from sunlight.web.deps import DbSession, Staff, require
from sunlight.web.pages import render
from sunlight.web.params import PageNumber, UnitText, one_of

router = APIRouter(prefix="/staff/oversight")
Supervisor = Annotated[Staff, Depends(require(ANALYST, INSPECTOR))]
PAGE_SIZE = 50
TRACKED = "涉疫"
"""The category whose cases are listed one by one (contract §6)."""
CATEGORIES = DATASETS["police_cases"].column("category").choices


def _month(value: object) -> str:
    text = str(value).strip()
    return text if re.fullmatch(r"(19|20|21)\d\d-(0[1-9]|1[0-2])", text) else ""


class Place(BaseModel):
    unit: UnitText = ""
    month: Annotated[str, BeforeValidator(_month)] = ""


class Listing(BaseModel):
    unit: UnitText = ""
    state: Annotated[str, one_of(FINDING_STATE_ZH)] = ""
    page: PageNumber = 1


class CaseListing(BaseModel):
    """The cases listed one by one: 涉疫 unless a category, a state or `overdue` is asked for
    (`overdue=1`: both overdue states, as the dashboard counts them)."""

    unit: UnitText = ""
    category: Annotated[str, one_of(CATEGORIES)] = ""
    state: Annotated[str, one_of(TIMELINESS_ZH)] = ""
    overdue: Annotated[str, one_of(("1",))] = ""
    page: PageNumber = 1

    def wanted(self) -> reads.CaseFilter:
        states = (self.state,) if self.state else reads.OVERDUE_CASES if self.overdue else ()
        asked = self.category or states
        return reads.CaseFilter(self.unit, self.category if asked else TRACKED, states)


def _scope(staff: Staff, unit: str) -> Scope:
    """The reader's scope; a unit asked for outside it is 404, as one that does not exist."""
    scope = Scope(staff.user)
    if unit and not scope.covers(unit):
        raise HTTPException(status_code=404)
    return scope


def board_url(unit: str, model: str = "") -> str:
    """The warning board of a unit's police warnings (of one model)."""
    return f"/staff/warnings?{Filters().query_string(unit=unit, model=model)}"


@router.get("")
def dashboard(request: Request, staff: Supervisor, session: DbSession) -> Response:
    scope = _scope(staff, "")
    rows = reads.ranked_units(session, scope)
    models = sorted({model for row in rows for model in row.warnings})
    return render(request, "staff/oversight/dashboard.html", {
        "rows": rows, "models": models, "model_names": reference.model_names(),
        "board_url": board_url, "as_of": reads.as_of(session), "built": reads.built(session),
    })


@router.get("/coverage")
def coverage(request: Request, staff: Supervisor, session: DbSession,
             query: Annotated[Place, Query()]) -> Response:
    scope = _scope(staff, query.unit)
    units = reads.units(session, scope)
    gaps = reads.gaps(session, scope)
    unit_gaps = {name: sum(by_month.values()) for name, by_month in gaps.items()}
    # Without a choice, the page opens where the gaps are: the unit and month with the most.
    unit = query.unit or reads.most_gaps(units, unit_gaps)
    months = reads.months(session, unit) if unit else []
    month_gaps = gaps.get(unit, {})
    month = query.month if query.month in months else reads.most_gaps(months, month_gaps)
    rows = reads.grid(session, unit, month) if month else []
    return render(request, "staff/oversight/coverage.html", {
        "units": units, "unit": unit, "months": months, "month": month, "rows": rows,
        "unit_gaps": unit_gaps, "month_gaps": month_gaps,
        "days": [cell.day for cell in rows[0].cells] if rows else [],
        "shifts": reads.required_shifts(),
        "as_of": reads.as_of(session),
    })


@router.get("/cases")
def cases(request: Request, staff: Supervisor, session: DbSession,
          query: Annotated[CaseListing, Query()]) -> Response:
    scope = _scope(staff, query.unit)
    wanted = query.wanted()
    listed, total = reads.listed_cases(session, scope, wanted, limit=PAGE_SIZE,
                                       offset=(query.page - 1) * PAGE_SIZE)
    return render(request, "staff/oversight/cases.html", {
        "units": reads.units(session, scope), "unit": query.unit,
        "table": reads.timeliness(session, scope, query.unit),
        "timeliness": reads.TIMELINESS, "timeliness_zh": TIMELINESS_ZH,
        "listed": listed, "wanted": wanted, "overdue_states": reads.OVERDUE_CASES,
        "tracked": wanted.category == TRACKED and not wanted.timeliness,
        "tracked_category": TRACKED,
        "step_label": _step_label,
        "warnings": reads.warnings_of(session, scope, reads.CASE_MODELS,
                                      {row.case_no for row in listed}),
        "model_names": reference.model_names(),
        **_pages(query, total), "as_of": reads.as_of(session),
    })


@router.get("/findings")
def findings(request: Request, staff: Supervisor, session: DbSession,
             query: Annotated[Listing, Query()]) -> Response:
    scope = _scope(staff, query.unit)
    rows, total = reads.findings(session, scope, query.unit, query.state, limit=PAGE_SIZE,
                                 offset=(query.page - 1) * PAGE_SIZE)
    return render(request, "staff/oversight/findings.html", {
        "units": reads.units(session, scope), "unit": query.unit, "state": query.state,
        "counts": reads.finding_counts(session, scope, query.unit),
        "states": reads.FINDING_ORDER, "state_zh": FINDING_STATE_ZH, "rows": rows,
        "warnings": reads.warnings_of(session, scope, reads.FINDING_MODELS,
                                      {row.finding_no for row in rows}),
        "model_names": reference.model_names(),
        **_pages(query, total), "as_of": reads.as_of(session),
    })


def _step_label(step: str) -> str:
    """立案, 强制措施, 办结 for a step's column; '' for none."""
    return DATASETS["police_cases"].column(step).label.removesuffix("时间") if step else ""


def _pages(query: Listing | CaseListing, total: int) -> dict[str, Any]:
    wanted = {name: value for name, value in query.model_dump().items()
              if name != "page" and value}
    return {"total": total, "page": query.page, "pages": max(1, -(-total // PAGE_SIZE)),
            "query": urlencode(wanted)}
