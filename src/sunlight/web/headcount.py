"""A company's headcount by month (contract §5): insured beside claimed, as a table and as an
SVG bar chart drawn here, so the page needs no script and reads the same printed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

WIDTH = 640
HEIGHT = 220
MARGIN_LEFT = 44
MARGIN_BOTTOM = 28
MARGIN_TOP = 12
BAR_GAP = 0.2
"""The share of a month's slot left empty between months."""


@dataclass(frozen=True)
class Month:
    """One month of the table: insured (参保人数) and claimed (申报人数); None when not
    delivered, and `over` when the claim exceeds the insured count."""

    month: str
    insured: int | None
    claimed: int | None

    @property
    def over(self) -> bool:
        return self.insured is not None and self.claimed is not None \
            and self.claimed > self.insured


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: str
    """`insured` or `claimed` (the CSS class that colours it)."""
    title: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    labels: list[tuple[float, str]]
    """(x, month) under each month's pair of bars."""
    ticks: list[tuple[float, int]]
    """(y, count) of the scale on the left."""
    baseline: float


def months(doc: dict[str, Any]) -> list[Month]:
    """Insured and claimed headcount by month from a company's document (claimed summed
    over the month's payments), every month either names."""
    insured = {row["month"]: row.get("count") for row in doc.get("insured") or []}
    claimed: dict[str, int] = {}
    for payment in doc.get("payments") or []:
        if payment.get("claimed") is not None and len(payment.get("period") or "") == 7:
            claimed[payment["period"]] = claimed.get(payment["period"], 0) + payment["claimed"]
    return [Month(month, insured.get(month), claimed.get(month))
            for month in sorted(set(insured) | set(claimed))]


def chart(rows: list[Month]) -> Chart | None:
    """Two bars a month, on one scale from zero; None with nothing to draw."""
    top = max([r.insured or 0 for r in rows] + [r.claimed or 0 for r in rows], default=0)
    if not top:
        return None
    step = _step(top)
    scale_top = step * -(-top // step)
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    baseline = float(HEIGHT - MARGIN_BOTTOM)
    slot = (WIDTH - MARGIN_LEFT) / len(rows)
    bar_width = slot * (1 - BAR_GAP) / 2
    bars: list[Bar] = []
    labels: list[tuple[float, str]] = []
    for index, row in enumerate(rows):
        left = MARGIN_LEFT + index * slot + slot * BAR_GAP / 2
        for offset, series, value, label in ((0, "insured", row.insured, "参保人数"),
                                             (1, "claimed", row.claimed, "申报人数")):
            if value is None:
                continue
            height = plot_height * value / scale_top
            bars.append(Bar(round(left + offset * bar_width, 1), round(baseline - height, 1),
                            round(bar_width, 1), round(height, 1), series,
                            f"{row.month} {label} {value}"))
        labels.append((round(left + bar_width, 1), row.month))
    ticks = [(round(baseline - plot_height * value / scale_top, 1), value)
             for value in range(0, scale_top + 1, step)]
    return Chart(WIDTH, HEIGHT, bars, labels, ticks, baseline)


def _step(top: int) -> int:
    """A round step giving at most five ticks above zero."""
    step = 1
    while top / step > 5:
        for factor in (2, 5, 10):
            if top / (step * factor) <= 5:
                return step * factor
        step *= 10
    return step
