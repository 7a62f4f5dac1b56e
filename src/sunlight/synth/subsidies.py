"""Records of section 5's subsidies that are not payments to persons: a company's 留工 grant,
its insured headcount, and a shift on the duty roster."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sunlight.synth.people import Person
from sunlight.synth.periods import Month
from sunlight.synth.registries import Business

DAY_SHIFT, NIGHT_SHIFT, WHOLE_DAY = "白班", "夜班", "全天"
SHIFTS = (WHOLE_DAY, DAY_SHIFT, NIGHT_SHIFT)
LEADER, OFFICER, AUXILIARY, COMMUNITY_WORKER = "带班领导", "值班民警", "辅警", "社区工作者"


@dataclass(eq=False, slots=True)
class Grant:
    """One row of `enterprise_payments`: a company program paying a company for a month."""

    program: str
    business: Business
    period: Month
    claimed: int | None
    """Workers the company claimed for (None: the column left empty)."""
    amount: int
    """Fen."""
    paid_on: date
    code_text: str | None = None
    """The credit code as written, where it is not the registry's form."""
    pinned: bool = False
    """Evidence in the truth file: written verbatim and never made unreadable."""


@dataclass(frozen=True, slots=True)
class Shift:
    """One row of `duty_roster`."""

    day: date
    shift: str
    unit: str
    post: str | None
    role: str
    person: Person
    police_number: str | None = None
    pinned: bool = False
