"""The public-security bureau's records (contract section 6): units and their posts, officers,
roster rows, roll calls, cases and inspection findings, as the generator holds them."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from sunlight.synth.people import Person
from sunlight.synth.subsidies import DAY_SHIFT, NIGHT_SHIFT, WHOLE_DAY

ROUND_THE_CLOCK, DAYTIME = "24小时", "白班"
CHECKPOINT, WINDOW, DUTY_ROOM_POST = "卡口", "窗口", "值班室"
CRIMINAL, ADMINISTRATIVE, EPIDEMIC = "刑事", "行政", "涉疫"
OPEN, CLOSED = "办理中", "已办结"
PRESENT, ABSENT = "在岗", "不在岗"
CHECK_METHODS = ("视频点名", "人脸打卡", "定位")

_SHIFT_HOURS = {DAY_SHIFT: (8, 12), NIGHT_SHIFT: (20, 12), WHOLE_DAY: (0, 24)}


@dataclass(frozen=True, slots=True)
class Period:
    """The bureau's delivered months: first and last day (the last is the as-of date)."""

    first: date
    last: date

    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]


@dataclass(frozen=True, slots=True, eq=False)
class Officer:
    id_number: str
    name: str
    police_number: str | None
    """None for an auxiliary (辅警), who has no 警号."""
    person: Person | None = None


@dataclass(slots=True, eq=False)
class Post:
    unit: str
    name: str
    kind: str
    coverage: str
    active_from: date | None
    active_to: date | None = None
    restated_to: date | None = None
    """The 停用日期 a later delivery of the posts restates it with (the later row wins)."""

    @property
    def key(self) -> str:
        return f"{self.unit}/{self.name}"

    def active_on(self, day: date) -> bool:
        last = self.restated_to or self.active_to
        return (self.active_from is None or self.active_from <= day) and (
            last is None or day <= last)


@dataclass(slots=True, eq=False)
class Unit:
    name: str
    leaders: list[Officer] = field(default_factory=list)
    officers: list[Officer] = field(default_factory=list)
    auxiliaries: list[Officer] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)
    duty_room: bool = True
    """Rosters officers with no post (the unit's duty room, a patrol)."""
    continuous: bool = False
    """Rostered over the county's whole roster range, not only the bureau's months."""


@dataclass(slots=True, eq=False)
class PoliceShift:
    """One row of the bureau's `duty_roster`."""

    day: date
    shift: str
    unit: str
    post: str | None
    role: str
    officer: Officer
    spare: bool = False
    """May be made unreadable: another row covers what it covers."""

    def span(self) -> tuple[datetime, datetime]:
        return shift_span(self.day, self.shift)


@dataclass(slots=True, eq=False)
class DutyCheck:
    checked_at: datetime
    unit: str
    post: str | None
    officer: Officer
    result: str
    method: str
    spare: bool = True


@dataclass(slots=True, eq=False)
class PoliceCase:
    case_no: str
    unit: str
    category: str
    handler: Officer | None
    received: datetime
    filed: datetime | None = None
    measures: datetime | None = None
    closed: datetime | None = None
    spare: bool = True

    def as_of(self, cut: date) -> PoliceCase:
        """The case as a delivery made at the end of `cut` showed it."""
        def known(step: datetime | None) -> datetime | None:
            return step if step is not None and step.date() <= cut else None

        return replace(self, filed=known(self.filed), measures=known(self.measures),
                       closed=known(self.closed))

    @property
    def status(self) -> str:
        return CLOSED if self.closed else OPEN

    @property
    def state(self) -> tuple[datetime | None, ...]:
        """What a later delivery may restate."""
        return self.filed, self.measures, self.closed


@dataclass(slots=True, eq=False)
class InspectionFinding:
    finding_no: str
    unit: str
    found_on: date
    category: str
    description: str
    rectify_by: date
    rectified_on: date | None
    inspector: str
    spare: bool = True

    @property
    def state(self) -> tuple[date | None, ...]:
        return (self.rectified_on,)

    def as_of(self, cut: date) -> InspectionFinding:
        if self.rectified_on is not None and self.rectified_on > cut:
            return replace(self, rectified_on=None)
        return self


def shift_span(day: date, shift: str) -> tuple[datetime, datetime]:
    """From the shift's start (inclusive) to its end (exclusive)."""
    start_hour, hours = _SHIFT_HOURS[shift]
    start = datetime.combine(day, time(start_hour))
    return start, start + timedelta(hours=hours)


@dataclass(eq=False)
class Bureau:
    """Everything the bureau delivers, with the as-of date its cases are judged at."""

    period: Period
    units: list[Unit]
    roster: list[PoliceShift] = field(default_factory=list)
    checks: list[DutyCheck] = field(default_factory=list)
    cases: list[PoliceCase] = field(default_factory=list)
    findings: list[InspectionFinding] = field(default_factory=list)
    roster_from: date | None = None
    """The first date of the whole delivery's roster (a community's included)."""

    @property
    def posts(self) -> list[Post]:
        return [p for u in self.units for p in u.posts]

    def unit(self, name: str) -> Unit:
        return next(u for u in self.units if u.name == name)

    def shifts_of(self, officer: Officer) -> list[PoliceShift]:
        return [s for s in self.roster if s.officer is officer]

    def on_duty(self, officer: Officer, unit: str, at: datetime) -> list[PoliceShift]:
        """The officer's roster rows at `unit` whose shift `at` falls in."""
        return [s for s in self.shifts_of(officer)
                if s.unit == unit and s.span()[0] <= at < s.span()[1]]

    def found_away(self, officer: Officer) -> bool:
        """Whether a roll call found the officer 不在岗 during a shift of theirs, as DUTY_ABSENT
        matches them (the same post when both name one)."""
        return any(c.officer is officer and c.result == ABSENT and any(
            not (c.post and s.post) or c.post == s.post
            for s in self.on_duty(officer, c.unit, c.checked_at)) for c in self.checks)
