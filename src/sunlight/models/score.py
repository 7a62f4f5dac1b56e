"""Risk score: the order in which a limited review budget should take warnings.

score = 100 × (0.36·money + 0.22·severity + 0.18·strength + 0.12·duration
               + 0.06·ongoing + 0.03·corroboration + 0.03·cluster), two decimals.

- money: log10(1 + amount) / 5, capped at 1 (100,000 元 at risk scores 1). A logarithm, so
  that a 50,000 元 case outranks a 5,000 元 one without burying every small case.
- severity: the model's severity, high 1.0, medium 0.65, low 0.35.
- strength: how sure the evidence is, 0..1, from the model's `strength` fact (two death
  sources that agree score higher than one; the cadre being the payee higher than a cadre in
  the payee's household). 0.6 when a model says nothing.
- duration: how many periods were paid, log(1 + n) / log(25), capped at 1: a payment that
  kept going for two years is a pattern, one month may be a slip.
- ongoing: 1 when the last period paid is the latest period the data holds for the program
  (the money is still flowing and can still be stopped), else 0; a warning with no program
  (an account's) is compared with every person program. Only payments of the warning's own
  kind count (`runner.latest_periods`). Fact `ongoing`.
- corroboration: other models that fired on the same person, 0 → 0, 1 → 0.5, 2+ → 1. Fact
  `other_models`. Independent red flags on one person are rarely all coincidence.
- cluster: other persons with warnings in the same village, n / 10 capped at 1. Fact
  `village_warnings`. Micro-corruption clusters where one cadre signs for many.

A warning of a model that concerns no money (`money: false`, the police models) is not
weighed by money at all: its other parts share the whole 100, each in the same proportion
to the others as above, so that it is ranked by what it is, not by an amount it cannot have.

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
WEIGHTS = {"money": 0.36, "severity": 0.22, "strength": 0.18, "duration": 0.12,
           "ongoing": 0.06, "corroboration": 0.03, "cluster": 0.03}


def _fact(detection: Detection, name: str, default: float) -> float:
    try:
        return float(detection.facts.get(name, default))
    except ValueError:
        return default


def components(detection: Detection) -> dict[str, float]:
    """Each part of the score, 0..1, as the module docstring defines it."""
    periods = len({row.period for row in detection.paid_rows()})
    return {
        "money": min(1.0, math.log10(1 + float(detection.amount)) / 5),
        "severity": SEVERITY_WEIGHT.get(detection.severity, 0.5),
        "strength": min(1.0, max(0.0, _fact(detection, "strength", DEFAULT_STRENGTH))),
        "duration": min(1.0, math.log(1 + periods) / math.log(25)),
        "ongoing": 1.0 if detection.facts.get("ongoing") == "1" else 0.0,
        "corroboration": min(1.0, _fact(detection, "other_models", 0) / 2),
        "cluster": min(1.0, _fact(detection, "village_warnings", 0) / 10),
    }


def risk_score(detection: Detection) -> float:
    parts = components(detection)
    total = sum(WEIGHTS[name] * value for name, value in parts.items())
    if not detection.money:
        total = (total - WEIGHTS["money"] * parts["money"]) / (1 - WEIGHTS["money"])
    return round(100 * total, 2)
