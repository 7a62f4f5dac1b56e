"""Cases of identity: SHARED_ACCOUNT, UNREGISTERED_PAYEE, NAME_MISMATCH."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from functools import partial

from sunlight.synth.cases.book import (
    CaseBook,
    Measure,
    MeasureRule,
    need,
    pin,
    rows_rule,
    supply_any,
)
from sunlight.synth.ids import FULL_WIDTH_DIGITS, to_old_form, with_wrong_check
from sunlight.synth.names import traditional
from sunlight.synth.payments import Ledger
from sunlight.synth.people import HEAD, MOVED, Household, Person
from sunlight.synth.periods import LAST_UNAPPROVED_START, month, month_label, year_of
from sunlight.synth.programs import DIBAO, GAOLING, TEKUN, Enrollment
from sunlight.synth.welfare import dibao_amounts

SHARED_ACCOUNT, UNREGISTERED_PAYEE, NAME_MISMATCH = (
    "SHARED_ACCOUNT", "UNREGISTERED_PAYEE", "NAME_MISMATCH")
_ELDERS_FIRST = (GAOLING, TEKUN, DIBAO)


def _payees(book: CaseBook, household: Household) -> list[Person]:
    return [p for p in household.members
            if any(book.world.months_of(e) for e in book.world.enrollments_of(p))]


def _redirect(book: CaseBook, people: list[Person], account: str) -> list[Enrollment]:
    moved = []
    for person in people:
        for enrollment in book.world.enrollments_of(person):
            enrollment.account = account
            moved.append(enrollment)
    return moved


def shared_account(book: CaseBook) -> None:
    """One card collecting the subsidies of several households; traps: one household's card,
    and two people of two households on one card."""
    for index in range(book.cases_wanted):
        book.attempt(partial(_card_of_many, book, index))
    for index in range(book.traps_wanted):
        book.attempt(partial(_household_card if index % 2 == 0 else _pair, book))


def _card_of_many(book: CaseBook, index: int) -> None:
    people: list[Person] = []
    if index % 2:  # two from one household and one from another
        household = book.household(lambda h: len(_payees(book, h)) >= 2)
        if household is not None:
            book.claim(household)
            people += _payees(book, household)[:2]
    while len(people) < 3 + (index % 3 == 0):
        enrollment = supply_any(book, _ELDERS_FIRST[len(people) % 3:] + _ELDERS_FIRST)
        book.claim(enrollment.person.household)
        people.append(enrollment.person)
    account = book.world.accounts.new()
    book.add_case(SHARED_ACCOUNT, None, "", _account_rule(book, _redirect(book, people, account)),
                  account=account, township="")


def _account_rule(book: CaseBook, enrollments: list[Enrollment]) -> MeasureRule:
    """Everything paid into the account, from its first to its last period."""
    pin(*enrollments)
    standards = book.world.standards

    def rule(ledger: Ledger) -> Measure:
        rows = [p for e in enrollments for p in ledger.rows_of(e)]
        labels = [str(year_of(p.period)) if standards.is_annual(p.enrollment.program)
                  else month_label(p.period) for p in rows]
        return Measure(sum(p.amount for p in rows), min(labels), max(labels))

    return rule


def _household_card(book: CaseBook) -> None:
    """Three or more of one household paid to the head's card."""
    household = book.household(lambda h: len(_payees(book, h)) >= 3)
    if household is None:
        household = need(book.plain_household(lambda h: len(h.members) >= 3),
                         "a household of three")
        book.make_dibao(household, book.rng.randint(month(2016, 1), LAST_UNAPPROVED_START))
    book.claim(household)
    pin(*[e for p in household.members for e in book.world.enrollments_of(p)])
    book.add_trap(SHARED_ACCOUNT, None, "", account=household.account, township="")


def _single_payee_household(book: CaseBook) -> Household:
    household = book.household(lambda h: len(_payees(book, h)) == 1)
    if household is None:
        household = need(book.plain_household(lambda h: any(p.age >= 18 for p in h.members)),
                         "a household with one payee")
        adult = next(p for p in household.members if p.age >= 18)
        book.make_dibao(household, book.rng.randint(month(2016, 1), LAST_UNAPPROVED_START),
                        lambda p: p is adult)
    book.claim(household)
    return household


def _pair(book: CaseBook) -> None:
    """A mother paid to her son's card in another household: two people, not three."""
    first = _single_payee_household(book)
    second = _single_payee_household(book)
    moved = _redirect(book, _payees(book, second), first.account)
    pin(*moved, *[e for p in _payees(book, first) for e in book.world.enrollments_of(p)])
    book.add_trap(SHARED_ACCOUNT, None, "", account=first.account, township="")


def unregistered_payee(book: CaseBook) -> None:
    """Paid to IDs the registry does not hold; traps: registered IDs written another way."""
    for index in range(book.cases_wanted):
        book.attempt(partial(_unknown_payee, book, index % 3))
    for index in range(book.traps_wanted):
        book.attempt(partial(_written_otherwise, book, index))


def unknown_person(book: CaseBook, age: int, wrong_check: bool) -> Person:
    """A payee no registry knows: an invented ID, or one whose check character fails."""
    world, rng = book.world, book.rng
    sex = rng.choice("男女")
    birth = date(2024 - age, 1, 1) + timedelta(days=rng.randrange(365))
    id_number = world.ids.new(birth, sex)
    if wrong_check:
        id_number = with_wrong_check(id_number)
        world.ids.reserve(id_number)
    village = rng.choice([v for t in world.county.townships for v in t.villages])
    household = world.ghost_household(village)
    person = Person(id_number, world.names.full(world.names.surname(), sex, birth.year), sex,
                    birth, HEAD, household, order=len(world.population.people) + len(world.ghosts))
    household.members.append(person)
    world.ghosts.append(person)
    world.claimed.add(id(person))
    return person


def _unknown_payee(book: CaseBook, variant: int) -> None:
    world, rng = book.world, book.rng
    start = rng.randint(month(2014, 1), LAST_UNAPPROVED_START)
    if variant == 2:  # an elderly allowance; the invented ID says 83-92, so age is no issue
        ghost = unknown_person(book, rng.randint(83, 92), wrong_check=False)
        enrollment = world.add_enrollment(Enrollment(GAOLING, ghost, start))
    else:
        ghost = unknown_person(book, rng.randint(30, 70), wrong_check=variant == 1)
        enrollment = world.add_enrollment(Enrollment(DIBAO, ghost, start,
                                                     base=dibao_amounts(world, rng)))
    book.add_case(UNREGISTERED_PAYEE, ghost, enrollment.program, rows_rule([enrollment], False))


def _written_otherwise(book: CaseBook, index: int) -> None:
    form = ("old_form", "full_width", "lower_x", "spaced")[index % 4]
    enrollment = None
    if form == "lower_x":
        enrollment = book.enrollment(GAOLING, lambda e: e.person.id_number.endswith("X"))
        form = form if enrollment is not None else "spaced"
    if enrollment is None:
        enrollment = supply_any(book, ((GAOLING, DIBAO) if index % 2 else (DIBAO, GAOLING)),
                                lambda e: e.person.birth.year < 2000)
    id_number = enrollment.person.id_number
    enrollment.id_text = {"old_form": to_old_form(id_number),
                          "full_width": id_number.translate(FULL_WIDTH_DIGITS),
                          "lower_x": id_number.lower(),
                          "spaced": f"{id_number[:6]} {id_number[6:]}"}[form]
    book.claim(enrollment.person.household)
    pin(enrollment)
    book.add_trap(UNREGISTERED_PAYEE, enrollment.person, enrollment.program)


def _spellings(person: Person) -> dict[str, str | None]:
    """The registry name as a payment file might write it, by kind of difference."""
    name = person.name
    return {
        "space": f"{name[0]} {name[1:]}" if "·" not in name else name.replace("·", " · "),
        "fullwidth_space": f"{name[0]}\u3000{name[1:]}",
        "traditional": traditional(name),
        "middle_dot": name.replace("·", " · ") if "·" in name else None,
        "outer": f" {name}\u3000",
    }


def name_mismatch(book: CaseBook) -> None:
    """Paid under someone else's name; traps: the same name spaced, widened or traditional."""
    for index in range(book.cases_wanted):
        book.attempt(partial(_someone_else, book, index))
    for index in range(book.traps_wanted):
        book.attempt(partial(_spelled_otherwise, book, index))


def _someone_else(book: CaseBook, index: int) -> None:
    enrollment = supply_any(book, (GAOLING, DIBAO) if index % 2 == 0 else (DIBAO, GAOLING))
    book.claim(enrollment.person.household)
    person = enrollment.person
    periods = book.world.months_of(enrollment)
    since = periods[0] if index % 3 == 2 else book.rng.choice(periods[2:-2])
    other = book.world.names.other_than(person.name, person.sex, person.birth.year)
    enrollment.names = {m: other for m in periods if m >= since}
    book.add_case(NAME_MISMATCH, person, enrollment.program,
                  rows_rule([enrollment], False, lambda p: p.name != p.enrollment.person.name))


def _spellable(book: CaseBook, form: str) -> Callable[[Enrollment], bool]:
    def spellable(enrollment: Enrollment) -> bool:
        return (enrollment.program in (GAOLING, DIBAO) and enrollment.person.status != MOVED
                and bool(book.world.months_of(enrollment))
                and _spellings(enrollment.person)[form] is not None)

    return spellable


def _spelled_otherwise(book: CaseBook, index: int) -> None:
    form = ("space", "traditional", "fullwidth_space", "middle_dot", "outer")[index % 5]
    enrollment = None
    if form in ("traditional", "middle_dot"):
        enrollment = book.enrollment_where(_spellable(book, form))
    if enrollment is None:
        form = "space" if form in ("traditional", "middle_dot") else form
        enrollment = supply_any(book, (GAOLING, DIBAO) if index % 2 == 0 else (DIBAO, GAOLING))
    spelled = _spellings(enrollment.person)[form]
    assert spelled is not None
    enrollment.names = {m: spelled for m in book.world.months_of(enrollment)}
    book.claim(enrollment.person.household)
    pin(enrollment)
    book.add_trap(NAME_MISMATCH, enrollment.person, enrollment.program)
