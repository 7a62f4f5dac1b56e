"""Cases of eligibility: INELIGIBLE_DISABILITY, AREA_OVER_DECLARED, APPROVAL_SKIPPED."""

from __future__ import annotations

from datetime import date
from functools import partial

from sunlight.synth.approvals import AUTO, LATE, WITHOUT_COUNTY, WITHOUT_PUBLICITY
from sunlight.synth.cases.book import (
    CaseBook,
    MeasureRule,
    before,
    need,
    pin,
    rows_rule,
    supply,
    supply_any,
)
from sunlight.synth.payments import Payment
from sunlight.synth.people import MOVED, Person
from sunlight.synth.periods import (
    APPROVALS_FROM,
    LAST_UNAPPROVED_START,
    month,
    month_of,
    year_of,
)
from sunlight.synth.programs import (
    CANJI_HULI,
    CANJI_SHENGHUO,
    DIBAO,
    DILI,
    GAOLING,
    JINMU,
    Enrollment,
)
from sunlight.synth.registries import (
    CANCELLED,
    CROPLAND,
    GRASSLAND,
    VALID,
    Cert,
    Parcel,
    random_day,
)
from sunlight.synth.welfare import disability_amounts

INELIGIBLE_DISABILITY, AREA_OVER_DECLARED, APPROVAL_SKIPPED = (
    "INELIGIBLE_DISABILITY", "AREA_OVER_DECLARED", "APPROVAL_SKIPPED")
_CATEGORIES = ("肢体", "视力", "听力", "智力")


def _cert(book: CaseBook, person: Person, level: int, status: str, first: date, last: date
          ) -> Cert:
    return book.world.add_cert(Cert(person, book.rng.choice(_CATEGORIES), level,
                                    random_day(book.rng, first, last), status))


def _uncertified(book: CaseBook) -> Person:
    person = need(book.person(lambda p: 10 <= p.age <= 75 and p.death is None
                              and p.status != MOVED and not book.world.certs_of(p)
                              and not book.world.enrollments_of(p)),
                  "someone without a certificate")
    book.claim(person.household)
    return person


def _care_allowance(book: CaseBook, person: Person, after: date) -> Enrollment:
    start = book.rng.randint(max(month_of(after) + 1, month(2016, 1)), LAST_UNAPPROVED_START)
    amounts = disability_amounts(book.world, CANJI_HULI, (0.8, 0.9))
    return book.world.add_enrollment(Enrollment(CANJI_HULI, person, start, base=amounts))


def ineligible_disability(book: CaseBook) -> None:
    """Disability allowances without a valid certificate of a qualifying level; traps: valid
    severe certificates, a re-issued certificate, the living allowance at any level."""
    for index in range(book.cases_wanted):
        book.attempt(partial(_without_qualifying_cert, book, index % 4))
    for index in range(book.traps_wanted):
        if index % 3 == 1:
            book.attempt(partial(_reissued, book))
        else:
            book.attempt(partial(_qualified, book, index % 3 == 2))


def _without_qualifying_cert(book: CaseBook, variant: int) -> None:
    if variant == 3:  # the living allowance on DIBAO, with a cancelled certificate
        enrollment = _living_allowance_cancelled(book)
    else:
        person = _uncertified(book)
        if variant == 0:  # a valid certificate, but of level 3 or 4
            cert = _cert(book, person, book.rng.choice((3, 4)), VALID, date(2012, 1, 1),
                         date(2019, 12, 31))
            after = cert.issued
        elif variant == 1:  # the certificate was cancelled
            cert = _cert(book, person, book.rng.choice((1, 2)), CANCELLED, date(2010, 1, 1),
                         date(2016, 12, 31))
            after = cert.issued
        else:  # no certificate at all
            after = date(2015, 6, 1)
        enrollment = _care_allowance(book, person, after)
    book.add_case(INELIGIBLE_DISABILITY, enrollment.person, enrollment.program,
                  rows_rule([enrollment], False))


def _living_allowance_cancelled(book: CaseBook) -> Enrollment:
    world = book.world
    dibao = supply(book, DIBAO, lambda e: e.start <= LAST_UNAPPROVED_START
                   and not world.certs_of(e.person)
                   and not world.enrollments_of(e.person, CANJI_SHENGHUO))
    book.claim(dibao.person.household)
    _cert(book, dibao.person, 3, CANCELLED, date(2010, 1, 1), date(2015, 12, 31))
    return world.add_enrollment(Enrollment(
        CANJI_SHENGHUO, dibao.person, book.rng.randint(dibao.start, LAST_UNAPPROVED_START),
        base=disability_amounts(world, CANJI_SHENGHUO, (0.6, 0.7))))


def _reissued(book: CaseBook) -> None:
    """A cancelled certificate and a valid one re-issued later: the valid one counts."""
    person = _uncertified(book)
    _cert(book, person, 2, CANCELLED, date(2009, 1, 1), date(2012, 12, 31))
    cert = _cert(book, person, 1, VALID, date(2014, 1, 1), date(2018, 12, 31))
    enrollment = _care_allowance(book, person, cert.issued)
    pin(enrollment)
    book.add_trap(INELIGIBLE_DISABILITY, person, CANJI_HULI)


def _qualified(book: CaseBook, living: bool) -> None:
    enrollment = supply_any(book, (CANJI_SHENGHUO, CANJI_HULI) if living else (CANJI_HULI,))
    book.claim(enrollment.person.household)
    pin(enrollment)
    book.add_trap(INELIGIBLE_DISABILITY, enrollment.person, enrollment.program)


def _registered(book: CaseBook, enrollment: Enrollment) -> int:
    land_type = CROPLAND if enrollment.program == DILI else GRASSLAND
    return book.world.land_area(enrollment.person.household, land_type)


def area_over_declared(book: CaseBook) -> None:
    """Declared area beyond the household's registered area (by more than 0.5 mu and 2%);
    traps: within either tolerance, and land registered in two members' names."""
    for index in range(book.cases_wanted):
        book.attempt(partial(_declared_too_much, book, (DILI, JINMU) if index % 2 == 0
                             else (JINMU, DILI)))
    for index in range(book.traps_wanted):
        trap = (_within_half_mu, _within_two_percent, _split_holding)[index % 3]
        book.attempt(partial(trap, book))


def _declared_too_much(book: CaseBook, programs: tuple[str, str]) -> None:
    standards = book.world.standards
    enrollment = supply_any(book, programs)
    book.claim(enrollment.person.household)
    registered = _registered(book, enrollment)
    # An even number of hundredths over: rate × excess is whole fen, the money unambiguous.
    excess = max(60, round(registered * book.rng.uniform(0.15, 0.5)))
    enrollment.declared = registered + excess + excess % 2
    program = enrollment.program

    def overpaid(payment: Payment) -> int:
        return payment.amount - standards.area_amount(program, year_of(payment.period),
                                                       registered)

    book.add_case(AREA_OVER_DECLARED, enrollment.person, program,
                  rows_rule([enrollment], True, value=overpaid))


def _area_trap(book: CaseBook, enrollment: Enrollment) -> None:
    book.claim(enrollment.person.household)
    pin(enrollment)
    book.add_trap(AREA_OVER_DECLARED, enrollment.person, enrollment.program)


def _within_half_mu(book: CaseBook) -> None:
    enrollment = supply(book, DILI)
    enrollment.declared = _registered(book, enrollment) + book.rng.randint(30, 45)
    _area_trap(book, enrollment)


def _within_two_percent(book: CaseBook) -> None:
    """More than half a mu over, but under 2% of a large holding."""
    enrollment = book.enrollment(JINMU, lambda e: _registered(book, e) >= 5000)
    if enrollment is None:  # no large grassland: enlarge a cropland holding instead
        enrollment = supply(book, DILI)
        parcel = next(p for p in book.world.parcels_of(enrollment.person.household)
                      if p.land_type == CROPLAND)
        parcel.area += 5000
    registered = _registered(book, enrollment)
    enrollment.declared = registered + max(60, int(registered * 0.012))
    _area_trap(book, enrollment)


def _split_holding(book: CaseBook) -> None:
    """Cropland held in two members' names, declared in full by the head."""
    world = book.world

    def splittable(e: Enrollment) -> bool:
        household = e.person.household
        parcels = [p for p in world.parcels_of(household) if p.land_type == CROPLAND]
        return e.person is household.head and len(parcels) == 1 and any(
            p is not e.person and p.age >= 18 and p.status != MOVED for p in household.members)

    enrollment = supply(book, DILI, splittable)
    household = enrollment.person.household
    parcel = next(p for p in world.parcels_of(household) if p.land_type == CROPLAND)
    other = next(p for p in household.members if p is not enrollment.person and p.age >= 18
                 and p.status != MOVED)
    share = parcel.area * 2 // 5
    parcel.area -= share
    world.add_parcel(Parcel(other, CROPLAND, share))
    enrollment.declared = parcel.area + share
    _area_trap(book, enrollment)


def approval_skipped(book: CaseBook) -> None:
    """Paid without 村级公示 or 县级审批, or before 县级审批; traps: a complete chain, and an
    enrollment older than the approvals data."""
    for index in range(book.cases_wanted):
        book.attempt(partial(_skipped, book, index))
    for index in range(book.traps_wanted):
        if index % 2 == 0:
            book.attempt(partial(_approved_in_time, book, (GAOLING, DIBAO, CANJI_HULI)[index % 3]))
        else:
            book.attempt(partial(_older_than_approvals, book, (GAOLING, DIBAO)[(index // 2) % 2]))


def _recent(book: CaseBook, program: str) -> Enrollment:
    """An enrollment with an approval chain and a few months paid: from the background, or a
    household newly put on DIBAO."""
    found = book.enrollment_where(lambda e: e.program == program and e.start >= APPROVALS_FROM
                                  and e.chain == AUTO and len(book.world.months_of(e)) >= 4)
    if found is not None:
        return found
    household = need(book.plain_household(lambda h: any(p.age >= 18 for p in h.members)),
                     "a household to put on DIBAO")
    return book.make_dibao(household, book.rng.randint(month(2023, 2), month(2024, 6)))[0]


def _skipped(book: CaseBook, index: int) -> None:
    enrollment = _recent(book, (GAOLING, DIBAO)[index % 2])
    book.claim(enrollment.person.household)
    periods = book.world.months_of(enrollment)
    rule: MeasureRule
    if index % 3 == 2 and len(periods) >= 3:
        enrollment.chain = LATE
        enrollment.approved = periods[0] + book.rng.randint(1, min(3, len(periods) - 1))
        rule = rows_rule([enrollment], False, before(enrollment.approved))
    else:
        enrollment.chain = WITHOUT_PUBLICITY if index % 3 == 0 else WITHOUT_COUNTY
        rule = rows_rule([enrollment], False)
    book.add_case(APPROVAL_SKIPPED, enrollment.person, enrollment.program, rule)


def _approved_in_time(book: CaseBook, program: str) -> None:
    enrollment = _recent(book, program)
    book.claim(enrollment.person.household)
    pin(enrollment)
    book.add_trap(APPROVAL_SKIPPED, enrollment.person, enrollment.program)


def _older_than_approvals(book: CaseBook, program: str) -> None:
    enrollment = supply_any(book, (program, DIBAO), lambda e: e.start <= LAST_UNAPPROVED_START)
    book.claim(enrollment.person.household)
    pin(enrollment)
    book.add_trap(APPROVAL_SKIPPED, enrollment.person, enrollment.program)


