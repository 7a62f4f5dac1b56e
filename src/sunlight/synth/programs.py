"""Enrollments in the catalog's programs, and the rules that turn one into payments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sunlight.contract.catalog import Catalog, Program
from sunlight.synth.people import Person
from sunlight.synth.periods import (
    FIRST_PAID,
    LAST_PAID,
    PAID_YEARS,
    Month,
    age_in,
    day_in,
    month,
    month_label,
    month_of,
    year_of,
)

DIBAO, TEKUN, GAOLING = "DIBAO", "TEKUN", "GAOLING"
CANJI_SHENGHUO, CANJI_HULI, JINMU, DILI = "CANJI_SHENGHUO", "CANJI_HULI", "JINMU", "DILI"
LINSHI, LIUGONG, ZHIBAN = "LINSHI_NONGMINGONG", "LIUGONG", "ZHIBAN"
AREA_BASED = (DILI, JINMU)
ROSTERLESS = (LINSHI, ZHIBAN)
"""Person programs paid on a department's list alone: no enrollments roster, no approval chain
(the duty allowance's roster is the duty roster)."""
ANNUAL_PAY_MONTH = {DILI: 5, JINMU: 11, LINSHI: 3}
"""Annual subsidies are paid once a year: cropland after spring sowing, grassland in autumn, the
migrant workers' aid after the Spring Festival."""


@dataclass(eq=False, slots=True)
class Enrollment:
    """A person on a program's roster, and how their payments come out."""

    program: str
    person: Person
    start: Month
    end: Month | None = None
    """The roster's end month; None while still enrolled."""
    declared: int | None = None
    """Declared area in hundredths of a mu (area-based programs)."""
    account: str = ""
    base: tuple[int, int] = (0, 0)
    """Amount per month in fen in 2023 and in 2024 (programs paying a fixed amount)."""
    first_paid: Month | None = None
    last_paid: Month | None = None
    """Paid up to this month whatever the roster or the deaths data say (a case)."""
    amounts: dict[Month, int] | None = None
    names: dict[Month, str] | None = None
    """The payee's name as payment files write it, where it is not the registry's."""
    id_text: str | None = None
    """The ID as payment files write it, where it is not the canonical form."""
    extra: list[tuple[Month, date]] | None = None
    """Periods paid a second time, with the bank date of the second payment."""
    paid_on: dict[Month, date] | None = None
    """Bank dates that are not the usual pay day (back pay)."""
    pinned: bool = False
    """Its rows are evidence in the truth file: written verbatim and never made unreadable."""
    chain: str = "auto"
    """The approval chain: auto (complete if the enrollment is recent), none, or a defect."""
    approved: Month | None = None
    """The month of 县级审批 when the chain says it came late."""


class Standards:
    """The catalog's standards in fen, per program and month."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._cache: dict[tuple[str, int], int] = {}

    def program(self, code: str) -> Program:
        return self.catalog.by_code[code]

    def is_annual(self, code: str) -> bool:
        return self.program(code).period == "year"

    def max_fen(self, code: str, m: Month) -> int:
        key = (code, m)
        if key not in self._cache:
            standard = self.program(code).standard_for(month_label(m))
            self._cache[key] = round((standard.max_amount or 0) * 100)
        return self._cache[key]

    def rate_fen(self, code: str, year: int) -> int:
        """Fen per mu of declared area for the year."""
        key = (code, -year)
        if key not in self._cache:
            standard = self.program(code).standard_for(str(year))
            self._cache[key] = round((standard.rate_per_mu or 0) * 100)
        return self._cache[key]

    def area_amount(self, code: str, year: int, declared: int) -> int:
        """Rate × declared area, rounded half up to the fen (area in hundredths of a mu)."""
        return (self.rate_fen(code, year) * declared + 50) // 100

    def min_age(self, code: str) -> int:
        return self.program(code).eligibility.min_age or 0


def elderly_allowance(standards: Standards, person: Person, m: Month) -> int:
    """高龄补贴 by age band: a third of the top standard from 80, two thirds from 90, all of it
    from 100 (the bands of the catalog's standard text)."""
    top = standards.max_fen(GAOLING, m)
    age = age_in(person.birth, m)
    thirds = 3 if age >= 100 else 2 if age >= 90 else 1
    return round(top * thirds / 3 / 100) * 100


def scheduled_amount(standards: Standards, enrollment: Enrollment, period: Month) -> int:
    """What the enrollment pays for a period (fen) when nothing is wrong."""
    if enrollment.amounts and period in enrollment.amounts:
        return enrollment.amounts[period]
    if standards.is_annual(enrollment.program):
        return standards.area_amount(enrollment.program, year_of(period), enrollment.declared or 0)
    if enrollment.program == GAOLING:
        return elderly_allowance(standards, enrollment.person, period)
    return enrollment.base[year_of(period) - PAID_YEARS[0]]


def last_paid_month(enrollment: Enrollment) -> Month:
    """The last month paid: the roster's end or the month of death, whichever comes first."""
    if enrollment.last_paid is not None:
        return enrollment.last_paid
    last = LAST_PAID if enrollment.end is None else min(enrollment.end, LAST_PAID)
    if enrollment.person.death is not None:
        last = min(last, month_of(enrollment.person.death))
    return last


def paid_periods(standards: Standards, enrollment: Enrollment) -> list[Month]:
    """The periods paid within the two years (annual programs: January of each year)."""
    first = max(enrollment.first_paid or enrollment.start, FIRST_PAID)
    last = last_paid_month(enrollment)
    if standards.is_annual(enrollment.program):
        return [month(y, 1) for y in PAID_YEARS if year_of(first) <= y <= year_of(last)]
    return list(range(first, last + 1))


def usual_bank_date(enrollment_program: str, period: Month, pay_day: int, annual: bool) -> date:
    if annual:
        return day_in(month(year_of(period), ANNUAL_PAY_MONTH.get(enrollment_program, 6)), pay_day)
    return day_in(period, pay_day)
