"""Companies as subsidy payees: insured headcount month by month, 留工 grants for the holiday
months, and the registry's later delivery restating some companies.

Nothing here may satisfy a company model's "fires when": grants go to companies in business
whose legal representative's household holds no public office, claiming no more workers than
were insured that month.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from datetime import date

from sunlight.synth.people import Household
from sunlight.synth.periods import HOLIDAY_MONTHS, Month, day_in
from sunlight.synth.programs import LIUGONG
from sunlight.synth.registries import (
    ACTIVE_BUSINESS,
    CADRE,
    CLOSED_BUSINESS,
    LAST_BACKGROUND_CLOSURE,
    Business,
    random_day,
)
from sunlight.synth.subsidies import Grant
from sunlight.synth.world import World

RATES = (300, 400, 500)
"""Yuan per claimed worker a county pays (the standard allows 500)."""


def season(holiday: Month) -> range:
    """The months social insurance reports around a holiday month: two before, one after."""
    return range(holiday - 2, holiday + 2)


def insure(world: World, business: Business, staff: int, rng: random.Random) -> dict[Month, int]:
    """Monthly insured headcount drifting a little around `staff` over both seasons."""
    drift = 1 if staff >= 10 else 0  # a handful of workers stays put
    months = {m: max(1, staff + rng.randint(-drift, drift))
              for holiday in HOLIDAY_MONTHS for m in season(holiday)}
    world.insured[business] = months
    return months


def pay_day(world: World, business: Business, period: Month) -> date:
    """The bank date: the month after the one paid for, on the township's day for the program."""
    return day_in(period + 1, world.pay_day(business.rep.household.township_name, LIUGONG))


def grant(world: World, business: Business, period: Month, claimed: int | None, amount: int,
          *, pinned: bool = False, code_text: str | None = None,
          paid_on: date | None = None) -> Grant:
    if not business.account:
        business.account = world.accounts.new()
    made = Grant(LIUGONG, business, period, claimed, amount,
                 paid_on or pay_day(world, business, period), code_text, pinned)
    world.grants.append(made)
    return made


def staff_size(rng: random.Random) -> int:
    """Workers of a county company: mostly a handful, a few hundred at most."""
    return min(400, max(1, round(rng.lognormvariate(2.2, 0.9))))


def enterprise_background(world: World, free: Callable[[Household], bool]) -> None:
    """Insured headcount for most companies in business, 留工 grants to some of them, and a
    later registry delivery restating a few."""
    rng = world.rng
    for business in world.registries.businesses:
        if business.status not in ACTIVE_BUSINESS or id(business) in world.pinned_companies:
            continue
        if rng.random() >= 0.6:  # no social insurance: never paid 留工
            continue
        months = insure(world, business, staff_size(rng), rng)
        if not _may_be_paid(world, business, free) or rng.random() >= 0.45:
            continue
        rate = rng.choice(RATES) * 100
        for holiday in HOLIDAY_MONTHS:
            if rng.random() < 0.85:
                insured = months[holiday]
                claimed = max(1, insured - rng.randint(0, min(3, insured // 5)))
                grant(world, business, holiday, claimed, claimed * rate)
    _restate(world, free)


def _may_be_paid(world: World, business: Business, free: Callable[[Household], bool]) -> bool:
    """A representative whose household is untouched by cases and holds no public office."""
    household = business.rep.household
    return free(household) and not household.poor and not any(
        o.category != CADRE for p in household.members for o in world.offices_of(p))


def _restate(world: World, free: Callable[[Household], bool]) -> None:
    """About one company in forty restated: its capital changed, or it closed before the two
    years (only companies never paid, of households on no welfare)."""
    rng = world.rng
    paid = {id(g.business) for g in world.grants}
    for business in world.registries.businesses:
        if (id(business) in paid or id(business) in world.pinned_companies
                or business.rep.household.poor or not free(business.rep.household)
                or rng.random() >= 0.025):
            continue
        if business.status in ACTIVE_BUSINESS and rng.random() < 0.4:
            closed = random_day(rng, min(business.founded, LAST_BACKGROUND_CLOSURE),
                                LAST_BACKGROUND_CLOSURE)
            world.restated.append(replace(business, status=rng.choice(CLOSED_BUSINESS),
                                          status_date=closed))
        else:
            world.restated.append(replace(business, capital=business.capital * 2))
