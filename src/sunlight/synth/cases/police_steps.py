"""Cases and traps of section 6's time limits and order of steps: CASE_OVERDUE, CASE_STEP_ORDER
and RECTIFICATION_OVERDUE, judged at the as-of date (the bureau's last day, the latest date in
its cases). A case's period is its 受理 date, a finding's the date it was found."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sunlight.synth.bureau import CHECKPOINT_STATION, case_number, finding_number, handler
from sunlight.synth.cases.book import CASE, TRAP, CaseBook
from sunlight.synth.police import (
    ADMINISTRATIVE,
    CRIMINAL,
    EPIDEMIC,
    Bureau,
    InspectionFinding,
    PoliceCase,
)

CASE_OVERDUE, CASE_STEP_ORDER = "CASE_OVERDUE", "CASE_STEP_ORDER"
RECTIFICATION_OVERDUE = "RECTIFICATION_OVERDUE"
Step = tuple[int, int, int] | None
"""Days after 受理 (negative: before it), hour and minute of a step; None: not taken."""


class StepCases:
    def __init__(self, book: CaseBook, bureau: Bureau, rng: random.Random) -> None:
        self.book, self.bureau, self.rng = book, bureau, rng
        self.as_of = bureau.period.last
        self.units = [u for u in bureau.units if u.name != CHECKPOINT_STATION]
        self._serial = 900_000

    def case(self, model: str, kind: str, category: str, received: date | int, at: int,
             filed: Step = None, measures: Step = None, closed: Step = None) -> PoliceCase:
        """A case received on a day (an offset into the months, or a date) at `at` o'clock."""
        day = received if isinstance(received, date) else self.day(received)
        index = self.rng.randrange(len(self.units))
        unit = self.units[index]
        self._serial += 1
        start = datetime.combine(day, time(at, 10 if at < 23 else 50))
        made = PoliceCase(case_number(index + 1, day, self._serial), unit.name, category,
                          handler(self.rng, unit), start, filed=_at(day, filed),
                          measures=_at(day, measures), closed=_at(day, closed), spare=False)
        self.bureau.cases.append(made)
        self.book.add_police(model, kind, made.case_no, (day, day))
        return made

    def day(self, offset: int) -> date:
        return self.bureau.period.first + timedelta(days=offset)

    def before_as_of(self, days: int) -> date:
        return self.as_of - timedelta(days=days)

    def finding(self, kind: str, found: int, rectify_by: date, rectified: date | None) -> None:
        self._serial += 1
        day = self.day(found)
        made = InspectionFinding(finding_number(day, self._serial), self.units[0].name, day,
                                 "值守", "值班人员脱岗", rectify_by, rectified, "王督察",
                                 spare=False)
        self.bureau.findings.append(made)
        self.book.add_police(RECTIFICATION_OVERDUE, kind, made.finding_no, (day, day))


def _at(day: date, step: Step) -> datetime | None:
    if step is None:
        return None
    days, hour, minute = step
    return datetime.combine(day + timedelta(days=days), time(hour, minute))


def inject_step_cases(book: CaseBook, bureau: Bureau, rng: random.Random) -> None:
    cases = StepCases(book, bureau, rng)
    _overdue(cases)
    _out_of_order(cases)
    _rectification(cases)


def _overdue(cases: StepCases) -> None:
    """Late steps, and open ones whose limit passed; traps: a step on the limit's last day, an
    open case whose limit ends on the as-of date, a 涉疫 case filed late (its one limit is to
    close), and a case delivered open and later delivered closed in time."""
    case, as_of = cases.case, cases.before_as_of
    case(CASE_OVERDUE, CASE, CRIMINAL, 3, 22, filed=(9, 9, 0))
    case(CASE_OVERDUE, CASE, ADMINISTRATIVE, 6, 9, filed=(1, 10, 0), closed=(35, 16, 0))
    case(CASE_OVERDUE, CASE, EPIDEMIC, 8, 14, closed=(17, 11, 30))
    case(CASE_OVERDUE, CASE, ADMINISTRATIVE, as_of(40), 10)
    case(CASE_OVERDUE, CASE, EPIDEMIC, as_of(20), 15, filed=(0, 17, 0))
    # The times of day do not count: 受理 at 23:50, 立案 on the 7th day at 08:05.
    case(CASE_OVERDUE, TRAP, CRIMINAL, 10, 23, filed=(7, 8, 5), closed=(20, 10, 0))
    case(CASE_OVERDUE, TRAP, ADMINISTRATIVE, as_of(30), 9)
    case(CASE_OVERDUE, TRAP, CRIMINAL, as_of(7), 9)
    case(CASE_OVERDUE, TRAP, EPIDEMIC, 12, 8, filed=(10, 9, 0), closed=(15, 18, 0))
    # Open at the first month's end, closed on its 29th day: the later delivery wins.
    case(CASE_OVERDUE, TRAP, ADMINISTRATIVE, 4, 11, closed=(29, 10, 0))


def _out_of_order(cases: StepCases) -> None:
    """强制措施 before 立案 or with none, 办结 or 立案 before 受理; traps: the same day at any
    time of it."""
    case, as_of = cases.case, cases.before_as_of
    case(CASE_STEP_ORDER, CASE, CRIMINAL, 18, 9, filed=(2, 10, 0), measures=(1, 15, 0))
    case(CASE_STEP_ORDER, CASE, CRIMINAL, as_of(3), 9, measures=(1, 9, 30))
    case(CASE_STEP_ORDER, CASE, ADMINISTRATIVE, 24, 10, closed=(-1, 16, 0))
    case(CASE_STEP_ORDER, CASE, ADMINISTRATIVE, 27, 10, filed=(-1, 9, 0), closed=(1, 9, 0))
    case(CASE_STEP_ORDER, TRAP, CRIMINAL, 21, 9, filed=(1, 16, 0), measures=(1, 8, 30))
    case(CASE_STEP_ORDER, TRAP, ADMINISTRATIVE, 29, 15, closed=(0, 9, 0))


def _rectification(cases: StepCases) -> None:
    """Rectified late or not at all past the deadline; traps: rectified on the deadline, due on
    the as-of date, and one delivered open and later delivered rectified in time."""
    day, as_of = cases.day, cases.before_as_of
    cases.finding(CASE, 3, day(13), day(16))
    cases.finding(CASE, 7, as_of(5), None)
    cases.finding(CASE, 15, day(25), day(26))
    cases.finding(TRAP, 9, day(19), day(19))
    cases.finding(TRAP, 11, as_of(0), None)
    cases.finding(TRAP, 20, day(40), day(38))
