"""Households and residents: who lives in the county, who died, who moved away."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from sunlight.synth.geography import County, Village
from sunlight.synth.ids import AccountFactory, IdFactory
from sunlight.synth.names import NameFactory
from sunlight.synth.periods import REFERENCE_DAY

HEAD = "户主"
ALIVE, DEAD, MOVED = "正常", "死亡", "迁出"


@dataclass(eq=False, slots=True)
class Person:
    id_number: str
    name: str
    sex: str
    birth: date
    relation: str
    household: Household
    order: int
    """Position in the registry: files list people in this order."""
    status: str = ALIVE
    status_date: date | None = None
    death: date | None = None
    """The earliest date of death any source shows (the one that counts), if dead."""

    @property
    def age(self) -> int:
        """Age on the reference day (end of 2024)."""
        return _years_between(self.birth, REFERENCE_DAY)

    def alive_on(self, day: date) -> bool:
        return self.death is None or self.death >= day


@dataclass(eq=False, slots=True)
class Household:
    hid: str
    village: Village
    account: str
    """The head's bank card: subsidies of every member are paid to it unless noted."""
    members: list[Person] = field(default_factory=list)
    poor: bool = False
    """On DIBAO or TEKUN. Decided before the registries, which then keep officials, cadres,
    cars and running companies out of poor households (the background must be clean)."""

    @property
    def head(self) -> Person:
        return self.members[0]

    @property
    def township_name(self) -> str:
        return self.village.township.name


@dataclass(frozen=True, slots=True)
class DeathRecord:
    person: Person
    day: date
    source: str


@dataclass(eq=False)
class Population:
    households: list[Household]
    people: list[Person]
    death_records: list[DeathRecord]
    by_id: dict[str, Person]


def _years_between(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


# Kinds of household and how common they are in a rural county (weights per 100 households).
_KINDS = (
    ("single_elder", 9), ("elder_couple", 13), ("young_single", 4), ("couple", 7),
    ("nuclear", 36), ("three_generations", 21), ("elder_with_son", 10),
)

Member = tuple[str, str, int]
"""(relation, sex, age) of a household member to be."""


def _elder_age(rng: random.Random, low: int = 60) -> int:
    return min(104, low + int(rng.expovariate(1 / 10)))


def _children(rng: random.Random, parent_age: int, count: int, son: str, daughter: str
              ) -> list[Member]:
    oldest = max(0, min(parent_age - 20, 34))
    youngest = max(0, min(oldest, parent_age - 40))
    members = []
    for _ in range(count):
        sex = rng.choice("男女")
        members.append((son if sex == "男" else daughter, sex, rng.randint(youngest, oldest)))
    return members


def compose_household(rng: random.Random) -> list[Member]:
    """Relations, sexes and ages of one household, head first."""
    kind = rng.choices([k for k, _ in _KINDS], weights=[w for _, w in _KINDS])[0]
    head_sex = "男" if rng.random() < 0.85 else "女"
    spouse_sex = "女" if head_sex == "男" else "男"
    if kind == "single_elder":
        return [(HEAD, "女" if rng.random() < 0.6 else "男", _elder_age(rng, 62))]
    if kind == "young_single":
        return [(HEAD, "男" if rng.random() < 0.7 else "女", rng.randint(20, 50))]
    if kind == "elder_couple":
        age = _elder_age(rng, 63)
        return [(HEAD, head_sex, age), ("配偶", spouse_sex, max(58, age + rng.randint(-5, 1)))]
    if kind == "elder_with_son":
        head_age = _elder_age(rng, 58)
    else:
        low, high = {"couple": (24, 60), "nuclear": (26, 55), "three_generations": (32, 58)}[kind]
        head_age = rng.randint(low, high)
    members: list[Member] = [(HEAD, head_sex, head_age)]
    if kind != "elder_with_son" or rng.random() < 0.7:
        members.append(("配偶", spouse_sex, max(20, head_age + rng.randint(-4, 3))))
    if kind == "nuclear":
        members += _children(rng, head_age, rng.choice((1, 1, 2, 2, 2, 3)), "子", "女")
    elif kind == "three_generations":
        members += _children(rng, head_age, rng.choice((1, 2, 2)), "子", "女")
        father, mother = rng.random() < 0.65, rng.random() < 0.85
        if father or not mother:
            members.append(("父亲", "男", min(104, head_age + rng.randint(22, 34))))
        if mother:
            members.append(("母亲", "女", min(104, head_age + rng.randint(20, 32))))
    elif kind == "elder_with_son":
        son_age = max(20, min(head_age - 22, rng.randint(28, 55)))
        members.append(("子", "男", son_age))
        if rng.random() < 0.8:
            members.append(("儿媳", "女", max(20, son_age + rng.randint(-4, 2))))
        members += _children(rng, son_age, rng.choice((0, 1, 1, 2)), "孙子", "孙女")
    return members


def _birth_date(rng: random.Random, age: int) -> date:
    """A birth date giving `age` on the reference day."""
    latest = date(REFERENCE_DAY.year - age, REFERENCE_DAY.month, REFERENCE_DAY.day)
    return latest - timedelta(days=rng.randrange(365))


class _Namer:
    """Names a household: children carry the father's surname; a few families are minority."""

    def __init__(self, names: NameFactory, rng: random.Random) -> None:
        self._names, self._rng = names, rng

    def name_all(self, members: list[Member], births: list[date]) -> list[str]:
        if self._rng.random() < 0.006:
            return self._minority(members)
        family = self._names.surname()
        names: list[str] = []
        for (relation, sex, _), birth in zip(members, births, strict=True):
            inherits = relation in ("子", "女", "孙子", "孙女", "父亲") or (
                relation == HEAD and sex == "男")
            surname = family if inherits else self._names.surname()
            name = self._names.full(surname, sex, birth.year)
            while name in names:  # parents do not give two children one name
                name = self._names.full(surname, sex, birth.year)
            names.append(name)
        return names

    def _minority(self, members: list[Member]) -> list[str]:
        """Uyghur names: a given name, `·`, then the father's given name."""
        father = self._names.minority_given("男")
        names = []
        for relation, sex, _ in members:
            child = relation in ("子", "女", "孙子", "孙女")
            patronym = father if child else self._names.minority_given("男")
            names.append(f"{self._names.minority_given(sex)}·{patronym}")
        return names


def build_population(rng: random.Random, county: County, persons: int, ids: IdFactory,
                     names: NameFactory, accounts: AccountFactory) -> Population:
    namer = _Namer(names, rng)
    villages = [v for t in county.townships for v in t.villages]
    quotas = _split(rng, persons, len(villages))
    households: list[Household] = []
    people: list[Person] = []
    for village, quota in zip(villages, quotas, strict=True):
        sequence = 0
        while quota > 0:
            members = compose_household(rng)[:quota]
            quota -= len(members)
            sequence += 1
            hid = f"3{village.township.code:02d}{village.code:02d}{sequence:04d}"
            household = Household(hid=hid, village=village, account=accounts.new())
            births = [_birth_date(rng, age) for _, _, age in members]
            for (relation, sex, _), birth, name in zip(
                members, births, namer.name_all(members, births), strict=True
            ):
                person = Person(id_number=ids.new(birth, sex), name=name, sex=sex, birth=birth,
                                relation=relation, household=household, order=len(people))
                household.members.append(person)
                people.append(person)
            households.append(household)
    population = Population(households, people, [], {p.id_number: p for p in people})
    population.death_records = _life_events(rng, population)
    return population


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    weights = [rng.uniform(0.7, 1.3) for _ in range(parts)]
    scale = total / sum(weights)
    quotas = [int(w * scale) for w in weights]
    for index in range(total - sum(quotas)):
        quotas[index % parts] += 1
    return quotas


def _death_chance(age: int, recent: bool) -> float:
    bands = ((85, 0.14, 0.10), (80, 0.08, 0.06), (70, 0.03, 0.03), (60, 0.01, 0.012))
    for low, in_window, before in bands:
        if age >= low:
            return in_window if recent else before
    return 0.001


def _random_day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def _life_events(rng: random.Random, population: Population) -> list[DeathRecord]:
    """Deaths (before and during the payment years) and moves out of the county."""
    records: list[DeathRecord] = []
    for person in population.people:
        alone = len(person.household.members) == 1
        born = person.birth + timedelta(days=30)
        if born < date(2024, 12, 20) and rng.random() < _death_chance(person.age, recent=True):
            day = _random_day(rng, max(born, date(2023, 1, 1)), date(2024, 12, 20))
            records += record_death(rng, person, day)
        elif ((alone or person.relation != HEAD) and born < date(2022, 6, 30)
              and rng.random() < _death_chance(person.age, recent=False)):
            day = _random_day(rng, max(born, date(2010, 1, 1)), date(2022, 6, 30))
            late = rng.random() < 0.03
            records += record_death(rng, person, day, late_police=late,
                                    sources=("医学证明", "公安注销") if late else None)
        elif person.relation != HEAD and 18 <= person.age <= 45 and rng.random() < 0.012:
            person.status = MOVED
            person.status_date = _random_day(rng, date(2012, 1, 1), date(2024, 11, 30))
    return records


def record_death(rng: random.Random, person: Person, day: date, *, registry: bool | None = None,
                 sources: tuple[str, ...] | None = None, late_police: bool = False
                 ) -> list[DeathRecord]:
    """Mark a person dead on `day` as the sources show it; the sources disagree by days.

    `day` is the earliest date any source shows: the date that counts.
    """
    if registry is None:
        registry = rng.random() < (0.9 if day.year >= 2023 else 0.97)
    if sources is None:
        sources = tuple(s for s, chance in (("公安注销", 0.75), ("火化", 0.4), ("医学证明", 0.45))
                        if rng.random() < chance)
        if not sources and not registry:
            sources = ("医学证明",)
    records = []
    for index, source in enumerate(sources):
        lag = 0 if index == 0 else rng.choice((0, 0, 1, 2, 3))
        if source == "公安注销" and late_police and index > 0:
            lag = rng.randint(40, 120)  # a deregistration months late: a quality finding
        records.append(DeathRecord(person, day + timedelta(days=lag), source))
    if registry:
        person.status = DEAD
        lag = 0 if not records else rng.choice((0, 0, 1, 2, 4))
        person.status_date = day + timedelta(days=lag)
    person.death = min([r.day for r in records] + ([person.status_date] if registry and
                                                    person.status_date else []))
    return records
