"""/staff/dashboard: the analyst's overview of warnings, money, cases and model precision.

Every bar and row that stands for a set of warnings links to the board filtered by it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from markupsafe import Markup

from sunlight.contract.cases import PAYMENT_MEASURES
from sunlight.contract.roles import ANALYST
from sunlight.web.board import Filters
from sunlight.web.charts import Bar, bar_chart
from sunlight.web.dashboard_data import MEASURES, Tally, build, ranked
from sunlight.web.deps import DbSession, Staff, require
from sunlight.web.pages import render
from sunlight.web.params import one_of
from sunlight.web.templating import money

router = APIRouter(prefix="/staff/dashboard")
Analyst = Annotated[Staff, Depends(require(ANALYST))]


@router.get("")
def dashboard(request: Request, staff: Analyst, session: DbSession,
              measure: Annotated[str, one_of(MEASURES, "count"), Query()] = "count") -> Response:
    data = build(session)
    by = MEASURES[measure]
    return render(request, "staff/dashboard.html", {
        "data": data, "percent": percent, "measure": measure, "measures": MEASURES,
        "board_url": board_url, "payment_measures": PAYMENT_MEASURES,
        "charts": [
            ("预警按模型", _chart(f"预警按模型（{by}，不含已撤回）",
                                  ranked(data.by_model, measure), "model", measure)),
            ("预警按乡镇", _chart(f"预警按乡镇（{by}，不含已撤回）",
                                  ranked(data.by_township, measure), "township", measure)),
            ("预警按月份（按月发放的项目）",
             _chart(f"按月发放项目的预警，按问题起始月份（{by}）", data.by_month, "period",
                    measure, empty="暂无按月发放项目的预警")),
            ("预警按年度（按年发放的项目）",
             _chart(f"按年发放项目的预警，按问题所属年度（{by}）", data.by_year, "period",
                    measure, empty="暂无按年发放项目的预警")),
        ],
    })


def board_url(dimension: str, key: str) -> str:
    """The board listing the warnings of one bar or row, e.g. a township's."""
    return f"/staff/warnings?{Filters().query_string(**{dimension: key})}"


def _chart(title: str, tallies: list[Tally], dimension: str, measure: str, *,
           empty: str = "暂无数据") -> Markup:
    def bar(t: Tally) -> Bar:
        count, amount = f"{t.count} 条", f"{money(t.amount)} 元"
        value, shown = ((float(t.amount), f"{amount} · {count}") if measure == "amount"
                        else (float(t.count), f"{count} · {amount}"))
        return Bar(t.label, value, shown, board_url(dimension, t.key) if t.key else "")

    return bar_chart(title, [bar(t) for t in tallies], empty=empty)


def percent(value: float | None) -> str:
    """0.6667 → 67%; a dash when nothing was verified yet."""
    return "—" if value is None else f"{Decimal(str(value)) * 100:.0f}%"
