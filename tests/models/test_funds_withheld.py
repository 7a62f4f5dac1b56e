"""FUNDS_WITHHELD: a township paid out less than allocated for a program-year, by more than 5 %."""

from __future__ import annotations

from tests.models.county import County, Run, assert_explains, basis, evidence, figures, months

county = County()
YEAR = months("2024-01", "2024-12")

# 城关镇 got 10000 for 低保 in two transfers and paid out 9000: 1000 (10 %) short.
transfers = [county.allocate("低保", 2024, "城关镇", 6000),
             county.allocate("低保", 2024, "城关镇", 4000)]
county.pay(county.person("甲一", born="1950-01-01", township="城关镇"), "低保", YEAR, 500)
county.pay(county.person("甲二", born="1950-01-02", township="城关镇"), "低保", YEAR, 250)

# 河北镇 got 5000 for 特困 and paid nothing.
county.allocate("特困供养", 2024, "河北镇", 5000)

# 温水镇: 2000 for 高龄补贴, 1900 paid: exactly 5 % short.
county.allocate("高龄补贴", 2024, "温水镇", 2000)
county.pay(county.person("乙一", born="1935-02-01", township="温水镇"), "高龄补贴", YEAR, 100)
county.pay(county.person("乙二", born="1935-02-02", township="温水镇"), "高龄补贴",
           months("2024-06", "2024-12"), 100)

# 曹家湾镇: 2000 for 高龄补贴, 1899.99 paid: one fen beyond 5 %.
county.allocate("高龄补贴", 2024, "曹家湾镇", 2000)
county.pay(county.person("丙一", born="1936-03-01", township="曹家湾镇"), "高龄补贴", YEAR, 100)
county.pay(county.person("丙二", born="1936-03-02", township="曹家湾镇"), "高龄补贴",
           months("2024-01", "2024-06"), 100)
county.pay(county.person("丙三", born="1936-03-03", township="曹家湾镇"), "高龄补贴",
           "2024-01", "99.99")

# 八渡镇: the payment rows name no township; the payee is registered in 八渡镇.
county.allocate("低保", 2024, "八渡镇", 6000)
county.pay(county.person("丁一", born="1952-04-01", township="八渡镇"), "低保", YEAR, 500,
           township="")

# 固关镇: December's 特困 was paid in January 2025; it is still 2024's money.
county.allocate("特困供养", 2024, "固关镇", 12000)
gu = county.person("戊一", born="1941-05-01", township="固关镇")
county.pay(gu, "特困供养", months("2024-01", "2024-11"), 1000)
county.pay(gu, "特困供养", "2024-12", 1000, paid_on="2025-01-10")

# 东风镇 paid more than it got.
county.allocate("地力补贴", 2024, "东风镇", 1000)
county.pay(county.person("己一", born="1960-06-01", township="东风镇"), "地力补贴", "2024",
           "1100.00")

# 马鹿镇 got 9000 of 留工补贴 (a company program, contract §5) and paid it all out through
# enterprise_payments; 河北镇 got 3000 and paid 1000 of it.
county.allocate("留工补贴", 2024, "马鹿镇", 9000)
firm = county.company("陇县马鹿商贸有限公司", registered=False)
county.pay_company(firm, "留工补贴", months("2024-01", "2024-03"), 3000, claimed=10,
                   township="马鹿镇")
county.allocate("留工补贴", 2024, "河北镇", 3000)
hebei_firm = county.company("陇县河北商贸有限公司", registered=False)
county.pay_company(hebei_firm, "留工补贴", "2024-05", 1000, claimed=4, township="河北镇")


run = county.fixture("FUNDS_WITHHELD")


def test_a_shortfall_over_5_percent_fires(run: Run):
    found = run.one("城关镇/DIBAO/2024")
    assert (found.program, found.township, found.id_number) == ("DIBAO", "城关镇", "")
    assert figures(found) == ("DIBAO", "2024", "2024", "1000.00")
    assert evidence(found) == basis(transfers)
    assert_explains(found, "城关镇", "2024年", "10,000.00", "9,000.00", "1,000.00", "10.0%", "5%")


def test_nothing_paid_is_the_whole_allocation_short(run: Run):
    found = run.one("河北镇/TEKUN/2024")
    assert figures(found) == ("TEKUN", "2024", "2024", "5000.00")


def test_exactly_5_percent_short_does_not_fire(run: Run):
    assert not run.fired("温水镇/GAOLING/2024")


def test_one_fen_beyond_5_percent_fires(run: Run):
    assert figures(run.one("曹家湾镇/GAOLING/2024")) == ("GAOLING", "2024", "2024", "100.01")


def test_a_payment_without_township_counts_for_the_payees_registered_township(run: Run):
    assert not run.fired("八渡镇/DIBAO/2024")


def test_the_program_year_is_the_period_not_the_bank_date(run: Run):
    assert not run.fired("固关镇/TEKUN/2024")


def test_paying_more_than_allocated_does_not_fire(run: Run):
    assert not run.fired("东风镇/DILI/2024")
    assert len(run.detections) == 4  # 城关镇, 河北镇 twice and 曹家湾镇: no other


def test_a_company_program_paid_out_through_enterprise_payments_is_not_withheld(run: Run):
    assert not run.fired("马鹿镇/LIUGONG/2024")


def test_a_company_program_short_of_its_allocation_fires(run: Run):
    assert figures(run.one("河北镇/LIUGONG/2024")) == ("LIUGONG", "2024", "2024", "2000.00")
