"""RELATIVE_OF_CADRE: a 低保/特困 payee who is, or shares a 户号 with, a village cadre of the same
village in office during the payments."""

from __future__ import annotations

from tests.models.county import County, Run, assert_explains, basis, evidence, figures, months, paid

county = County()

# The 村委会主任 and his mother share a household in 东风村; she draws 低保.
cadre = county.person("杜长青", born="1972-02-02", household="H-DU", relation="户主")
office = county.official(cadre, "村干部", "2021-01-01", post="村委会主任", village="东风村")
mother = county.person("杜王氏", born="1946-05-05", household="H-DU", relation="母亲")
mother_paid = county.pay(mother, "低保", months("2024-01", "2024-03"), 500)

# A cadre drawing 特困 himself.
cadre_self = county.person("庞立新", born="1968-06-16")
county.official(cadre_self, "村干部", "2018-03-01", post="村会计", village="东风村")
self_paid = county.pay(cadre_self, "特困供养", months("2024-02", "2024-03"), 800)

# A cadre the registry does not know, drawing 低保 himself: being the cadre needs no 户号.
unregistered_cadre = county.person("关外来", born="1976-06-06", registered=False)
county.official(unregistered_cadre, "村干部", "2022-01-01", post="村委委员", village="东风村")
county.pay(unregistered_cadre, "低保", months("2024-01", "2024-02"), 500)

# The cadre left office at the end of 2023: his wife's 2024 低保 does not overlap.
former = county.person("田有福", born="1965-09-09", household="H-TIAN")
county.official(former, "村干部", "2015-01-01", "2023-12-31", post="村党支部书记",
                village="东风村")
former_wife = county.person("田秀芬", born="1967-03-03", household="H-TIAN", relation="配偶")
county.pay(former_wife, "低保", months("2024-01", "2024-03"), 500)

# The cadre takes office in 2025, after the payments.
future = county.person("石建新", born="1985-01-10", household="H-SHI")
county.official(future, "村干部", "2025-01-01", post="村委委员", village="东风村")
future_father = county.person("石老汉", born="1950-01-10", household="H-SHI", relation="父亲")
county.pay(future_father, "低保", months("2024-01", "2024-03"), 500)

# Left office on 15 February: January and February overlap the tenure, March does not.
left = county.person("洪德胜", born="1960-12-12", household="H-HONG")
county.official(left, "村干部", "2012-01-01", "2024-02-15", post="村委会主任", village="东风村")
left_son = county.person("洪小平", born="1988-08-08", household="H-HONG", relation="子")
county.pay(left_son, "低保", months("2024-01", "2024-03"), 500)

# A cadre of another village, registered in the payee's household.
elsewhere = county.person("白文华", born="1975-07-07", household="H-BAI")
county.official(elsewhere, "村干部", "2020-01-01", post="村委会主任", village="西山村")
elsewhere_sister = county.person("白文英", born="1978-07-07", household="H-BAI")
county.pay(elsewhere_sister, "低保", months("2024-01", "2024-03"), 500)

# A neighbour of the cadre in the same village, in another household.
neighbour = county.person("孔繁荣", born="1958-04-04")
county.pay(neighbour, "低保", months("2024-01", "2024-03"), 500)

# A civil servant in the household is OFFICIAL_ON_WELFARE's concern, not this model's.
servant = county.person("任志刚", born="1982-02-28", household="H-REN")
county.official(servant, "公务员", "2010-01-01", employer="县民政局")
servant_father = county.person("任老根", born="1952-02-28", household="H-REN", relation="父亲")
county.pay(servant_father, "低保", months("2024-01", "2024-03"), 500)

# The cadre's mother on 高龄补贴, a program without a means test.
county.pay(mother, "高龄补贴", months("2024-01", "2024-03"), 100)


run = county.fixture("RELATIVE_OF_CADRE")


def test_a_cadres_household_member_on_dibao_fires(run: Run):
    found = run.one(mother)
    assert figures(found) == ("DIBAO", "2024-01", "2024-03", "1500.00")
    # The cadre's row, and both registry rows: the shared 户号 is the link.
    assert cadre.row and mother.row
    assert evidence(found) == paid(mother_paid) | basis(office, cadre.row, mother.row)
    assert_explains(found, "杜王氏的同户成员杜长青", "东风村", "村委会主任", "1,500.00")


def test_a_cadre_paid_himself_fires(run: Run):
    found = run.one(cadre_self)
    assert figures(found) == ("TEKUN", "2024-02", "2024-03", "1600.00")
    assert paid(self_paid) <= evidence(found)
    assert_explains(found, "本人", "村会计")


def test_a_cadre_missing_from_the_registry_paid_himself_fires(run: Run):
    found = run.one(unregistered_cadre)
    assert figures(found) == ("DIBAO", "2024-01", "2024-02", "1000.00")
    assert_explains(found, "本人", "村委委员")


def test_a_tenure_that_does_not_overlap_the_payments_does_not_fire(run: Run):
    assert not run.fired(former_wife)
    assert not run.fired(future_father)


def test_only_the_payments_during_the_tenure_fire(run: Run):
    found = run.one(left_son)
    assert figures(found) == ("DIBAO", "2024-01", "2024-02", "1000.00")


def test_a_cadre_of_another_village_does_not_fire(run: Run):
    assert not run.fired(elsewhere_sister)


def test_another_household_of_the_village_does_not_fire(run: Run):
    assert not run.fired(neighbour)


def test_a_civil_servants_household_does_not_fire(run: Run):
    assert not run.fired(servant_father)
