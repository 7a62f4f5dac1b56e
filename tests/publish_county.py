"""A tiny county to publish: four villages in two townships, a household with a member who
is paid nothing, a payee the registry does not know, a month paid twice, approval chains, a
program paid by area and the two Spring-Festival person programs; and companies paid 留工补贴
in those townships and in a third where no person was paid.

`ingested(home)` delivers it as CSV files and ingests it into the warehouse of SUNLIGHT_HOME
`home`; the people are module constants so that tests can name them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sunlight.ingest.pipeline import ingest, plan_delivery
from sunlight.settings import Settings
from sunlight.warehouse.store import Warehouse
from tests.models.county import County, Person, months

county = County()

# 东风村, 城关镇: a couple (she is paid 低保, he nothing, the 户主) whose 户号 embeds an ID number.
wang = county.person("王芳", born="1950-03-05", household="H610327194801019999", relation="配偶")
li = county.person("李强", born="1948-01-01", household=wang.household, relation="户主")
county.pay(wang, "低保", months("2024-01", "2024-03"), 500)
for step, day in (("申请", "2023-11-02"), ("村级评议", "2023-11-10"), ("村级公示", "2023-11-15"),
                  ("乡镇审核", "2023-11-25"), ("县级审批", "2023-12-05")):
    county.add("approvals", program="低保", id_number=wang.id, step=step, date=day,
               handler="刘经办", opinion="同意，内部意见不公开")

# 东风村: an old man paid 高龄补贴, February twice.
zhang = county.person("张伟", born="1930-06-01", household="H002")
county.pay(zhang, "高龄补贴", months("2024-01", "2024-02"), 200)
county.pay(zhang, "高龄补贴", "2024-02", 200, file="payments_extra.csv")

# 东风村: a payee the registry does not know.
zhao = county.person("赵六", born="1966-06-06", registered=False)
county.pay(zhao, "低保", "2024-01", 700)

# 西山村, 城关镇.
chen = county.person("陈静", born="1945-02-02", household="H003", village="西山村")
county.pay(chen, "特困供养", months("2024-01", "2024-02"), 1000)

# 马家村, 马家镇.
liu = county.person("刘洋", born="1960-09-09", household="H004", township="马家镇",
                    village="马家村")
county.pay(liu, "低保", "2024-03", 600)

# 马家村: the Spring-Festival person programs, a migrant worker who stayed for 2024 and a
# community worker paid for three days on duty in February.
sun = county.person("孙务工", born="1990-12-12", household="H006", township="马家镇",
                    village="马家村")
county.pay(sun, "农民工临时生活补助", "2024", 1000)
zhou = county.person("周值守", born="1985-05-15", household="H007", township="马家镇",
                     village="马家村")
county.pay(zhou, "社区值班补助", "2024-02", 300)

# 草滩村, 马家镇: a herder paid 禁牧 for 120 亩 declared, with 80 亩 of grassland registered.
ma = county.person("马牧", born="1970-07-07", household="H005", township="马家镇",
                   village="草滩村", relation="户主")
county.enroll(ma, "禁牧补助", "2020-01", declared_area="120")
county.land(ma, "草原", "80")
county.pay(ma, "禁牧补助", "2024", 900)


@dataclass(frozen=True)
class Company:
    name: str
    """As the business registry names it (the payment may name it otherwise)."""
    credit_code: str
    account: str
    """Its 对公账号: never public, not even its last digits."""
    township: str


# 城关镇: a company the registry knows, paid for two months under a shorter name.
HONGDA = Company("陇县宏达建材有限责任公司", "9161032700CY9RKELX", "2703019876547381952",
                 "城关镇")
# 马家镇: a cooperative the registry does not know, its claimed workers not given.
NONGJI = Company("陇县马家镇农机专业合作社", "916103273CMUYJKAWD", "6105016211000473958",
                 "马家镇")
# 温水镇: a township where only a company was paid.
WENSHUI = Company("陇县温水食品有限公司", "91610327AY4CL12THP", "1025020934005871264",
                  "温水镇")
county.business(liu, "存续", company=HONGDA.name, credit_code=HONGDA.credit_code)
county.business(ma, "存续", company=WENSHUI.name, credit_code=WENSHUI.credit_code)
COMPANY_PAYMENTS = (  # company, name paid under, month, claimed workers, amount
    (HONGDA, "宏达建材", "2024-01", "12", "6000"),
    (HONGDA, "宏达建材", "2024-02", "10", "5000"),
    (NONGJI, NONGJI.name, "2024-01", "", "4000"),
    (WENSHUI, WENSHUI.name, "2024-02", "20", "9500"),
)
for firm, paid_as, month, claimed, amount in COMPANY_PAYMENTS:
    county.add("enterprise_payments", program="留工补贴", credit_code=firm.credit_code,
               company=paid_as, period=month, amount=amount, account=firm.account,
               claimed_headcount=claimed, paid_on=f"{month}-25", township=firm.township)
COMPANIES: tuple[Company, ...] = (HONGDA, NONGJI, WENSHUI)

PEOPLE: tuple[Person, ...] = (wang, li, zhang, zhao, chen, liu, ma, sun, zhou)
PAID: tuple[Person, ...] = (wang, zhang, zhao, chen, liu, ma, sun, zhou)


def ingested(home: Path) -> Warehouse:
    """The county delivered and ingested into SUNLIGHT_HOME `home`."""
    warehouse = Warehouse(Settings(home=home).warehouse_dir)
    ingest(warehouse, plan_delivery(county.deliver(home.parent / "delivery")), workers=1)
    return warehouse


def secrets_of_county() -> list[str]:
    """What must never appear on a public page: full IDs, accounts and 户号 that embed an ID."""
    found = [p.id for p in PEOPLE] + [p.account for p in PEOPLE]
    return [*found, wang.household, *(c.account for c in COMPANIES)]


def company_account_tails() -> list[str]:
    """The last 6 digits of each company's account: not public either."""
    return [c.account[-6:] for c in COMPANIES]
