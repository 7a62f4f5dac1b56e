"""The bureau's background: units and posts, officers on a rotating roster, roll calls, cases
handled in time and findings rectified by their deadline.

Nothing here may satisfy a section-6 model's "fires when": every unit that rosters a leader
rosters one every day, every active post has its required shifts, every roll call finds the
officer 在岗, every step comes within its limit and in order, every finding is rectified on
time or not yet due. The injected cases (`synth.cases.police_*`) break exactly one of these.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sunlight.synth.police import (
    ADMINISTRATIVE,
    CHECK_METHODS,
    CHECKPOINT,
    CRIMINAL,
    DAYTIME,
    DUTY_ROOM_POST,
    EPIDEMIC,
    PRESENT,
    ROUND_THE_CLOCK,
    WINDOW,
    Bureau,
    DutyCheck,
    InspectionFinding,
    Officer,
    Period,
    PoliceCase,
    PoliceShift,
    Post,
    Unit,
)
from sunlight.synth.subsidies import AUXILIARY, DAY_SHIFT, LEADER, NIGHT_SHIFT, OFFICER, WHOLE_DAY

Recruit = Callable[[bool], Officer]
"""A new officer (True) or auxiliary (False) of the bureau."""

TRAFFIC, PATROL, CRIMES, CHECKPOINT_STATION = "交警大队", "巡特警大队", "刑侦大队", "公安检查站"
_ROADS = ("G316", "G85", "S212", "S218", "X301", "X305", "G244", "S306")
_PLACES = ("东关", "西关", "南坪", "北塬", "温水", "固关", "八渡", "新集", "河湾", "峡口", "川口",
           "桥头", "马鹿", "天成", "曹家湾", "杜阳")
_STEMS = "东西南北城新河山桥湾坪川塬峡沟台岭坡堡关"
_CATEGORIES = {
    "值守": ("值班人员脱岗", "值班记录不全", "带班领导未在岗"),
    "执法": ("执法记录仪未开启", "案件卷宗不规范", "询问笔录缺签名"),
    "防护": ("防护物资不足", "个人防护不到位"),
    "装备": ("警械装备未定期检查", "对讲机故障未报修"),
    "环境": ("办案区环境脏乱", "值班室物品摆放杂乱"),
    "其他": ("内务管理不规范",),
}
_INSPECTORS = ("王督察", "李督察", "张督察", "刘督察", "陈督察", "杨督察")


@dataclass(frozen=True)
class Shape:
    """How big the bureau is: its stations (by name) and posts per kind."""

    stations: tuple[str, ...]
    traffic_posts: int
    patrol_posts: int
    checkpoint_posts: int
    cases: int
    findings: int
    checks_per_row: float = 0.3
    """Roll calls per roster row in the bureau's months."""


def county_shape(stations: tuple[str, ...]) -> Shape:
    """A county bureau: a station per township named, four traffic checkpoints, a patrol post
    and a checkpoint station; about 2.5 cases a day over two months."""
    return Shape(stations, traffic_posts=4, patrol_posts=1, checkpoint_posts=2, cases=150,
                 findings=30)


def prefecture_shape(posts: int, cases: int, rng: random.Random) -> Shape:
    """A prefecture's bureau: two posts per station, half the posts traffic checkpoints."""
    stations = station_names(rng, max(1, posts // 5))
    traffic = max(4, posts - 2 * len(stations) - posts // 10 - 2)
    return Shape(stations, traffic_posts=traffic, patrol_posts=max(1, posts // 10),
                 checkpoint_posts=2, cases=cases, findings=max(30, cases // 100))


def station_names(rng: random.Random, count: int) -> tuple[str, ...]:
    names: set[str] = set()
    while len(names) < count:
        names.add(rng.choice(_STEMS) + rng.choice(_STEMS) + "派出所")
    return tuple(sorted(names))


def build_bureau(rng: random.Random, shape: Shape, period: Period, recruit: Recruit,
                 roster_from: date | None = None) -> Bureau:
    """The bureau's units staffed and rostered, its roll calls, cases and findings."""
    roster_from = min(roster_from or period.first, period.first)
    # A post with no 启用日期 is active from the first date of the whole roster: only the
    # continuous units are rostered that far back, so the others start with the months.
    bureau = Bureau(period, _units(rng, shape, period, roster_from), roster_from=roster_from)
    for unit in bureau.units:
        _staff(unit, recruit, max(3, len(bureau.posts) * 4 // 5))
        bureau.roster += _unit_roster(unit, period, roster_from)
    bureau.checks = list(_roll_calls(rng, bureau, shape.checks_per_row))
    handlers = [u for u in bureau.units if u.name != CHECKPOINT_STATION]
    bureau.cases = _cases(rng, handlers, period, shape.cases)
    bureau.findings = _findings(rng, bureau.units, period, shape.findings)
    return bureau


# -- units, posts and staff -------------------------------------------------------------------


def _units(rng: random.Random, shape: Shape, period: Period, roster_from: date) -> list[Unit]:
    start = None if roster_from >= period.first else period.first
    units = [Unit(name, posts=[Post(name, DUTY_ROOM_POST, DUTY_ROOM_POST, ROUND_THE_CLOCK, start),
                               Post(name, "户籍窗口", WINDOW, DAYTIME, start)])
             for name in shape.stations]
    roads = [f"{road}线{place}卡口" for place in _PLACES for road in _ROADS]
    rng.shuffle(roads)
    traffic = [Post(TRAFFIC, roads[i % len(roads)] + ("" if i < len(roads) else f"{i}"),
                    CHECKPOINT, ROUND_THE_CLOCK, start) for i in range(shape.traffic_posts)]
    places = len(_PLACES)
    patrol = [Post(PATROL, f"{_PLACES[i % places]}步行街执勤点{'' if i < places else i}",
                   CHECKPOINT, DAYTIME, start) for i in range(shape.patrol_posts)]
    checkpoint = [Post(CHECKPOINT_STATION, name, CHECKPOINT, ROUND_THE_CLOCK, None)
                  for name in ("进城卡口", "出城卡口", "货运通道卡口")[:shape.checkpoint_posts]]
    units += [Unit(TRAFFIC, posts=traffic, duty_room=False), Unit(PATROL, posts=patrol),
              Unit(CRIMES, duty_room=False),
              # A checkpoint station rosters no leader: its officers answer to the traffic one.
              Unit(CHECKPOINT_STATION, posts=checkpoint, duty_room=False, continuous=True)]
    return units


def required_shifts(post: Post) -> tuple[str, ...]:
    return (DAY_SHIFT, NIGHT_SHIFT) if post.coverage == ROUND_THE_CLOCK else (DAY_SHIFT,)


def _daily_slots(unit: Unit) -> tuple[int, int]:
    """Officers and auxiliaries the unit rosters on a day (leaders aside)."""
    posts = sum(len(required_shifts(p)) for p in unit.posts)
    return posts + (2 if unit.duty_room else 0), posts


def _staff(unit: Unit, recruit: Recruit, detectives: int) -> None:
    """Twice the daily slots: everyone is on duty every other day."""
    officers, auxiliaries = _daily_slots(unit)
    if unit.name == CRIMES:
        officers = detectives  # on cases, on no roster
    leads = unit.name not in (CHECKPOINT_STATION, CRIMES)
    unit.leaders = [recruit(True) for _ in range(3 if leads else 0)]
    unit.officers = [recruit(True) for _ in range(2 * officers)]
    unit.auxiliaries = [recruit(False) for _ in range(2 * auxiliaries)]


def days_between(first: date, last: date) -> Iterator[date]:
    for n in range((last - first).days + 1):
        yield first + timedelta(days=n)


def _unit_roster(unit: Unit, period: Period, roster_from: date) -> list[PoliceShift]:
    rows: list[PoliceShift] = []
    first = roster_from if unit.continuous else period.first
    for index, day in enumerate(days_between(first, period.last)):
        officers = _rotation(unit.officers, index)
        auxiliaries = _rotation(unit.auxiliaries, index)
        if unit.leaders:
            rows.append(PoliceShift(day, WHOLE_DAY, unit.name, None, LEADER,
                                    unit.leaders[index % len(unit.leaders)]))
        if unit.duty_room:
            for shift in (DAY_SHIFT, NIGHT_SHIFT):
                rows.append(PoliceShift(day, shift, unit.name, None, OFFICER, next(officers),
                                        spare=True))
        for post in unit.posts:
            if not post.active_on(day):
                continue
            for shift in required_shifts(post):
                rows.append(PoliceShift(day, shift, unit.name, post.name, OFFICER,
                                        next(officers)))
                if day >= period.first:  # before the months, the officer alone (fewer rows)
                    rows.append(PoliceShift(day, shift, unit.name, post.name, AUXILIARY,
                                            next(auxiliaries), spare=True))
    return rows


def _rotation(staff: list[Officer], day_index: int) -> Iterator[Officer]:
    """Half the staff on a day, the other half the next: no one holds two shifts of a day."""
    half = len(staff) // 2
    start = (day_index % 2) * half
    yield from staff[start:start + half] if half else []


# -- roll calls -------------------------------------------------------------------------------


def _roll_calls(rng: random.Random, bureau: Bureau, per_row: float) -> Iterator[DutyCheck]:
    """Video, face or location roll calls during the months, each finding the officer 在岗."""
    for row in bureau.roster:
        if row.day < bureau.period.first or rng.random() >= per_row:
            continue
        start, end = row.span()
        # Never on the stroke of midnight: an Excel cell of 00:00 reads as a date alone.
        at = start + timedelta(minutes=rng.randrange(int((end - start).total_seconds() // 60)))
        if at.time() == time(0):
            at += timedelta(minutes=1 + rng.randrange(59))
        post = row.post if rng.random() < 0.8 else None
        yield DutyCheck(at, row.unit, post, row.officer, PRESENT, rng.choice(CHECK_METHODS))


# -- cases ------------------------------------------------------------------------------------


def later(rng: random.Random, after: datetime, days: int) -> datetime:
    """A time `days` calendar days after `after`: on the same day, later than it."""
    if days == 0:
        left = int((datetime.combine(after.date(), time(23, 59)) - after).total_seconds() // 60)
        return after + timedelta(minutes=rng.randint(min(1, left), left) if left > 0 else 0)
    day = after.date() + timedelta(days=days)
    return datetime.combine(day, time(rng.randint(8, 21), rng.randrange(60)))


def received_on(rng: random.Random, day: date) -> datetime:
    return datetime.combine(day, time(rng.randint(8, 21), rng.randrange(60)))


def case_number(unit_index: int, day: date, serial: int) -> str:
    return f"A{day:%Y%m}{unit_index:02d}{serial:06d}"


def _cases(rng: random.Random, units: list[Unit], period: Period, count: int
           ) -> list[PoliceCase]:
    days = period.days()
    cases = []
    for serial in range(count):
        index = rng.randrange(len(units))
        # The last case came in on the as-of date: the latest date anywhere in the cases.
        day = period.last if serial == count - 1 else rng.choice(days)
        category = rng.choices((ADMINISTRATIVE, CRIMINAL, EPIDEMIC), (6, 3, 1))[0]
        case = PoliceCase(case_number(index + 1, day, serial), units[index].name, category,
                          handler(rng, units[index]), received_on(rng, day),
                          spare=serial != count - 1)  # the as-of date is never lost
        in_time(rng, case, period.last)
        cases.append(case)
    return cases


def handler(rng: random.Random, unit: Unit) -> Officer | None:
    return rng.choice(unit.officers) if unit.officers else None


def in_time(rng: random.Random, case: PoliceCase, as_of: date) -> None:
    """Steps in order, each within its limit; a step that would fall after the as-of date is
    not taken yet, and its limit then has not passed either."""
    received = case.received

    def step(days: int, after: datetime) -> datetime | None:
        at = later(rng, after, days)
        return at if at.date() <= as_of else None

    if case.category == CRIMINAL:
        case.filed = step(rng.randint(0, 7), received)
        if case.filed and rng.random() < 0.6:
            case.measures = step(rng.randint(0, 5), case.filed)
        if case.filed and rng.random() < 0.7:
            case.closed = step(rng.randint(5, 60), case.measures or case.filed)
        return
    limit = 30 if case.category == ADMINISTRATIVE else 15
    filed_after = rng.randint(0, 2)
    if rng.random() < 0.6:
        case.filed = step(filed_after, received)
    taken = rng.randint(filed_after if case.filed else 0, limit)
    case.closed = step(taken - filed_after, case.filed) if case.filed else step(taken, received)


# -- findings ---------------------------------------------------------------------------------


def finding_number(day: date, serial: int) -> str:
    return f"DC{day:%Y}{serial:06d}"


def _findings(rng: random.Random, units: list[Unit], period: Period, count: int
              ) -> list[InspectionFinding]:
    days = period.days()
    findings = []
    for serial in range(count):
        found = rng.choice(days)
        category = rng.choice(tuple(_CATEGORIES))
        rectify_by = found + timedelta(days=rng.randint(5, 30))
        findings.append(InspectionFinding(
            finding_number(found, serial), rng.choice(units).name, found, category,
            rng.choice(_CATEGORIES[category]), rectify_by,
            _rectified(rng, found, rectify_by, period.last), rng.choice(_INSPECTORS)))
    return findings


def _rectified(rng: random.Random, found: date, rectify_by: date, as_of: date) -> date | None:
    """On or before the deadline; not yet only while the deadline is after the as-of date."""
    last = min(rectify_by, as_of)
    if rectify_by > as_of and rng.random() < 0.4:
        return None
    return found + timedelta(days=rng.randint(0, (last - found).days))
