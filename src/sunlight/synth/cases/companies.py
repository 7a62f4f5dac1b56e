"""Cases about companies paid a company program (LIUGONG): COMPANY_INACTIVE_PAID,
COMPANY_UNREGISTERED, HEADCOUNT_OVERCLAIMED, REP_IS_OFFICIAL, and DUPLICATE_PAYMENT and
OVER_STANDARD on a company (contract section 5)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from functools import partial

from sunlight.synth.cases.book import CASE, TRAP, CaseBook, fixed, need
from sunlight.synth.enterprise import grant, insure
from sunlight.synth.ids import credit_code, with_wrong_code_check
from sunlight.synth.people import MOVED, Person
from sunlight.synth.periods import (
    HOLIDAY_MONTHS,
    Month,
    first_day,
    last_day,
    month,
    month_label,
)
from sunlight.synth.programs import LIUGONG
from sunlight.synth.registries import (
    CADRE,
    Business,
    Official,
    company_name,
    grown_up,
    random_day,
)

COMPANY_INACTIVE_PAID, COMPANY_UNREGISTERED, HEADCOUNT_OVERCLAIMED, REP_IS_OFFICIAL = (
    "COMPANY_INACTIVE_PAID", "COMPANY_UNREGISTERED", "HEADCOUNT_OVERCLAIMED", "REP_IS_OFFICIAL")
DUPLICATE_PAYMENT, OVER_STANDARD = "DUPLICATE_PAYMENT", "OVER_STANDARD"
PAID = HOLIDAY_MONTHS[-1]
"""The month most cases are paid for: the last Spring Festival."""
STANDARD = 50_000
"""Fen per claimed worker (the catalog's 500 yuan)."""
_FULL_WIDTH = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in "0123456789ABCDEFGHJKLMNPQRTUWXY"})


def _founder(book: CaseBook, size: int = 1) -> Person:
    """An adult of an untaken plain household, who registers a company for a case."""
    household = need(book.plain_household(lambda h: len(h.members) >= size and any(
        28 <= p.age <= 60 for p in h.members)), "a plain household to found a company")
    book.claim(household)
    return next(p for p in household.members if 28 <= p.age <= 60)


def _company(book: CaseBook, rep: Person, status: str = "存续", closed: date | None = None,
             registered: bool = True, staff: int | None = None) -> Business:
    world, rng = book.world, book.rng
    business = Business(credit_code(rng, world.county.area_code),
                        company_name(rng, world.county, rep), rep,
                        rng.choice((10, 30, 50, 100)),
                        random_day(rng, grown_up(rep, date(2012, 1, 1)), date(2021, 12, 31)),
                        status, closed)
    world.pinned_companies.add(id(business))
    if registered:
        world.add_business(business)
        insure(world, business, staff or rng.randint(6, 60), rng)
    return business


def _paid(book: CaseBook, business: Business, period: Month = PAID, rate: int = 40_000,
          claimed: int | None = None, code_text: str | None = None,
          paid_on: date | None = None) -> int:
    """A grant for the period at `rate` fen per worker claimed (the insured count by default)."""
    if claimed is None:
        claimed = book.world.insured.get(business, {}).get(period) or book.rng.randint(5, 30)
    made = grant(book.world, business, period, claimed, claimed * rate, pinned=True,
                 code_text=code_text, paid_on=paid_on)
    return made.amount


def _case(book: CaseBook, model: str, code: str, amount: int, period: Month = PAID) -> None:
    book.add_company(model, CASE, code, LIUGONG, fixed(amount, month_label(period)))


def _trap(book: CaseBook, model: str, code: str) -> None:
    book.add_company(model, TRAP, code, LIUGONG)


# -- COMPANY_INACTIVE_PAID -------------------------------------------------------------------


def company_inactive_paid(book: CaseBook) -> None:
    """Closed before the paid month, closed with no date, or restated closed by the later
    delivery; traps: closed in the paid month or after it, restated back in business."""
    for index in range(book.cases_wanted):
        book.attempt(partial(_closed_and_paid, book, index % 3))
    for index in range(book.traps_wanted):
        book.attempt(partial(_closing_later, book, index % 3))


def _closed_and_paid(book: CaseBook, variant: int) -> None:
    rng, rep = book.rng, _founder(book)
    before = first_day(PAID) - timedelta(days=1)
    if variant == 0:
        business = _company(book, rep, "注销", random_day(rng, date(2023, 3, 1), before))
    elif variant == 1:
        business = _company(book, rep, "吊销")  # the registry never dated the revocation
    else:
        business = _company(book, rep)
        book.world.restated.append(replace(business, status="注销", status_date=random_day(
            rng, date(2023, 6, 1), before)))
    _case(book, COMPANY_INACTIVE_PAID, business.credit_code, _paid(book, business))


def _closing_later(book: CaseBook, variant: int) -> None:
    rng, rep = book.rng, _founder(book)
    if variant == 0:  # closed during the paid month: the first day counts as in it
        day = first_day(PAID) if rng.random() < 0.5 else random_day(rng, first_day(PAID),
                                                                     last_day(PAID))
        business = _company(book, rep, "注销", day)
    elif variant == 1:
        business = _company(book, rep, "吊销", random_day(rng, date(2024, 4, 1),
                                                          date(2024, 11, 30)))
    else:  # first delivered revoked, restated in business by the later delivery
        business = _company(book, rep, "吊销")
        book.world.restated.append(replace(business, status="存续"))
    _paid(book, business)
    _trap(book, COMPANY_INACTIVE_PAID, business.credit_code)


# -- COMPANY_UNREGISTERED --------------------------------------------------------------------


def company_unregistered(book: CaseBook) -> None:
    """A code the registry does not know (or a registered one with a wrong check character);
    traps: a registered code written in lower case, full width or with spaces."""
    for index in range(book.cases_wanted):
        book.attempt(partial(_unknown_code, book, index % 2 == 1))
    for index in range(book.traps_wanted):
        book.attempt(partial(_code_written_otherwise, book, index % 3))


def _unknown_code(book: CaseBook, mistyped: bool) -> None:
    rep = _founder(book)
    if mistyped:  # a registered company's code with a wrong check character
        business = _company(book, rep)
        paid_code = with_wrong_code_check(business.credit_code)
        amount = _paid(book, business, code_text=paid_code)
    else:
        business = _company(book, rep, registered=False)
        paid_code = business.credit_code
        amount = _paid(book, business)
    _case(book, COMPANY_UNREGISTERED, paid_code, amount)


def _code_written_otherwise(book: CaseBook, form: int) -> None:
    business = _company(book, _founder(book))
    code = business.credit_code
    if form == 0 and code.lower() != code:
        written = code.lower()
    elif form == 1:
        written = code.translate(_FULL_WIDTH)
    else:
        written = f"{code[:6]} {code[6:12]} {code[12:]}"
    _paid(book, business, code_text=written)
    _trap(book, COMPANY_UNREGISTERED, code)


# -- HEADCOUNT_OVERCLAIMED -------------------------------------------------------------------


def headcount_overclaimed(book: CaseBook) -> None:
    """More workers claimed than insured, by more than 2 and more than 10%; traps: within
    either bound, no insured row for the month, no claimed headcount."""
    for index in range(book.cases_wanted):
        book.attempt(partial(_overclaimed, book, index % 2 == 1))
    for index in range(book.traps_wanted):
        book.attempt(partial(_claimed_within, book, index % 4))


def _overclaimed(book: CaseBook, large: bool) -> None:
    rng = book.rng
    business = _company(book, _founder(book), staff=rng.randint(30, 90) if large
                        else rng.randint(3, 9))
    insured = book.world.insured[business][PAID]
    extra = max(3, insured // 10 + rng.randint(1, 6)) if large else rng.randint(3, 9)
    rate = rng.choice((30_000, 40_000, 50_000))
    _paid(book, business, rate=rate, claimed=insured + extra)
    # amount × (claimed − insured) ÷ claimed, exact since amount = rate × claimed.
    _case(book, HEADCOUNT_OVERCLAIMED, business.credit_code, rate * extra)


def _claimed_within(book: CaseBook, variant: int) -> None:
    rng = book.rng
    if variant == 0:  # 2 more than insured: within the 2 workers allowed
        business = _company(book, _founder(book), staff=rng.randint(3, 9))
        _paid(book, business, claimed=book.world.insured[business][PAID] + 2)
    elif variant == 1:  # more than 2 over, but within 10%
        business = _company(book, _founder(book), staff=rng.randint(40, 90))
        insured = book.world.insured[business][PAID]
        _paid(book, business, claimed=insured + insured // 10)
    elif variant == 2:  # social insurance reported no row for the paid month
        business = _company(book, _founder(book))
        del book.world.insured[business][PAID]
        _paid(book, business, claimed=rng.randint(20, 40))
    else:  # the claimed headcount left empty: nothing to compare
        business = _company(book, _founder(book), staff=rng.randint(3, 9))
        grant(book.world, business, PAID, None, rng.randint(20, 40) * 10_000, pinned=True)
    _trap(book, HEADCOUNT_OVERCLAIMED, business.credit_code)


# -- REP_IS_OFFICIAL -------------------------------------------------------------------------

_JOBS = (("公务员", "{t}人民政府", "科员"), ("事业单位", "{t}中心小学", "教师"),
         ("财政供养", "{t}敬老院", "工作人员"))


def _office(book: CaseBook, person: Person, start: date, end: date | None,
            cadre: bool = False) -> None:
    household, start = person.household, grown_up(person, start)
    if cadre:
        village = household.village
        book.world.add_office(Official(person, CADRE, "村委会委员", f"{village.name}村民委员会",
                                       village.township.name, village.name, start, end))
        return
    category, employer, post = book.rng.choice(_JOBS)
    township = household.township_name
    book.world.add_office(Official(person, category, post, employer.format(t=township),
                                   township, "", start, end))


def rep_is_official(book: CaseBook) -> None:
    """The legal representative, or someone of their household, in public office during the
    paid month; traps: office left before it or taken up after it, a village cadre only."""
    for index in range(book.cases_wanted):
        book.attempt(partial(_official_behind, book, index % 3))
    for index in range(book.traps_wanted):
        book.attempt(partial(_official_apart, book, index % 3))


def _kin(rep: Person) -> Person | None:
    return next((p for p in rep.household.members if p is not rep and 26 <= p.age <= 59
                 and p.death is None and p.status != MOVED), None)


def _official_behind(book: CaseBook, variant: int) -> None:
    rng = book.rng
    rep = _founder(book, size=2 if variant == 1 else 1)
    holder = (_kin(rep) or rep) if variant == 1 else rep
    if variant == 2:  # left office a few days into the paid month: in office on some day
        _office(book, holder, date(2016, 3, 1), first_day(PAID) + timedelta(days=rng.randint(0, 9)))
    else:
        _office(book, holder, first_day(month(rng.randint(2012, 2021), rng.randint(1, 12))), None)
    business = _company(book, rep)
    _case(book, REP_IS_OFFICIAL, business.credit_code, _paid(book, business))


def _official_apart(book: CaseBook, variant: int) -> None:
    rep = _founder(book)
    if variant == 0:  # left office the day before the paid month began
        _office(book, rep, date(2015, 7, 1), first_day(PAID) - timedelta(days=1))
    elif variant == 1:
        _office(book, rep, date(2018, 1, 1), None, cadre=True)
    else:  # took up office the month after
        _office(book, rep, first_day(PAID + 1), None)
    business = _company(book, rep)
    _paid(book, business)
    _trap(book, REP_IS_OFFICIAL, business.credit_code)


# -- DUPLICATE_PAYMENT and OVER_STANDARD on a company --------------------------------------


def company_duplicates(book: CaseBook) -> None:
    """A company paid twice for one month (each half the standard, so the total stays within
    it); traps: two months paid on one day."""
    for _ in range(max(2, book.cases_wanted // 2)):
        book.attempt(partial(_paid_twice, book))
    for _ in range(max(1, book.traps_wanted // 2)):
        book.attempt(partial(_two_months_one_day, book))


def _paid_twice(book: CaseBook) -> None:
    business = _company(book, _founder(book))
    _paid(book, business, rate=20_000)
    first = book.world.grants[-1]
    again = _paid(book, business, rate=20_000,
                  paid_on=first.paid_on + timedelta(days=book.rng.choice((0, 3, 7))))
    _case(book, DUPLICATE_PAYMENT, business.credit_code, again)


def _two_months_one_day(book: CaseBook) -> None:
    business = _company(book, _founder(book))
    _paid(book, business, PAID - 1)
    _paid(book, business, PAID, paid_on=book.world.grants[-1].paid_on)
    _trap(book, DUPLICATE_PAYMENT, business.credit_code)


def company_over_standard(book: CaseBook) -> None:
    """Paid more than 500 yuan per claimed worker; traps: exactly 500."""
    for index in range(max(2, book.cases_wanted // 2)):
        book.attempt(partial(_above_standard, book, index % 2 == 1))
    for _ in range(max(1, book.traps_wanted // 2)):
        book.attempt(partial(_at_standard, book))


def _above_standard(book: CaseBook, both_years: bool) -> None:
    business = _company(book, _founder(book))
    rate = book.rng.choice((55_000, 60_000, 80_000))
    periods = HOLIDAY_MONTHS if both_years else (PAID,)
    excess = sum(_paid(book, business, m, rate=rate) // rate * (rate - STANDARD)
                 for m in periods)
    book.add_company(OVER_STANDARD, CASE, business.credit_code, LIUGONG,
                     fixed(excess, month_label(periods[0]), month_label(periods[-1])))


def _at_standard(book: CaseBook) -> None:
    business = _company(book, _founder(book))
    _paid(book, business, rate=STANDARD)
    _trap(book, OVER_STANDARD, business.credit_code)
