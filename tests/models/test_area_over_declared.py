"""AREA_OVER_DECLARED: a declared area above the household's registered area of that land type
by more than 0.5 亩 and 2 %."""

from __future__ import annotations

from decimal import Decimal

from tests.models.county import (
    County,
    Person,
    Row,
    Run,
    assert_explains,
    basis,
    evidence,
    figures,
    paid,
)

county = County()


ENROLLED: dict[str, Row] = {}


def declares(who: Person, program: str, area: str, rate: str) -> list[Row]:
    """Enrolled since 2023 with `area` declared, paid for 2024 at `rate` per declared 亩."""
    ENROLLED[who.id] = county.enroll(who, program, "2023-01", declared_area=area)
    return county.pay(who, program, "2024", f"{Decimal(area) * Decimal(rate):.2f}")


# Registered 10 亩 of 耕地, declared 15: paid 15 × 105, of which 5 × 105 is beyond the register.
over = county.person("戴福海", born="1963-03-23")
field = county.land(over, "耕地", "10")
over_paid = declares(over, "地力补贴", "15", "105")

# 草原: registered 100 亩, declared 150.
grassland = county.person("哈斯巴根", born="1970-07-20")
pasture = county.land(grassland, "草原", "100")
grass_paid = declares(grassland, "禁牧补助", "150", "7.5")

# Registered 200 亩 of 耕地 and no 草原 at all, declared 30 亩 of 草原.
wrong_type = county.person("苏德胜", born="1958-08-15")
county.land(wrong_type, "耕地", "200")
declares(wrong_type, "禁牧补助", "30", "7.5")

# The household's area is the sum over its members: 5 + 4 亩, declared 9.4.
summed = county.person("孟长顺", born="1961-01-11", household="H-MENG")
county.land(summed, "耕地", "5")
county.land(county.person("孟李氏", born="1963-06-06", household="H-MENG"), "耕地", "4")
declares(summed, "地力补贴", "9.4", "105")

# Exactly 0.5 亩 over 20 亩 (2.5 %): within the 亩 tolerance.
half_mu = county.person("段文生", born="1967-05-05")
county.land(half_mu, "耕地", "20")
declares(half_mu, "地力补贴", "20.5", "105")

# Exactly 2 % over 50 亩 (1 亩): within the share tolerance.
two_percent = county.person("雷振山", born="1959-10-10")
county.land(two_percent, "耕地", "50")
declares(two_percent, "地力补贴", "51", "105")

# 1.1 亩 over 50 亩: beyond both tolerances.
just_over = county.person("侯永强", born="1965-02-02")
county.land(just_over, "耕地", "50")
just_over_paid = declares(just_over, "地力补贴", "51.1", "105")

# Declared less than registered.
under = county.person("贾春华", born="1971-12-21")
county.land(under, "草原", "300")
declares(under, "禁牧补助", "280", "7.5")


run = county.fixture("AREA_OVER_DECLARED")


def test_a_declared_area_beyond_the_register_fires(run: Run):
    found = run.one(over)
    assert figures(found) == ("DILI", "2024", "2024", "525.00")
    # The declared area's roster row and the registered parcel.
    assert evidence(found) == paid(over_paid) | basis(field, ENROLLED[over.id])
    assert_explains(found, "戴福海", "15", "耕地", "10", "超出5", "525.00")


def test_grassland_beyond_the_register_fires(run: Run):
    found = run.one(grassland)
    assert figures(found) == ("JINMU", "2024", "2024", "375.00")
    assert evidence(found) == paid(grass_paid) | basis(pasture, ENROLLED[grassland.id])


def test_the_land_type_of_the_program_is_what_counts(run: Run):
    found = run.one(wrong_type)
    assert figures(found) == ("JINMU", "2024", "2024", "225.00")
    assert_explains(found, "草原")


def test_the_households_area_is_summed_over_its_members(run: Run):
    assert not run.fired(summed)


def test_exactly_at_the_tolerances_does_not_fire(run: Run):
    assert not run.fired(half_mu)
    assert not run.fired(two_percent)


def test_just_beyond_both_tolerances_fires(run: Run):
    found = run.one(just_over)
    assert figures(found) == ("DILI", "2024", "2024", "115.50")
    assert paid(just_over_paid) <= evidence(found)


def test_a_declared_area_within_the_register_does_not_fire(run: Run):
    assert not run.fired(under)
