"""/staff/dashboard: the analyst's overview of warnings, money, cases and model precision."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from markupsafe import Markup

from sunlight.contract.roles import ANALYST
from sunlight.web.charts import Bar, bar_chart
from sunlight.web.dashboard_data import Tally, build
from sunlight.web.deps import DbSession, Staff, require
from sunlight.web.pages import render
from sunlight.web.templating import money

router = APIRouter()
Analyst = Annotated[Staff, Depends(require(ANALYST))]


@router.get("/staff/dashboard")
def dashboard(request: Request, staff: Analyst, session: DbSession) -> Response:
    data = build(session)
    return render(request, "staff/dashboard.html", {
        "data": data, "percent": percent,
        "charts": [
            ("预警按模型", _chart("预警按模型（条数与金额，不含已撤回）", data.by_model)),
            ("预警按乡镇", _chart("预警按乡镇（条数与金额，不含已撤回）", data.by_township)),
            ("预警按月份", _chart("预警按问题起始所属期（月）", data.by_month)),
        ],
    })


def _chart(title: str, tallies: list[Tally]) -> Markup:
    return bar_chart(title, [Bar(t.label, t.count, f"{t.count} 条 · {money(t.amount)} 元")
                             for t in tallies])


def percent(value: float | None) -> str:
    """0.6667 → 67%; a dash when nothing was verified yet."""
    return "—" if value is None else f"{Decimal(str(value)) * 100:.0f}%"
