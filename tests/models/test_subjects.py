"""Every detection names its subject (kind, readable name) and the people it concerns."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from sunlight.models.detection import Detection
from sunlight.models.detection import Person as Involved
from sunlight.models.subjects import named, subject_name
from tests.models.county import County, Run, months

county = County()
SPRING = months("2024-01", "2024-03")

# One card takes the 低保 of seven persons of four households. One of them the registry
# lacks (her name as the payments wrote it stands in), one was written 王小芳 on the payments
# though the registry says 王芳 (the registry's name wins).
owner = county.person("赵一", born="1961-01-01", household="H-A")
seven = [owner,
         county.person("钱二", born="1962-02-02", household="H-A"),
         county.person("孙三", born="1963-03-03", household="H-B"),
         county.person("李四", born="1964-04-04", household="H-B"),
         county.person("周五", born="1965-05-05", household="H-C"),
         county.person("吴六", born="1966-06-06", registered=False)]
renamed = county.person("王芳", born="1967-07-07", household="H-D")
card = owner.account
for payee in seven:
    county.pay(payee, "低保", SPRING, 300, account=card)
county.pay(renamed, "低保", SPRING, 300, account=card, name="王小芳")

# A card of three persons of two households, one unregistered: every name is shown.
small_owner = county.person("郑甲", born="1971-01-01", household="H-E")
small = [small_owner, county.person("冯乙", born="1972-02-02", household="H-F"),
         county.person("陈丙", born="1973-03-03", registered=False)]
for payee in small:
    county.pay(payee, "低保", SPRING, 200, account=small_owner.account)

# The 村委会主任's mother draws 低保: the cadre is named beside her.
cadre = county.person("杜长青", born="1972-12-02", household="H-DU")
county.official(cadre, "村干部", "2021-01-01", post="村委会主任", village="东风村")
mother = county.person("杜王氏", born="1946-05-05", household="H-DU")
county.pay(mother, "低保", SPRING, 500)

# A 低保 payee whose son owns a car, another whose husband runs a company.
son = county.person("褚建军", born="1980-08-08", household="H-CHU")
county.vehicle(son, "小型轿车")
car_mother = county.person("褚老太", born="1950-08-08", household="H-CHU")
county.pay(car_mother, "低保", SPRING, 500)
boss = county.person("卫老板", born="1979-09-09", household="H-WEI")
county.business(boss, "存续")
boss_wife = county.person("卫蒋氏", born="1981-09-09", household="H-WEI")
county.pay(boss_wife, "低保", SPRING, 500)

# 城关镇 was allocated far more 低保 money for 2024 than it paid out.
county.allocate("低保", 2024, "城关镇", 100000)

run = county.fixture("SHARED_ACCOUNT", "RELATIVE_OF_CADRE", "ASSET_OWNER_ON_WELFARE",
                     "FUNDS_WITHHELD")


def test_an_account_is_named_by_five_of_its_payees_then_how_many_there_are(run: Run):
    found = run.one(card)
    names = sorted(["赵一", "钱二", "孙三", "李四", "周五", "吴六", "王芳"])
    assert (found.subject_kind, found.id_number) == ("account", "")
    assert found.name == found.subject_name == "、".join(names[:5]) + "等7人"
    payees = {p.name: p for p in found.people}
    assert set(payees) == set(names) and {p.role for p in found.people} == {"payee"}
    assert "王小芳" not in payees  # the registry's name, not the one the payments wrote
    assert (payees["吴六"].id_number, payees["吴六"].household) == (seven[5].id, "")
    assert payees["孙三"].household == "H-B"


def test_an_account_of_few_payees_names_them_all_the_unregistered_as_written(run: Run):
    found = run.one(small_owner.account)
    assert found.subject_name == "、".join(sorted(["郑甲", "冯乙", "陈丙"]))
    assert "等" not in found.name


def test_relative_of_cadre_names_the_payee_and_the_cadre(run: Run):
    found = run.one(mother)
    assert (found.subject_kind, found.subject_name) == ("person", "杜王氏")
    assert found.people == (Involved(mother.id, "杜王氏", "H-DU", "payee"),
                            Involved(cadre.id, "杜长青", "H-DU", "cadre"))


def test_asset_owner_names_the_member_who_owns_the_car_or_the_company(run: Run):
    assert run.one(car_mother).people[1:] == (Involved(son.id, "褚建军", "H-CHU", "owner"),)
    assert run.one(boss_wife).people[1:] == (Involved(boss.id, "卫老板", "H-WEI", "legal_rep"),)


def test_a_townships_program_year_is_named_in_chinese(run: Run):
    found = run.one("城关镇/DIBAO/2024")
    assert (found.subject_kind, found.subject_name, found.people) == (
        "township", "城关镇 农村最低生活保障 2024年", ())


def test_police_subjects_are_named_as_their_query_says_else_by_their_key():
    post = Detection(model="POST_UNCOVERED", subject="城关派出所/东关卡口", program="",
                     severity="medium", period_from="2024-02-10", period_to="2024-02-10",
                     amount=Decimal("0.00"), subject_kind="post", money=False)
    assert subject_name(post, {}, {}) == "城关派出所 东关卡口"
    slashed = replace(post, subject="交警大队／东/http:／／卡口")
    assert subject_name(slashed, {}, {}) == "交警大队/东 http://卡口"
    unit = replace(post, subject="城关派出所", subject_kind="unit")
    assert subject_name(unit, {}, {}) == "城关派出所"
    case = replace(post, subject="A1", subject_kind="case",
                   subject_name="案件A1（行政，城关派出所）")
    assert subject_name(case, {}, {}) == "案件A1（行政，城关派出所）"


def test_a_unit_warning_names_no_person_though_its_rows_did():
    leader = Involved("610327197702188805", "赵队长", "", "payee")
    unit = Detection(model="LEADER_ABSENT", subject="东风派出所", program="", severity="high",
                     period_from="2024-02-09", period_to="2024-02-09", amount=Decimal("0.00"),
                     id_number=leader.id_number, name=leader.name, subject_kind="unit",
                     people=(leader,), money=False)
    [named_unit] = named([unit], {}, {})
    assert (named_unit.id_number, named_unit.name, named_unit.subject_name) == (
        "", "", "东风派出所")
    assert [p.id_number for p in named_unit.people] == [leader.id_number]  # still concerned
