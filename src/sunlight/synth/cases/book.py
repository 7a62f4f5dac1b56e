"""The case book: which households injections have taken, and the truth rows they promise."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from sunlight.synth.payments import Ledger, Payment
from sunlight.synth.people import MOVED, Household, Person
from sunlight.synth.periods import (
    FIRST_PAID,
    LAST_PAID,
    LAST_UNAPPROVED_START,
    Month,
    first_day,
    month,
    month_label,
    year_of,
)
from sunlight.synth.programs import CANJI_HULI, DIBAO, GAOLING, TEKUN, Enrollment
from sunlight.synth.registries import Cert, random_day
from sunlight.synth.welfare import dibao_amounts, disability_amounts, tekun_amounts
from sunlight.synth.world import World

CASE, TRAP = "case", "trap"
T = TypeVar("T")


class Scarce(LookupError):
    """The county has no one left to build this case or trap on."""


def need(found: T | None, what: str) -> T:
    if found is None:
        raise Scarce(what)
    return found


@dataclass(frozen=True, slots=True)
class Measure:
    """What a case cost: fen paid that should not have been, over a range of periods."""

    amount: int
    period_from: str
    period_to: str


MeasureRule = Callable[[Ledger], Measure]


@dataclass
class Finding:
    """One row of truth.csv to be: a case (with a rule measuring it) or a trap."""

    model: str
    kind: str
    id_number: str = ""
    account: str = ""
    program: str = ""
    township: str = ""
    measure: MeasureRule | None = None
    year: int | None = None
    """The year a FUNDS_WITHHELD row is about."""
    subject_id: str = ""
    """The warning's subject where it is not the person (a company's credit code)."""
    days: tuple[date, date] | None = None
    """First and last day a section-6 case concerns (its warning has no amount)."""


def period_text(payment: Payment, annual: bool) -> str:
    return str(year_of(payment.period)) if annual else month_label(payment.period)


def measure_rows(rows: Iterable[Payment], annual: bool,
                 value: Callable[[Payment], int] = lambda p: p.amount) -> Measure:
    """Total `value` over the rows, with the first and last period they cover."""
    counted = [(period_text(p, annual), value(p)) for p in rows]
    counted = [(period, amount) for period, amount in counted if amount > 0]
    if not counted:
        raise AssertionError("a case whose payments show nothing wrong")
    periods = [period for period, _ in counted]
    return Measure(sum(amount for _, amount in counted), min(periods), max(periods))


class CaseBook:
    def __init__(self, world: World) -> None:
        self.world = world
        self.rng: random.Random = world.rng
        self.findings: list[Finding] = []
        self._taken: set[int] = set()
        self._people = list(world.population.people)
        self.rng.shuffle(self._people)
        self._households = list(world.population.households)
        self.rng.shuffle(self._households)
        self.shortfalls: list[str] = []
        # Three of each from 1,000 residents on, growing with the square root of the county.
        persons = len(self._people)
        floor = 3 if persons >= 1000 else 2
        self.cases_wanted = max(floor, round(3 * math.sqrt(persons / 3000)))
        self.traps_wanted = max(floor, round(2.5 * math.sqrt(persons / 3000)))

    def attempt(self, build: Callable[[], object]) -> None:
        """Build one case or trap; a county too small for it goes without (and says so)."""
        try:
            build()
        except Scarce as exc:
            self.shortfalls.append(str(exc))

    # -- taking households ------------------------------------------------------------------

    def free(self, household: Household) -> bool:
        return id(household) not in self._taken

    def claim(self, *households: Household) -> None:
        for household in households:
            self._taken.add(id(household))
            self.world.claimed.update(id(p) for p in household.members)

    def people(self, predicate: Callable[[Person], bool]) -> Iterator[Person]:
        """People of untaken households satisfying `predicate`, in a fixed random order."""
        for person in self._people:
            if self.free(person.household) and predicate(person):
                yield person

    def person(self, predicate: Callable[[Person], bool]) -> Person | None:
        return next(self.people(predicate), None)

    def household(self, predicate: Callable[[Household], bool]) -> Household | None:
        return next((h for h in self._households if self.free(h) and predicate(h)), None)

    def enrollment(self, program: str, predicate: Callable[[Enrollment], bool] = lambda e: True
                   ) -> Enrollment | None:
        """An untaken background enrollment paid every month of the two years."""
        for person in self.people(lambda p: bool(self.world.enrollments_of(p, program))):
            for enrollment in self.world.enrollments_of(person, program):
                if self.paid_throughout(enrollment) and predicate(enrollment):
                    return enrollment
        return None

    def enrollment_where(self, predicate: Callable[[Enrollment], bool]) -> Enrollment | None:
        """An untaken enrollment satisfying `predicate`."""
        for person in self.people(lambda p: bool(self.world.enrollments_of(p))):
            for enrollment in self.world.enrollments_of(person):
                if predicate(enrollment):
                    return enrollment
        return None

    def paid_throughout(self, enrollment: Enrollment) -> bool:
        periods = self.world.months_of(enrollment)
        return bool(periods) and periods[0] == FIRST_PAID and (
            periods[-1] == LAST_PAID or (self.world.standards.is_annual(enrollment.program)
                                          and year_of(periods[-1]) == year_of(LAST_PAID)))

    # -- building blocks ----------------------------------------------------------------------

    def plain_household(self, predicate: Callable[[Household], bool] = lambda h: True
                        ) -> Household | None:
        """An untaken household with nothing to its name, everyone alive and at home."""
        return self.household(lambda h: self.world.is_plain(h) and all(
            p.death is None and p.status != MOVED for p in h.members) and predicate(h))

    def make_dibao(self, household: Household, start: Month,
                   include: Callable[[Person], bool] = lambda p: True,
                   low: float = 0.3) -> list[Enrollment]:
        """Put a household on DIBAO from `start`: everyone born by then, as `include` allows."""
        household.poor = True
        made = []
        for person in household.members:
            if person.birth < first_day(start) and include(person):
                enrollment = Enrollment(DIBAO, person, start,
                                        base=dibao_amounts(self.world, self.rng, low))
                made.append(self.world.add_enrollment(enrollment))
        return made

    # -- truth ---------------------------------------------------------------------------------

    def add_case(self, model: str, person: Person | None, program: str, measure: MeasureRule,
                 *, account: str = "", township: str | None = None) -> None:
        self.findings.append(Finding(
            model, CASE, person.id_number if person else "", account, program,
            township if township is not None else (person.household.township_name if person
                                                   else ""), measure))

    def add_company(self, model: str, kind: str, code: str, program: str,
                    measure: MeasureRule | None = None) -> None:
        """A company's case or trap: the subject is its credit code, no person, no place."""
        self.findings.append(Finding(model, kind, program=program, measure=measure,
                                     subject_id=code))

    def add_police(self, model: str, kind: str, subject_id: str,
                   days: tuple[date, date] | None = None, id_number: str = "") -> None:
        """A section-6 case (with its first and last day) or trap: no money, no program."""
        self.findings.append(Finding(model, kind, id_number, subject_id=subject_id,
                                     days=days if kind == CASE else None))

    def add_trap(self, model: str, person: Person | None, program: str, *, account: str = "",
                 township: str | None = None, year: int | None = None) -> None:
        self.findings.append(Finding(
            model, TRAP, person.id_number if person else "", account, program,
            township if township is not None else (person.household.township_name if person
                                                   else ""), None, year))


def fixed(amount: int, period_from: str, period_to: str | None = None) -> MeasureRule:
    """A measure known when the case is built (its rows are never made unreadable)."""
    measure = Measure(amount, period_from, period_to or period_from)
    return lambda ledger: measure


def pin(*enrollments: Enrollment) -> None:
    for enrollment in enrollments:
        enrollment.pinned = True


def rows_rule(enrollments: list[Enrollment], annual: bool,
              keep: Callable[[Payment], bool] = lambda p: True,
              value: Callable[[Payment], int] = lambda p: p.amount) -> MeasureRule:
    """Measure the written rows of `enrollments` that `keep` selects."""
    pin(*enrollments)

    def rule(ledger: Ledger) -> Measure:
        rows = [p for e in enrollments for p in ledger.rows_of(e) if keep(p)]
        return measure_rows(rows, annual, value)

    return rule


def supply(book: CaseBook, program: str, predicate: Callable[[Enrollment], bool] = lambda e: True
           ) -> Enrollment:
    """A background enrollment paid throughout the two years, or a fresh one made for a case."""
    found = book.enrollment(program, predicate)
    if found is not None:
        return found
    made = _make(book, program)
    if made is None or not predicate(made):
        raise Scarce(f"no {program} enrollment to build on")
    return made


def supply_any(book: CaseBook, programs: tuple[str, ...],
               predicate: Callable[[Enrollment], bool] = lambda e: True) -> Enrollment:
    """As `supply`, trying the programs in turn."""
    for program in programs:
        try:
            return supply(book, program, predicate)
        except Scarce:
            continue
    raise Scarce(f"no enrollment of {', '.join(programs)} to build on")


def _make(book: CaseBook, program: str) -> Enrollment | None:
    world, rng = book.world, book.rng
    start = rng.randint(month(2016, 1), LAST_UNAPPROVED_START)
    if program == DIBAO:
        household = book.plain_household(lambda h: any(p.age >= 18 for p in h.members))
        made = book.make_dibao(household, start) if household else []
        return made[0] if made else None
    if program == TEKUN:
        household = book.plain_household(lambda h: len(h.members) == 1 and h.head.age >= 60)
        if household is None:
            return None
        household.poor = True
        return world.add_enrollment(Enrollment(TEKUN, household.head, start,
                                               base=tekun_amounts(world, rng)))
    if program == GAOLING:
        person = book.person(lambda p: p.age >= 82 and p.death is None and p.status != MOVED
                             and not world.enrollments_of(p, GAOLING))
        return world.add_enrollment(Enrollment(GAOLING, person, start)) if person else None
    if program == CANJI_HULI:
        person = book.person(lambda p: 10 <= p.age <= 75 and p.death is None
                             and p.status != MOVED and not world.certs_of(p))
        if person is None:
            return None
        world.add_cert(Cert(person, "肢体", rng.choice((1, 2)),
                            random_day(rng, date(2010, 1, 1), date(2015, 12, 31))))
        amounts = disability_amounts(world, CANJI_HULI, (0.8, 0.9))
        return world.add_enrollment(Enrollment(CANJI_HULI, person, start, base=amounts))
    return None


def after(m: Month) -> Callable[[Payment], bool]:
    return lambda p: p.period > m


def after_year(year: int) -> Callable[[Payment], bool]:
    return lambda p: year_of(p.period) > year


def before(m: Month) -> Callable[[Payment], bool]:
    return lambda p: p.period < m


def from_month(m: Month) -> Callable[[Payment], bool]:
    return lambda p: p.period >= m

