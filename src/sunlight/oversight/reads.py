"""What the 督察 views read: the tables built at detection (`appdb.oversight_tables`) and the
police warnings, narrowed to the units a reader covers. Every list is bounded or paged."""

from __future__ import annotations

import calendar
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import ColumnElement, case, extract, func, select, true
from sqlalchemy.orm import InstrumentedAttribute, Session

from sunlight.accounts.units import units_of
from sunlight.appdb.account_tables import User
from sunlight.appdb.oversight_tables import (
    OversightCase,
    OversightFinding,
    OversightPost,
    OversightPostShift,
    OversightState,
)
from sunlight.appdb.tables import Warning
from sunlight.contract.cases import CLOSED, RETRACTED
from sunlight.contract.duty_shifts import DUTY_SHIFTS
from sunlight.contract.roles import ANALYST

POST_UNCOVERED = "POST_UNCOVERED"
CASE_MODELS = ("CASE_OVERDUE", "CASE_STEP_ORDER")
"""The models whose subject is a case number."""
FINDING_MODELS = ("RECTIFICATION_OVERDUE",)
"""The models whose subject is an inspection finding's number."""
COUNTED_ELSEWHERE = ("CASE_OVERDUE", "RECTIFICATION_OVERDUE")
"""Warnings the dashboard counts as overdue cases and findings instead, each problem once."""
OVERDUE_CASES = ("overdue", "open_overdue")
OVERDUE_FINDINGS = ("open_overdue", "late")
FINDING_ORDER = ("open_overdue", "late", "open_within", "on_time")
"""Findings overdue first: not rectified and past the deadline, then rectified late."""
TIMELINESS = ("on_time", "overdue", "open_within", "open_overdue")
MAX_UNITS = 500
"""A prefecture has a few hundred units at most; the dashboard lists no more."""
MAX_POSTS = 500
MAX_MONTHS = 120


class Scope:
    """The units a reader of the 督察 views covers: every unit for an analyst, an inspector's
    own otherwise (an empty list sees nothing)."""

    def __init__(self, user: User) -> None:
        self.everything = user.role == ANALYST
        self.units = units_of(user)

    def where(self, column: InstrumentedAttribute[str]) -> ColumnElement[bool]:
        return true() if self.everything else column.in_(self.units)

    def covers(self, unit: str) -> bool:
        return bool(unit) and (self.everything or unit in self.units)


def as_of(session: Session) -> date | None:
    """The date the tables were judged at (None before any build, or without police data)."""
    return session.scalar(select(OversightState.as_of))


def built(session: Session) -> bool:
    return session.scalar(select(func.count()).select_from(OversightState)) != 0


@dataclass
class UnitProblems:
    """One row of the dashboard: a unit's open police warnings by model, overdue cases and
    findings not rectified in time, each problem counted once: an overdue case or finding is
    counted as such, not again by its CASE_OVERDUE or RECTIFICATION_OVERDUE warning."""

    unit: str
    warnings: dict[str, int] = field(default_factory=dict)
    overdue_cases: int = 0
    overdue_findings: int = 0

    @property
    def total(self) -> int:
        return sum(self.warnings.values()) + self.overdue_cases + self.overdue_findings


def ranked_units(session: Session, scope: Scope) -> list[UnitProblems]:
    """Units by their distinct problems, most first (then by name)."""
    rows: dict[str, UnitProblems] = {}

    def row(unit: str) -> UnitProblems:
        return rows.setdefault(unit, UnitProblems(unit))

    standing = session.execute(
        select(Warning.unit, Warning.model, func.count()).where(
            Warning.unit != "", scope.where(Warning.unit),
            Warning.status.not_in((CLOSED, RETRACTED)), Warning.model.not_in(COUNTED_ELSEWHERE))
        .group_by(Warning.unit, Warning.model))
    for unit, model, number in standing:
        row(unit).warnings[model] = number
    for unit, number in session.execute(
            select(OversightCase.unit, func.count()).where(
                scope.where(OversightCase.unit), OversightCase.timeliness.in_(OVERDUE_CASES))
            .group_by(OversightCase.unit)):
        row(unit).overdue_cases = number
    for unit, number in session.execute(
            select(OversightFinding.unit, func.count()).where(
                scope.where(OversightFinding.unit), OversightFinding.state.in_(OVERDUE_FINDINGS))
            .group_by(OversightFinding.unit)):
        row(unit).overdue_findings = number
    for unit in units(session, scope):  # a unit without problems is listed too, last
        row(unit)
    return sorted(rows.values(), key=lambda r: (-r.total, r.unit))[:MAX_UNITS]


def units(session: Session, scope: Scope) -> list[str]:
    """The units the reader covers that the data names (posts, cases, findings)."""
    found: set[str] = set()
    for column in (OversightPost.unit, OversightCase.unit, OversightFinding.unit):
        found |= set(session.scalars(select(column).where(scope.where(column)).distinct()
                                     .limit(MAX_UNITS)))
    return sorted(found)[:MAX_UNITS]


# ---- the post × day grid -------------------------------------------------------------------

def required_shifts() -> list[str]:
    """The shifts some post coverage requires, in the order of the day (白班, 夜班)."""
    needed = {shift for shifts in DUTY_SHIFTS.coverage.values() for shift in shifts}
    return [s.shift for s in sorted(DUTY_SHIFTS.shifts, key=lambda s: s.start)
            if s.shift in needed]


@dataclass(frozen=True)
class Cell:
    """One post's day: per shift of `required_shifts()`, `covered`, `gap`, or '' when the
    post does not need it that day (inactive, outside the roster's range, not its coverage)."""

    day: date
    states: tuple[str, ...]


@dataclass
class PostRow:
    post: str
    coverage: str
    cells: list[Cell]
    warning_id: str = ""
    """The post's POST_UNCOVERED warning over this month's gaps, if any."""

    def gaps(self, shifts: Sequence[str]) -> list[tuple[date, str]]:
        """The (day, shift) gaps of the month, in order."""
        return [(cell.day, shift) for cell in self.cells
                for shift, state in zip(shifts, cell.states, strict=True) if state == "gap"]


def months(session: Session, unit: str) -> list[str]:
    """The months (YYYY-MM) a unit's posts have required shifts in, latest first."""
    first, last = session.execute(
        select(func.min(OversightPostShift.day), func.max(OversightPostShift.day))
        .where(OversightPostShift.unit == unit)).one()
    if first is None or last is None:
        return []
    found: list[str] = []
    year, month = last.year, last.month
    while (year, month) >= (first.year, first.month) and len(found) < MAX_MONTHS:
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return found


def gaps(session: Session, scope: Scope) -> dict[str, dict[str, int]]:
    """The required shifts nobody was rostered to, per unit the reader covers and month."""
    year, month = extract("year", OversightPostShift.day), extract("month", OversightPostShift.day)
    counts: dict[str, dict[str, int]] = {}
    for unit, in_year, in_month, number in session.execute(
            select(OversightPostShift.unit, year, month, func.count()).where(
                OversightPostShift.covered.is_(False), scope.where(OversightPostShift.unit))
            .group_by(OversightPostShift.unit, year, month)):
        counts.setdefault(unit, {})[f"{int(in_year):04d}-{int(in_month):02d}"] = number
    return counts


def most_gaps(choices: Sequence[str], counts: Mapping[str, int]) -> str:
    """The choice (a unit, a month) with the most gaps, the first of a tie; '' for none."""
    return max(choices, key=lambda choice: counts.get(choice, 0), default="")


def grid(session: Session, unit: str, month: str) -> list[PostRow]:
    """Each post of the unit with a cell per day of the month (`YYYY-MM`)."""
    year, number = int(month[:4]), int(month[5:7])
    first = date(year, number, 1)
    last = date(year, number, calendar.monthrange(year, number)[1])
    shifts = required_shifts()
    posts = session.execute(select(OversightPost.post, OversightPost.coverage)
                            .where(OversightPost.unit == unit).order_by(OversightPost.post)
                            .limit(MAX_POSTS)).all()
    states: dict[tuple[str, date, str], str] = {}
    for post, day, shift, covered in session.execute(
            select(OversightPostShift.post, OversightPostShift.day, OversightPostShift.shift,
                   OversightPostShift.covered).where(
                OversightPostShift.unit == unit, OversightPostShift.day >= first,
                OversightPostShift.day <= last)):
        states[post, day, shift] = "covered" if covered else "gap"
    span = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    rows = [PostRow(post, coverage, [
        Cell(day, tuple(states.get((post, day, shift), "") for shift in shifts))
        for day in span]) for post, coverage in posts]
    _link_warnings(session, unit, rows, shifts, first, last)
    return rows


def _link_warnings(session: Session, unit: str, rows: list[PostRow], shifts: Sequence[str],
                   first: date, last: date) -> None:
    """Give each post with gaps its POST_UNCOVERED warning (subject `unit/post`) whose period
    reaches into the month: the latest generation not retracted."""
    wanted = {f"{unit}/{row.post}": row for row in rows if row.gaps(shifts)}
    if not wanted:
        return
    found = session.execute(
        select(Warning.subject, Warning.warning_id).where(
            Warning.model == POST_UNCOVERED, Warning.unit == unit,
            Warning.subject.in_(list(wanted)), Warning.status != RETRACTED,
            Warning.period_from <= last.isoformat(), Warning.period_to >= first.isoformat())
        .order_by(Warning.generation))
    for subject, warning_id in found:
        wanted[subject].warning_id = warning_id  # the latest generation is read last


# ---- case timeliness -----------------------------------------------------------------------

@dataclass
class Timeliness:
    unit: str
    category: str
    counts: dict[str, int] = field(default_factory=dict)


def timeliness(session: Session, scope: Scope, unit: str = "") -> list[Timeliness]:
    """Cases per unit and category by how they stand against their limits."""
    query = (select(OversightCase.unit, OversightCase.category, OversightCase.timeliness,
                    func.count())
             .where(scope.where(OversightCase.unit))
             .group_by(OversightCase.unit, OversightCase.category, OversightCase.timeliness))
    if unit:
        query = query.where(OversightCase.unit == unit)
    table: dict[tuple[str, str], Timeliness] = {}
    for row_unit, category, judged, number in session.execute(query):
        entry = table.setdefault((row_unit, category), Timeliness(row_unit, category))
        entry.counts[judged] = number
    return [table[key] for key in sorted(table)][:MAX_UNITS * 4]


@dataclass(frozen=True)
class CaseFilter:
    """Which cases to list: of a unit, a category, standing one of `timeliness` (any if empty)."""

    unit: str = ""
    category: str = ""
    timeliness: tuple[str, ...] = ()


def listed_cases(session: Session, scope: Scope, wanted: CaseFilter, *,
                 limit: int, offset: int) -> tuple[Sequence[OversightCase], int]:
    """The cases asked for, overdue first, a page of them, and how many there are."""
    where = [scope.where(OversightCase.unit)]
    if wanted.unit:
        where.append(OversightCase.unit == wanted.unit)
    if wanted.category:
        where.append(OversightCase.category == wanted.category)
    if wanted.timeliness:
        where.append(OversightCase.timeliness.in_(wanted.timeliness))
    total = session.scalar(select(func.count()).select_from(OversightCase).where(*where)) or 0
    rank = case({"open_overdue": 0, "overdue": 1, "open_within": 2}, value=OversightCase.timeliness,
                else_=3)
    rows = session.scalars(select(OversightCase).where(*where)
                           .order_by(rank, OversightCase.received_on, OversightCase.case_no)
                           .limit(limit).offset(offset)).all()
    return rows, total


def warnings_of(session: Session, scope: Scope, models: Sequence[str],
                subjects: Collection[str]) -> dict[str, list[tuple[str, str]]]:
    """Each subject's warnings of these models that the reader may see, as (model, warning ID)
    in the order of `models`: per model the latest generation not retracted."""
    if not subjects:
        return {}
    found: dict[str, dict[str, str]] = {}
    for subject, model, warning_id in session.execute(
            select(Warning.subject, Warning.model, Warning.warning_id).where(
                Warning.model.in_(models), Warning.subject.in_(list(subjects)),
                Warning.status != RETRACTED, scope.where(Warning.unit))
            .order_by(Warning.generation)):
        found.setdefault(subject, {})[model] = warning_id  # the latest generation is read last
    return {subject: [(model, by_model[model]) for model in models if model in by_model]
            for subject, by_model in found.items()}


# ---- findings ------------------------------------------------------------------------------

def finding_counts(session: Session, scope: Scope, unit: str = "") -> dict[str, int]:
    query = (
        select(OversightFinding.state, func.count()).where(scope.where(OversightFinding.unit))
        .group_by(OversightFinding.state))
    if unit:
        query = query.where(OversightFinding.unit == unit)
    return {row[0]: row[1] for row in session.execute(query)}


def findings(session: Session, scope: Scope, unit: str, state: str, *, limit: int,
             offset: int) -> tuple[Sequence[OversightFinding], int]:
    """Findings, overdue ones first (then by deadline), a page of them, and how many."""
    where = [scope.where(OversightFinding.unit)]
    if unit:
        where.append(OversightFinding.unit == unit)
    if state:
        where.append(OversightFinding.state == state)
    total = session.scalar(select(func.count()).select_from(OversightFinding).where(*where)) or 0
    rank = case({name: n for n, name in enumerate(FINDING_ORDER)},
                value=OversightFinding.state, else_=len(FINDING_ORDER))
    rows = session.scalars(select(OversightFinding).where(*where)
                           .order_by(rank, OversightFinding.rectify_by,
                                     OversightFinding.finding_no)
                           .limit(limit).offset(offset)).all()
    return rows, total
