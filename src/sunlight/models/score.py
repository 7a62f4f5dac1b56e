"""Risk score: the order in which a limited review budget should take warnings.

score = 100 × (0.40·money + 0.25·severity + 0.20·strength + 0.15·duration), two decimals.

- money: log10(1 + amount) / 5, capped at 1 (100,000 元 at risk scores 1). A logarithm, so
  that a 50,000 元 case outranks a 5,000 元 one without burying every small case.
- severity: the model's severity, high 1.0, medium 0.65, low 0.35.
- strength: how sure the evidence is, 0..1, from the model's `strength` fact (two death
  sources that agree score higher than one; a cadre in the payee's own household higher than
  one in the same village). 0.6 when a model says nothing.
- duration: how many periods were paid, log(1 + n) / log(25), capped at 1: a payment that
  kept going for two years is a pattern, one month may be a slip.

Money is continuous, so scores rarely tie; the listing breaks the remaining ties by amount
and then by warning_id, so the order is the same every time.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sunlight.models.detection import Detection

SEVERITY_WEIGHT = {"high": 1.0, "medium": 0.65, "low": 0.35}
DEFAULT_STRENGTH = 0.6


def _strength(detection: Detection) -> float:
    try:
        return min(1.0, max(0.0, float(detection.facts.get("strength", DEFAULT_STRENGTH))))
    except ValueError:
        return DEFAULT_STRENGTH


def risk_score(detection: Detection) -> float:
    money = min(1.0, math.log10(1 + float(detection.amount)) / 5)
    severity = SEVERITY_WEIGHT.get(detection.severity, 0.5)
    periods = len({row.period for row in detection.paid_rows()})
    duration = min(1.0, math.log(1 + periods) / math.log(25))
    total = 0.40 * money + 0.25 * severity + 0.20 * _strength(detection) + 0.15 * duration
    return round(100 * total, 2)
