"""Plain Chinese explanations: a model's template filled with the warning's figures and facts."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sunlight.models.detection import Detection

FIGURES = ("periods_zh", "periods_list_zh", "span", "amount", "name", "count", "id_number",
           "account", "township", "village", "program")
"""Placeholders every template may use besides the model's own facts (see `figures`)."""


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONTH = re.compile(r"\d{4}-\d{2}")


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        # A fact a source did not give (an empty 经办人) must not break the sentence.
        return "（未知）"


def period_zh(period: str) -> str:
    """`2024-03` → `2024年3月`, `2024` → `2024年`."""
    if len(period) == 7:
        return f"{period[:4]}年{int(period[5:])}月"
    return f"{period}年" if period else ""


def periods_zh(period_from: str, period_to: str) -> str:
    if period_from == period_to:
        return period_zh(period_from)
    return f"{period_zh(period_from)}至{period_zh(period_to)}"


def periods_list_zh(periods: list[str], shown: int = 6) -> str:
    """Each period named, for periods that need not be consecutive: `2023年4月、2024年10月`."""
    distinct = sorted(set(periods))
    named = "、".join(period_zh(p) for p in distinct[:shown])
    return named + (f"等{len(distinct)}期" if len(distinct) > shown else "")


def span(periods: list[str]) -> str:
    """How long the money kept coming: `19个月`, `2年`, or both for mixed programs."""
    months = len({p for p in periods if len(p) == 7})
    years = len({p for p in periods if len(p) == 4})
    parts = ([f"{months}个月"] if months else []) + ([f"{years}年"] if years else [])
    return "又".join(parts)


def figures(detection: Detection) -> dict[str, str]:
    periods = [row.period for row in detection.paid_rows()]
    return {
        "periods_zh": periods_zh(detection.period_from, detection.period_to),
        "periods_list_zh": periods_list_zh(periods),
        "span": span(periods),
        "count": str(len(periods)),
        "amount": f"{detection.amount:,.2f}",
        "name": detection.name or "该人",
        "id_number": detection.id_number,
        "account": detection.account,
        "township": detection.township,
        "village": detection.village,
        "program": detection.program,
    }


def date_zh(text: str) -> str | None:
    """`2024-03-05` → `2024年3月5日`, `2024-03` → `2024年3月`; None for anything else."""
    if _DAY.fullmatch(text):
        return f"{text[:4]}年{int(text[5:7])}月{int(text[8:])}日"
    if _MONTH.fullmatch(text):
        return period_zh(text)
    return None


def _yuan(text: str) -> str:
    try:
        return f"{Decimal(text):,.2f}"
    except InvalidOperation:
        return text


def render(detection: Detection) -> str:
    """The warning in one or two sentences a township verifier can check."""
    values = _Blank(detection.facts)
    for name, value in detection.facts.items():
        if (spoken := date_zh(value)) is not None:
            values.setdefault(f"{name}_zh", spoken)
        if name.endswith("_yuan"):  # money: thousands separated, two decimals
            values[name] = _yuan(value)
    values.update(figures(detection))
    return detection.template.format_map(values)
