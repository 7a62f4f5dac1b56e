"""What other departments know about residents: disability certificates, officials and village
cadres, vehicles, companies, and contracted land."""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field
from datetime import date, timedelta

from sunlight.synth.geography import PLATE_PREFIX, County
from sunlight.synth.ids import credit_code
from sunlight.synth.people import MOVED, Household, Person, Population

VALID, CANCELLED = "有效", "注销"
CADRE = "村干部"
CAR_TYPES = ("小型轿车", "小型越野客车", "小型普通客车", "轻型货车", "中型货车")
"""Vehicles that disqualify a household from DIBAO while registered (正常)."""
ACTIVE_BUSINESS = ("存续", "在业")
CLOSED_BUSINESS = ("注销", "吊销")
CROPLAND, GRASSLAND = "耕地", "草原"
CADRE_POSTS = ("村党支部书记", "村委会主任", "村会计", "村监委会主任", "妇女主任")


@dataclass(eq=False, slots=True)
class Cert:
    person: Person
    category: str
    level: int
    issued: date
    status: str = VALID


@dataclass(eq=False, slots=True)
class Official:
    person: Person
    category: str
    post: str
    employer: str
    township: str
    village: str
    start: date
    end: date | None = None


@dataclass(eq=False, slots=True)
class Vehicle:
    owner: Person
    plate: str
    vehicle_type: str
    registered: date
    status: str = "正常"


@dataclass(eq=False, slots=True)
class Business:
    credit_code: str
    company: str
    rep: Person
    capital: int
    """Registered capital in 万元."""
    founded: date
    status: str
    status_date: date | None = None
    """The day of 注销 or 吊销 (contract v1.1); None for a company in business."""
    account: str = ""
    """The company's bank account (对公账号), for company subsidies."""


@dataclass(eq=False, slots=True)
class Parcel:
    holder: Person
    land_type: str
    area: int
    """Hundredths of a mu."""


@dataclass(eq=False)
class Registries:
    certs: list[Cert] = field(default_factory=list)
    officials: list[Official] = field(default_factory=list)
    vehicles: list[Vehicle] = field(default_factory=list)
    businesses: list[Business] = field(default_factory=list)
    parcels: list[Parcel] = field(default_factory=list)
    plates: set[str] = field(default_factory=set)

    def new_plate(self, rng: random.Random) -> str:
        alphabet = string.digits + "ABCDEFGHJKLMNPQRSTUVWXYZ"
        while True:
            plate = PLATE_PREFIX + "".join(rng.choice(alphabet) for _ in range(5))
            if plate not in self.plates:
                self.plates.add(plate)
                return plate


def random_day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange(max(1, (last - first).days + 1)))


def _usable(person: Person, low: int, high: int) -> bool:
    """An adult of working age who is alive and still lives in the county."""
    return (low <= person.age <= high and person.death is None and person.status != MOVED)


def build_registries(rng: random.Random, county: County, population: Population) -> Registries:
    registries = Registries()
    _certs(rng, population, registries)
    _officials(rng, population, registries)
    _cadres(rng, county, population, registries)
    _vehicles(rng, population, registries)
    _businesses(rng, county, population, registries)
    _land(rng, population, registries)
    return registries


_CATEGORIES = (("肢体", 40), ("视力", 15), ("听力", 15), ("言语", 3), ("智力", 10), ("精神", 10),
               ("多重", 7))


def _certs(rng: random.Random, population: Population, registries: Registries) -> None:
    for person in population.people:
        if person.status == MOVED:
            continue
        chance = 0.02 + (0.03 if person.age >= 60 else 0) + (0.04 if person.age >= 80 else 0)
        if rng.random() >= chance:
            continue
        issued = random_day(rng, date(2008, 1, 1), date(2022, 5, 31))
        if issued <= person.birth + timedelta(days=300):
            continue
        registries.certs.append(Cert(
            person=person,
            category=rng.choices([c for c, _ in _CATEGORIES], [w for _, w in _CATEGORIES])[0],
            level=rng.choices((1, 2, 3, 4), (10, 20, 30, 40))[0],
            issued=issued,
            status=VALID if rng.random() < 0.93 else CANCELLED,
        ))


_OFFICIAL_JOBS = {
    "公务员": (("{t}人民政府", ("科员", "办事员", "副镇长", "副科长")),
              ("陇县民政局", ("科员", "副局长")), ("陇县财政局", ("科员", "股长"))),
    "事业单位": (("{t}中心小学", ("教师",)), ("{t}卫生院", ("医生", "护士")),
               ("{t}农业综合服务站", ("技术员", "站长")), ("陇县人民医院", ("医生",))),
    "财政供养": (("{t}敬老院", ("工作人员",)), ("{t}司法所", ("协管员",))),
}


def _month_start(rng: random.Random, first: date, last: date) -> date:
    return random_day(rng, first, last).replace(day=1)


def _officials(rng: random.Random, population: Population, registries: Registries) -> None:
    for person in population.people:
        if person.household.poor or not _usable(person, 22, 59) or rng.random() >= 0.012:
            continue
        category = rng.choices(("公务员", "事业单位", "财政供养"), (40, 45, 15))[0]
        employer, posts = rng.choice(_OFFICIAL_JOBS[category])
        township = person.household.township_name
        start = _month_start(rng, max(date(1992, 1, 1), _birthday(person, 21)), date(2022, 12, 1))
        end = None
        if rng.random() < 0.08 and start < date(2020, 1, 1):
            end = random_day(rng, start + timedelta(days=400), date(2022, 6, 30))
        registries.officials.append(Official(person, category, rng.choice(posts),
                                             employer.format(t=township), township, "", start, end))


def grown_up(person: Person, day: date, age: int = 22) -> date:
    """`day`, or the day the person reaches `age` if that is later (no post or company before)."""
    return max(day, _birthday(person, age))


def _birthday(person: Person, age: int) -> date:
    return date(person.birth.year + age, person.birth.month, min(person.birth.day, 28))


def _cadres(rng: random.Random, county: County, population: Population,
            registries: Registries) -> None:
    officials = {o.person for o in registries.officials}
    by_village: dict[int, list[Person]] = {}
    for person in population.people:
        if (not person.household.poor and person not in officials and _usable(person, 30, 65)):
            by_village.setdefault(id(person.household.village), []).append(person)
    for township in county.townships:
        for village in township.villages:
            candidates = by_village.get(id(village), [])
            current = list(CADRE_POSTS[: rng.choice((4, 5))])
            former = rng.sample(CADRE_POSTS, rng.choice((1, 1, 2)))
            serving = rng.sample(candidates, min(len(candidates), len(current)))
            elders = [p for p in candidates if p.age >= 40 and p not in serving]
            retired = rng.sample(elders, min(len(elders), len(former)))
            for person, post in zip(serving, current, strict=False):
                start = _month_start(rng, max(date(2008, 1, 1), _birthday(person, 23)),
                                     date(2021, 12, 1))
                registries.officials.append(Official(
                    person, CADRE, post, f"{village.name}村民委员会", township.name,
                    village.name, start, None))
            for person, post in zip(retired, former, strict=False):
                start = _month_start(rng, max(date(1999, 1, 1), _birthday(person, 23)),
                                     date(2013, 12, 1))
                end = random_day(rng, start + timedelta(days=1100), date(2021, 12, 31))
                registries.officials.append(Official(
                    person, CADRE, post, f"{village.name}村民委员会", township.name,
                    village.name, start, end))


_VEHICLE_TYPES = (("小型轿车", 30), ("小型越野客车", 10), ("小型普通客车", 3), ("轻型货车", 8),
                  ("中型货车", 3), ("普通二轮摩托车", 22), ("三轮汽车", 14), ("拖拉机", 10))


def _vehicles(rng: random.Random, population: Population, registries: Registries) -> None:
    for household in population.households:
        owners = [p for p in household.members if _usable(p, 20, 70)]
        if not owners or rng.random() >= (0.2 if household.poor else 0.3):
            continue
        owner = rng.choice(owners)
        vehicle_type = rng.choices([t for t, _ in _VEHICLE_TYPES],
                                   [w for _, w in _VEHICLE_TYPES])[0]
        status = rng.choices(("正常", "报废", "注销"), (85, 10, 5))[0]
        if household.poor and vehicle_type in CAR_TYPES:
            status = rng.choice(("报废", "注销"))  # a poor household's car is long gone
        registered = random_day(rng, max(date(2005, 1, 1), _birthday(owner, 18)),
                                date(2022, 10, 31))
        registries.vehicles.append(Vehicle(owner, registries.new_plate(rng), vehicle_type,
                                           registered, status))


_TRADES = ("商贸有限公司", "建材有限公司", "农业开发有限公司", "养殖专业合作社", "苗木专业合作社",
           "运输有限公司", "餐饮有限公司", "农机服务专业合作社")


def company_name(rng: random.Random, county: County, person: Person) -> str:
    return f"{county.name}{person.household.village.name[:-1]}{rng.choice(_TRADES)}"


LAST_BACKGROUND_CLOSURE = date(2022, 12, 31)
"""Companies of the background closed before the two years paid anything: a closure inside them
would make a DIBAO household's company count for some months (contract v1.1, section 5)."""


def _businesses(rng: random.Random, county: County, population: Population,
                registries: Registries) -> None:
    """About one company per 30 residents (8,000 in a county of 250,000)."""
    codes: set[str] = set()
    for person in population.people:
        chance = 0.01 if person.household.poor else 0.058
        if not _usable(person, 25, 65) or rng.random() >= chance:
            continue
        status = rng.choices(ACTIVE_BUSINESS + CLOSED_BUSINESS, (50, 25, 15, 10))[0]
        if person.household.poor:
            status = rng.choice(CLOSED_BUSINESS)
        founded = random_day(rng, max(date(2000, 1, 1), _birthday(person, 20)),
                             date(2022, 10, 31))
        closed = None
        if status in CLOSED_BUSINESS:
            closed = random_day(rng, min(founded + timedelta(days=200), LAST_BACKGROUND_CLOSURE),
                                LAST_BACKGROUND_CLOSURE)
        code = credit_code(rng, county.area_code)
        while code in codes:
            code = credit_code(rng, county.area_code)
        codes.add(code)
        registries.businesses.append(Business(
            code, company_name(rng, county, person), person,
            rng.choice((3, 5, 10, 30, 50, 100, 200, 500)), founded, status, closed))


def _land(rng: random.Random, population: Population, registries: Registries) -> None:
    for household in population.households:
        size = len(household.members)
        if rng.random() < 0.92:
            total = max(80, round(size * rng.uniform(120, 320)))
            _split_land(rng, household, CROPLAND, total, registries)
        if household.village.township.pastoral and rng.random() < 0.55:
            _split_land(rng, household, GRASSLAND, rng.randint(1000, 16000), registries)


def _split_land(rng: random.Random, household: Household, land_type: str, total: int,
                registries: Registries) -> None:
    """Most households hold their land in the head's name; some in two members' names."""
    others = [p for p in household.members[1:] if p.age >= 18 and p.status != MOVED]
    if others and rng.random() < 0.3:
        share = round(total * rng.uniform(0.55, 0.8))
        registries.parcels.append(Parcel(household.head, land_type, share))
        registries.parcels.append(Parcel(rng.choice(others), land_type, total - share))
    else:
        registries.parcels.append(Parcel(household.head, land_type, total))
