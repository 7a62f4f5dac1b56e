"""ASSET_OWNER_ON_WELFARE: a 低保 payee whose household owns a car or runs a company."""

from __future__ import annotations

import pytest

from tests.models.county import (
    County,
    Person,
    Run,
    assert_explains,
    basis,
    evidence,
    figures,
    months,
    paid,
)

county = County()
SPRING = months("2024-01", "2024-03")

# Owns a car (小型轿车, in use).
car_owner = county.person("郝建平", born="1970-03-21")
car = county.vehicle(car_owner, "小型轿车", plate="陕C12345", registered_on="2019-05-01")
car_paid = county.pay(car_owner, "低保", SPRING, 500)

# The son, in the same household, owns a truck.
truck_father = county.person("邵老汉", born="1948-08-08", household="H-SHAO")
truck_son = county.person("邵小兵", born="1980-08-08", household="H-SHAO", relation="子")
truck = county.vehicle(truck_son, "中型货车", registered_on="2020-01-01")
truck_paid = county.pay(truck_father, "低保", SPRING, 500)

# The legal representative of a company in business (存续), and of one 在业.
company_rep = county.person("毛利民", born="1975-11-11")
company = county.business(company_rep, "存续", company="陇县利民商贸有限公司",
                          founded_on="2018-01-01")
county.pay(company_rep, "低保", SPRING, 500)
in_business = county.person("贺新春", born="1979-01-01")
county.business(in_business, "在业")
county.pay(in_business, "低保", SPRING, 500)

# Bought an SUV in June: April and May are before, June to August during.
bought_in_june = county.person("龚向东", born="1977-07-07")
county.vehicle(bought_in_june, "小型越野客车", registered_on="2024-06-12")
county.pay(bought_in_june, "低保", months("2024-04", "2024-08"), 500)


def with_asset(name: str, born: str, kind: str, **asset: str) -> Person:
    """A 低保 payee with one vehicle (`kind` a 车辆类型) or company (`kind` = 企业)."""
    who = county.person(name, born=born)
    if kind == "企业":
        county.business(who, asset["status"])
    else:
        county.vehicle(who, kind, **asset)
    county.pay(who, "低保", SPRING, 500)
    return who


# A 低速货车 (the old four-wheeled farm lorry) is a 货车, which the contract counts.
low_speed_lorry = with_asset("贺满囤", "1967-07-07", "低速货车")

# Not a car: motorcycles, three-wheelers, tractors.
motorcycle = with_asset("文小龙", "1983-03-03", "普通二轮摩托车")
tricycle = with_asset("方大山", "1966-06-06", "三轮汽车")
tractor = with_asset("石满仓", "1959-09-09", "拖拉机")
# A car scrapped or deregistered, a company deregistered or revoked.
scrapped = with_asset("姚金花", "1972-12-12", "小型轿车", status="报废")
deregistered = with_asset("谭德水", "1964-04-14", "轻型货车", status="注销")
closed = with_asset("廖春生", "1969-09-19", "企业", status="注销")
revoked = with_asset("邹志军", "1973-03-13", "企业", status="吊销")

# A car does not bar 特困 (the asset test is 低保's).
tekun_car = county.person("熊德才", born="1950-05-15")
county.vehicle(tekun_car, "小型轿车")
county.pay(tekun_car, "特困供养", SPRING, 900)



def test_a_car_owner_on_dibao_fires(run: Run):
    found = run.one(car_owner)
    assert figures(found) == ("DIBAO", "2024-01", "2024-03", "1500.00")
    assert evidence(found) == paid(car_paid) | basis(car)
    assert_explains(found, "郝建平", "本人", "小型轿车", "陕C12345", "1,500.00")


def test_a_household_members_truck_fires(run: Run):
    found = run.one(truck_father)
    assert figures(found) == ("DIBAO", "2024-01", "2024-03", "1500.00")
    assert evidence(found) == paid(truck_paid) | basis(truck)
    assert_explains(found, "同户成员", "邵小兵", "中型货车")
    assert not run.fired(truck_son)  # he is not paid


def test_a_company_in_business_fires(run: Run):
    found = run.one(company_rep)
    assert basis(company) <= evidence(found)
    assert_explains(found, "陇县利民商贸有限公司", "法定代表人")
    assert figures(run.one(in_business)) == ("DIBAO", "2024-01", "2024-03", "1500.00")


def test_only_payments_once_the_car_is_held_fire(run: Run):
    found = run.one(bought_in_june)
    assert figures(found) == ("DIBAO", "2024-06", "2024-08", "1500.00")


def test_a_low_speed_lorry_is_a_lorry(run: Run):
    assert figures(run.one(low_speed_lorry)) == ("DIBAO", "2024-01", "2024-03", "1500.00")


@pytest.mark.parametrize("who", [motorcycle, tricycle, tractor], ids=["摩托", "三轮", "拖拉机"])
def test_motorcycles_three_wheelers_and_tractors_do_not_fire(run: Run, who: Person):
    assert not run.fired(who)


@pytest.mark.parametrize("who", [scrapped, deregistered, closed, revoked],
                         ids=["报废", "注销车", "注销企业", "吊销"])
def test_deregistered_vehicles_and_companies_do_not_fire(run: Run, who: Person):
    assert not run.fired(who)


def test_other_programs_do_not_fire(run: Run):
    assert not run.fired(tekun_car)


# -- contract v1.1, section 5: a closed company counts until its status date ---------------
# Deregistered on 15 February: January counts, February (the month of closure) and March not.
closed_in_february = county.person("史关门", born="1971-02-15")
closing = county.business(closed_in_february, "注销", company="陇县关门商贸有限公司",
                          status_date="2024-02-15")
closing_paid = county.pay(closed_in_february, "低保", SPRING, 500)
# Revoked after the payments: every month counts.
revoked_later = county.person("柏吊销", born="1972-03-16")
county.business(revoked_later, "吊销", status_date="2024-06-30")
county.pay(revoked_later, "低保", SPRING, 500)
# The registry restates a company: 存续 in its first row, 注销 before the payments in the row
# delivered after it (§1: the later row wins for its credit code), so no month counts.
restated_rep = county.person("殷重述", born="1974-04-17")
restated = county.company("陇县重述商贸有限公司", restated_rep, "存续")
county.add("businesses", credit_code=restated.code, company=restated.name,
           rep_id_number=restated_rep.id, rep_name=restated_rep.name, status="注销",
           status_date="2023-12-20")
county.pay(restated_rep, "低保", SPRING, 500)

run = county.fixture("ASSET_OWNER_ON_WELFARE")


def test_a_company_closed_later_counts_in_the_months_before_its_closure(run: Run):
    found = run.one(closed_in_february)
    assert figures(found) == ("DIBAO", "2024-01", "2024-01", "500.00")
    assert evidence(found) == paid(closing_paid[0]) | basis(closing)
    assert_explains(found, "陇县关门商贸有限公司", "注销")
    assert figures(run.one(revoked_later)) == ("DIBAO", "2024-01", "2024-03", "1500.00")


def test_a_company_restated_closed_before_the_payments_does_not_count(run: Run):
    assert not run.fired(restated_rep)
