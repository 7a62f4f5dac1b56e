"""Cases and traps of the duty models of section 6: DUTY_ABSENT (a roll call finds an officer
away during their shift), LEADER_ABSENT (a unit's day without a leader, or with every leader
away) and POST_UNCOVERED (a required shift of an active post with nobody rostered).

Each breaks the background (`synth.bureau`) on its own unit, post or officer, on fixed days of
the bureau's months, so that the truth's periods are known when the case is built.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from functools import partial

from sunlight.synth.bureau import CHECKPOINT_STATION, PATROL, TRAFFIC
from sunlight.synth.cases.book import CASE, TRAP, CaseBook, Scarce
from sunlight.synth.police import (
    ABSENT,
    DAYTIME,
    DUTY_ROOM_POST,
    PRESENT,
    Bureau,
    DutyCheck,
    Officer,
    PoliceShift,
    Post,
)
from sunlight.synth.subsidies import DAY_SHIFT, LEADER, NIGHT_SHIFT, OFFICER, WHOLE_DAY

DUTY_ABSENT, LEADER_ABSENT, POST_UNCOVERED = "DUTY_ABSENT", "LEADER_ABSENT", "POST_UNCOVERED"
WINDOW_POST = "户籍窗口"


class DutyCases:
    """Injections on one bureau, recording their truth in the case book."""

    def __init__(self, book: CaseBook, bureau: Bureau) -> None:
        self.book, self.bureau = book, bureau
        self.stations = [u for u in bureau.units if u.name.endswith("派出所")]
        self.used: set[int] = set()

    def day(self, offset: int) -> date:
        return self.bureau.period.first + timedelta(days=offset)

    # -- roster edits ------------------------------------------------------------------------

    def rows(self, unit: str, day: date, keep: Callable[[PoliceShift], bool]
             ) -> list[PoliceShift]:
        return [s for s in self.bureau.roster if s.unit == unit and s.day == day and keep(s)]

    def drop(self, doomed: Callable[[PoliceShift], bool]) -> None:
        self.bureau.roster = [s for s in self.bureau.roster if not doomed(s)]

    def absent(self, row: PoliceShift, at: datetime, post: str | None = None,
               officer: Officer | None = None) -> date:
        """A roll call finding `officer` (the row's, by default) away at `at`."""
        row.spare = False
        self.bureau.checks.append(DutyCheck(at, row.unit, post, officer or row.officer, ABSENT,
                                            "视频点名", spare=False))
        return at.date()

    def fresh(self, row: PoliceShift) -> PoliceShift:
        """`row`, provided its officer is in no other case or trap."""
        if id(row.officer) in self.used:
            raise Scarce(f"a second officer on {row.unit}'s {row.shift}")
        self.used.add(id(row.officer))
        return row

    def person_case(self, officer: Officer, first: date, last: date) -> None:
        self.book.add_police(DUTY_ABSENT, CASE, officer.id_number, (first, last),
                             officer.id_number)

    def person_trap(self, officer: Officer) -> None:
        if self.bureau.found_away(officer):
            raise AssertionError(f"trap officer {officer.name} is found away on duty")
        self.book.add_police(DUTY_ABSENT, TRAP, officer.id_number, id_number=officer.id_number)


def inject_duty_cases(book: CaseBook, bureau: Bureau, community_unit: str | None) -> None:
    cases = DutyCases(book, bureau)
    # Rows are dropped first: a roll call is then placed on a roster that stays as it is.
    for build in (_night_uncovered, _window_uncovered, _duty_room_uncovered, _opened_later,
                  _closed_early, _restated_closed, _whole_day_rows, _daytime_post,
                  _leaderless_day, _leaderless_days, _leader_away, _two_leaders_one_away,
                  _away_by_day, _away_by_night, _off_duty_check, _after_the_night,
                  _other_post, _not_rostered, _present):
        book.attempt(partial(build, cases))
    book.add_police(LEADER_ABSENT, TRAP, CHECKPOINT_STATION)
    if community_unit:
        book.add_police(LEADER_ABSENT, TRAP, community_unit)


def _leader_row(cases: DutyCases, unit: str, day: date) -> PoliceShift:
    rows = cases.rows(unit, day, lambda s: s.role == LEADER)
    if not rows:
        raise Scarce(f"a leader of {unit}")
    return rows[0]


# -- LEADER_ABSENT ----------------------------------------------------------------------------


def _leaderless_day(cases: DutyCases) -> None:
    """The first station's leader is left off one day's roster."""
    if not cases.stations:
        raise Scarce("a police station")
    unit, day = cases.stations[0].name, cases.day(9)
    leader = _leader_row(cases, unit, day)
    cases.drop(lambda s: s is leader)
    cases.book.add_police(LEADER_ABSENT, CASE, unit, (day, day))


def _leaderless_days(cases: DutyCases) -> None:
    """The second station's leaders are left off two days after the holiday."""
    if len(cases.stations) < 2:
        raise Scarce("a second police station")
    unit, days = cases.stations[1].name, [cases.day(50), cases.day(53)]
    leaders = [_leader_row(cases, unit, day) for day in days]
    cases.drop(lambda s: any(s is leader for leader in leaders))
    cases.book.add_police(LEADER_ABSENT, CASE, unit, (days[0], days[-1]))


def _leader_away(cases: DutyCases) -> None:
    """The traffic brigade's only leader of a day is found away: the unit and the leader."""
    day = cases.day(12)
    row = cases.fresh(_leader_row(cases, TRAFFIC, day))
    cases.absent(row, datetime.combine(day, time(10, 15)))
    cases.book.add_police(LEADER_ABSENT, CASE, TRAFFIC, (day, day))
    cases.person_case(row.officer, day, day)


def _two_leaders_one_away(cases: DutyCases) -> None:
    """Trap: the patrol rosters a second leader that day, who is not found away."""
    day = cases.day(15)
    row = cases.fresh(_leader_row(cases, PATROL, day))
    other = next(o for o in cases.bureau.unit(PATROL).leaders if o is not row.officer)
    cases.bureau.roster.append(PoliceShift(day, WHOLE_DAY, PATROL, None, LEADER, other))
    cases.absent(row, datetime.combine(day, time(11, 40)))
    cases.book.add_police(LEADER_ABSENT, TRAP, PATROL)
    cases.person_case(row.officer, day, day)


# -- DUTY_ABSENT ------------------------------------------------------------------------------


def _post_row(cases: DutyCases, unit: str, day: date, shift: str, post: str | None = None
              ) -> PoliceShift:
    rows = cases.rows(unit, day, lambda s: s.role == OFFICER and s.shift == shift
                      and (s.post == post if post else s.post is not None)
                      and id(s.officer) not in cases.used)
    if not rows:
        raise Scarce(f"an officer on {unit}'s {shift} of {day}")
    return cases.fresh(rows[0])


def _away_by_day(cases: DutyCases) -> None:
    """A checkpoint officer away from the post on two day shifts (every other day on duty)."""
    first = _post_row(cases, TRAFFIC, cases.day(20), DAY_SHIFT)
    cases.absent(first, datetime.combine(first.day, time(10, 5)), first.post)
    again = [s for s in cases.bureau.shifts_of(first.officer)
             if s.day > first.day and s.shift == DAY_SHIFT]
    last = first.day
    if again:
        last = cases.absent(again[0], datetime.combine(again[0].day, time(15, 30)), again[0].post)
    cases.person_case(first.officer, first.day, last)


def _away_by_night(cases: DutyCases) -> None:
    """A duty-room officer away at 02:00 of the night shift begun the evening before."""
    unit = cases.stations[-1].name if cases.stations else PATROL
    start = cases.day(25)
    rows = cases.rows(unit, start, lambda s: s.shift == NIGHT_SHIFT and s.post is None)
    if not rows:
        raise Scarce(f"a night in {unit}'s duty room")
    row = cases.fresh(rows[0])
    checked = cases.absent(row, datetime.combine(start + timedelta(days=1), time(2, 20)))
    cases.person_case(row.officer, checked, checked)


def _off(cases: DutyCases, row: PoliceShift, at: datetime, post: str | None = None,
         officer: Officer | None = None) -> None:
    """Trap: a roll call finds someone away when no shift of theirs at the unit is running."""
    officer = officer or row.officer
    if cases.bureau.on_duty(officer, row.unit, at):
        raise Scarce(f"{officer.name} off duty at {at}")
    cases.absent(row, at, post, officer)
    cases.person_trap(officer)


def _off_duty_check(cases: DutyCases) -> None:
    row = _post_row(cases, TRAFFIC, cases.day(30), DAY_SHIFT)
    _off(cases, row, datetime.combine(row.day, time(21, 30)), row.post)


def _after_the_night(cases: DutyCases) -> None:
    """Trap: half an hour after a night shift ended at 08:00."""
    unit = cases.stations[0].name if cases.stations else TRAFFIC
    row = _post_row(cases, unit, cases.day(33), NIGHT_SHIFT)
    _off(cases, row, datetime.combine(row.day + timedelta(days=1), time(8, 30)), row.post)


def _other_post(cases: DutyCases) -> None:
    """Trap: the roll call names another post than the one the officer is rostered at."""
    row = _post_row(cases, TRAFFIC, cases.day(36), DAY_SHIFT)
    other = next(p.name for p in cases.bureau.unit(TRAFFIC).posts if p.name != row.post)
    at = datetime.combine(row.day, time(15, 0))
    cases.absent(row, at, other)
    cases.person_trap(row.officer)


def _not_rostered(cases: DutyCases) -> None:
    """Trap: a unit's officer who is not rostered that day is checked (someone else is on)."""
    row = _post_row(cases, TRAFFIC, cases.day(38), DAY_SHIFT)
    on = {id(s.officer) for s in cases.rows(TRAFFIC, row.day, lambda s: True)}
    day_off = [o for o in cases.bureau.unit(TRAFFIC).officers
               if id(o) not in cases.used and id(o) not in on]
    if not day_off:
        raise Scarce("a traffic officer off duty")
    cases.used.add(id(day_off[0]))
    _off(cases, row, datetime.combine(row.day, time(9, 45)), row.post, day_off[0])


def _present(cases: DutyCases) -> None:
    """Trap: a night's roll call finds the officer at the post."""
    row = _post_row(cases, TRAFFIC, cases.day(44), NIGHT_SHIFT)
    row.spare = False
    cases.bureau.checks.append(DutyCheck(datetime.combine(row.day, time(23, 10)), row.unit,
                                         row.post, row.officer, PRESENT, "视频点名", spare=False))
    cases.person_trap(row.officer)


# -- POST_UNCOVERED ---------------------------------------------------------------------------


def _post(cases: DutyCases, unit: str, index: int) -> Post:
    posts = cases.bureau.unit(unit).posts
    if len(posts) <= index:
        raise Scarce(f"post {index + 1} of {unit}")
    return posts[index]


def _uncover(cases: DutyCases, post: Post, shifts: list[tuple[date, str]]) -> None:
    cases.drop(lambda s: s.unit == post.unit and s.post == post.name
               and (s.day, s.shift) in shifts)
    days = [day for day, _ in shifts]
    cases.book.add_police(POST_UNCOVERED, CASE, post.key, (min(days), max(days)))


def _night_uncovered(cases: DutyCases) -> None:
    _uncover(cases, _post(cases, TRAFFIC, 0), [(cases.day(17), NIGHT_SHIFT)])


def _station_post(cases: DutyCases, station: int, name: str) -> Post:
    if len(cases.stations) <= station:
        raise Scarce(f"police station {station + 1}")
    return next(p for p in cases.stations[station].posts if p.name == name)


def _window_uncovered(cases: DutyCases) -> None:
    """A station's window left unstaffed on two days."""
    post = _station_post(cases, -1, WINDOW_POST)
    _uncover(cases, post, [(cases.day(40), DAY_SHIFT), (cases.day(42), DAY_SHIFT)])


def _duty_room_uncovered(cases: DutyCases) -> None:
    """A station's duty room empty one day and, three days later, one night."""
    post = _station_post(cases, 1, DUTY_ROOM_POST)
    _uncover(cases, post, [(cases.day(52), DAY_SHIFT), (cases.day(55), NIGHT_SHIFT)])


def _inactive(cases: DutyCases, post: Post) -> None:
    """Trap: the post's rows stop or start where its active period does."""
    cases.drop(lambda s: s.unit == post.unit and s.post == post.name
               and not post.active_on(s.day))
    cases.book.add_police(POST_UNCOVERED, TRAP, post.key)


def _opened_later(cases: DutyCases) -> None:
    post = _post(cases, TRAFFIC, 1)
    post.active_from = cases.day(14)
    _inactive(cases, post)


def _closed_early(cases: DutyCases) -> None:
    post = _post(cases, TRAFFIC, 2)
    post.active_to = cases.day(45)
    _inactive(cases, post)


def _restated_closed(cases: DutyCases) -> None:
    """Trap: a later delivery of the posts says the checkpoint closed (the later row wins)."""
    post = _post(cases, TRAFFIC, 3)
    post.restated_to = cases.day(50)
    _inactive(cases, post)


def _whole_day_rows(cases: DutyCases) -> None:
    """Trap: on two days a station's duty room is held by one 全天 row for both shifts."""
    post = _station_post(cases, 0, DUTY_ROOM_POST)
    unit = cases.stations[0]
    days = [cases.day(5), cases.day(6)]
    cases.drop(lambda s: s.unit == unit.name and s.post == post.name and s.day in days)
    for day in days:
        cases.bureau.roster.append(PoliceShift(day, WHOLE_DAY, unit.name, post.name, OFFICER,
                                               unit.officers[0]))
    cases.book.add_police(POST_UNCOVERED, TRAP, post.key)


def _daytime_post(cases: DutyCases) -> None:
    """Trap: a window open by day only is never rostered at night."""
    post = _station_post(cases, 0, WINDOW_POST)
    assert post.coverage == DAYTIME
    cases.book.add_police(POST_UNCOVERED, TRAP, post.key)
