"""Plain Chinese explanations: a model's template filled with the warning's figures and facts."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sunlight.models.detection import Detection

BY_PERIOD = "by_period"
"""The fact saying each period of a warning that spans several (a model's `each_period`)."""
PERIOD_AMOUNT = "period_amount"
"""The money at risk in one period, for a model's `each_period` template."""

FIGURES = ("periods_zh", "periods_list_zh", "span", "amount", "name", "count", "id_number",
           "account", "township", "village", "program")
"""Placeholders every template may use besides the model's own facts (see `figures`)."""
MONEY_FIGURES = ("amount", PERIOD_AMOUNT)
"""The placeholders that say a sum of money: a model of `money: false` uses neither."""


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONTH = re.compile(r"\d{4}-\d{2}")


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        # A fact a source did not give (an empty 经办人) must not break the sentence.
        return "（未知）"


def period_zh(period: str) -> str:
    """`2024-03` → `2024年3月`, `2024` → `2024年`, `2024-02-10` → `2024年2月10日`."""
    if _DAY.fullmatch(period):
        return f"{period[:4]}年{int(period[5:7])}月{int(period[8:])}日"
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
    """How long the money kept coming: `19个月`, `2年`, or both for mixed programs; for the
    days of a police model, on how many days: `3天`."""
    days = len({p for p in periods if len(p) == 10})
    months = len({p for p in periods if len(p) == 7})
    years = len({p for p in periods if len(p) == 4})
    parts = (([f"{days}天"] if days else []) + ([f"{months}个月"] if months else [])
             + ([f"{years}年"] if years else []))
    return "又".join(parts)


def figures(detection: Detection) -> dict[str, str]:
    periods = [row.period for row in detection.paid_rows()]
    return {
        "periods_zh": periods_zh(detection.period_from, detection.period_to),
        "periods_list_zh": periods_list_zh(periods),
        "span": span(periods),
        "count": str(len(periods)),
        "amount": f"{detection.amount:,.2f}" if detection.money else "",
        "name": detection.name or "该人",
        "id_number": detection.id_number,
        "account": detection.account,
        "township": detection.township,
        "village": detection.village,
        "program": detection.program,
    }


def date_zh(text: str) -> str | None:
    """`2024-03-05` → `2024年3月5日`, `2024-03` → `2024年3月`; None for anything else."""
    if _DAY.fullmatch(text) or _MONTH.fullmatch(text):
        return period_zh(text)
    return None


_AMOUNT_IN_TEXT = re.compile(r"(?<![\d.,])\d{4,}(?:\.\d+)?(?=元)")


def amounts_in_text(text: str) -> str:
    """A text's sums of money (digits just before 元) with thousands separated, as every
    amount a warning says: `…=27000.00元` → `…=27,000.00元`."""
    return _AMOUNT_IN_TEXT.sub(lambda found: _grouped(found.group()), text)


def _grouped(number: str) -> str:
    whole, dot, fraction = number.partition(".")
    return f"{int(whole):,}{dot}{fraction}"


def yuan(text: str) -> str:
    """A sum of money as every page says it: thousands separated, two decimals."""
    try:
        return f"{Decimal(text):,.2f}"
    except InvalidOperation:
        return text


def template_fields(template: str) -> set[str]:
    """The placeholders a template names (ValueError if it does not parse)."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def fact_values(facts: Mapping[str, str]) -> dict[str, str]:
    """A template's values from facts: each date also spoken (`<name>_zh`), money
    (`*_yuan`, and sums in a text) with thousands separated and two decimals; a fact not
    given reads （未知）."""
    values = _Blank(facts)
    for name, value in facts.items():
        if (spoken := date_zh(value)) is not None:
            values.setdefault(f"{name}_zh", spoken)
        if name.endswith("_yuan"):
            values[name] = yuan(value)
        elif "元" in value:
            values[name] = amounts_in_text(value)
    return values


def period_text(template: str, facts: Mapping[str, str], amount: Decimal) -> str:
    """What a warning says of one period (a model's `each_period`), `amount` the money at
    risk in it."""
    values = fact_values(facts)
    values[PERIOD_AMOUNT] = f"{amount:,.2f}"
    return template.format_map(values)


def render(detection: Detection) -> str:
    """The warning in one or two sentences a township verifier can check."""
    values = fact_values(detection.facts)
    values.update(figures(detection))
    if BY_PERIOD not in values and detection.period_template:  # one period: its facts
        values[BY_PERIOD] = period_text(detection.period_template, detection.facts,
                                        detection.amount)
    return detection.template.format_map(values)
