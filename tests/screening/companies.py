"""A tiny county of companies and Spring-Festival payees, and two batches about to be paid.

`company_county(root)` ingests the county (a later business registry and resident registry
second, as a later delivery), and writes a company batch (`enterprise_payments`, one company
per situation of contract §5) and a payments batch of the person programs LINSHI_NONGMINGONG
and ZHIBAN. `COMPANY_ROWS` and `PERSON_ROWS` say, per batch row, the verdict and the models
the contract expects. Used by the core, CLI, page and API tests of company screening.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sunlight.ingest.pipeline import ingest, plan_delivery
from sunlight.settings import Settings
from sunlight.warehouse.store import Warehouse
from tests.models.county import County, months

county = County()
LIUGONG, ZHIBAN, LINSHI = "留工补贴", "社区值班补助", "农民工临时生活补助"

clean_rep = county.person("赵清和", born="1975-01-01")
clean = county.company("陇县清和商贸有限公司", clean_rep)
county.insured(clean, "2025-01", 20)
county.pay_company(clean, LIUGONG, "2024-12", 5000, claimed=10, file="留工补贴_2024年12月.csv")

closed = county.company("陇县关门建材有限公司", county.person("钱关山", born="1970-02-02"),
                        status="注销", status_date="2024-10-08")
county.insured(closed, "2025-01", 8)
unregistered = county.company("陇县无名商贸有限公司", registered=False)

overclaimed = county.company("陇县多报农机服务有限公司", county.person("孙多福", born="1968-03-03"))
county.insured(overclaimed, "2025-01", 10)

official = county.person("李公明", born="1972-04-04")
county.official(official, "公务员", "2015-01-01", post="科员", employer="县财政局")
officials_firm = county.company("陇县公明苗木专业合作社", official)
county.insured(officials_firm, "2025-01", 5)

# 周家旺 represents a company; a 事业单位 employee moves into his household in the later
# registry (the narrowed registry must still find her there).
kin_rep = county.person("周家旺", born="1980-05-05", household="H-ZHOU")
kin = county.person("吴秀兰", born="1958-06-06", household="H-WU")
county.official(kin, "事业单位", "2010-01-01", post="会计", employer="县医院")
kins_firm = county.company("陇县家旺种养殖专业合作社", kin_rep)
county.insured(kins_firm, "2025-01", 6)

# The official once represented this company; the later registry names someone else.
restated = county.company("陇县换人建材有限公司", official)
new_rep = county.person("郑新民", born="1985-07-07")
county.insured(restated, "2025-01", 12)

twice = county.company("陇县两回商贸有限公司", county.person("冯二回", born="1966-08-08"))
county.insured(twice, "2025-01", 9)
paid_before = county.company("陇县已发农机服务有限公司", county.person("陈已发", born="1977-09-09"))
county.insured(paid_before, "2025-01", 7)
county.pay_company(paid_before, LIUGONG, "2025-01", 3500, claimed=7, file="留工补贴_2025年1月.csv")
over_standard = county.company("陇县超标苗木专业合作社", county.person("褚超标", born="1979-10-10"))
county.insured(over_standard, "2025-01", 4)

# Person programs: community duty against the roster, migrant workers' aid.
duty_ok = county.person("蒋值守", born="1970-11-11")
duty_short = county.person("沈少值", born="1972-12-12")
duty_none = county.person("韩未值", born="1974-01-14")
for day in ("2025-01-28", "2025-01-29", "2025-01-30"):
    county.on_duty(duty_ok, day)
county.on_duty(duty_short, "2025-01-28")
county.on_duty(duty_short, "2025-01-29", shift="夜班")
county.pay(duty_ok, ZHIBAN, "2024-12", 100, file="值班补助_2024年12月.csv")
county.on_duty(duty_ok, "2024-12-31")
worker = county.person("杨务工", born="1980-02-15")
teen = county.person("朱小军", born="2010-03-01")  # 15 throughout 2025
official_worker = county.person("秦在编", born="1982-04-16")
county.official(official_worker, "财政供养", "2018-01-01", employer="县水利站")

COMPANY_BATCH = "企业待发放清单.csv"
PERSON_BATCH = "值班及临时生活补助待发放清单.csv"


def _company_batch() -> County:
    batch = County()
    batch.pay_company(clean, LIUGONG, "2025-01", 5000, claimed=10, file=COMPANY_BATCH,
                      credit_code=f" {clean.code.lower()} ")  # as a clerk typed it
    batch.pay_company(closed, LIUGONG, "2025-01", 3000, claimed=6, file=COMPANY_BATCH)
    batch.pay_company(unregistered, LIUGONG, "2025-01", 2000, claimed=4, file=COMPANY_BATCH)
    batch.pay_company(overclaimed, LIUGONG, "2025-01", 10000, claimed=20, file=COMPANY_BATCH)
    batch.pay_company(officials_firm, LIUGONG, "2025-01", 2500, claimed=5, file=COMPANY_BATCH)
    batch.pay_company(kins_firm, LIUGONG, "2025-01", 3000, claimed=6, file=COMPANY_BATCH)
    batch.pay_company(restated, LIUGONG, "2025-01", 6000, claimed=12, file=COMPANY_BATCH)
    batch.pay_company(twice, LIUGONG, months("2025-01", "2025-01") * 2, 4500, claimed=9,
                      file=COMPANY_BATCH)
    batch.pay_company(paid_before, LIUGONG, "2025-01", 3500, claimed=7, file=COMPANY_BATCH)
    batch.pay_company(over_standard, LIUGONG, "2025-01", 2500, claimed=4, file=COMPANY_BATCH)
    batch.pay_company(clean, LIUGONG, "2025-01", 5000, claimed=10, file=COMPANY_BATCH,
                      credit_code="91610327ABC")
    return batch


COMPANY_ROWS: dict[int, tuple[str, tuple[str, ...]]] = {
    2: ("pass", ()),
    3: ("hold", ("COMPANY_INACTIVE_PAID",)),
    4: ("hold", ("COMPANY_UNREGISTERED",)),
    5: ("hold", ("HEADCOUNT_OVERCLAIMED",)),
    6: ("hold", ("REP_IS_OFFICIAL",)),
    7: ("hold", ("REP_IS_OFFICIAL",)),
    8: ("pass", ()),
    9: ("hold", ("DUPLICATE_PAYMENT",)),  # the first of the pair: its basis
    10: ("hold", ("DUPLICATE_PAYMENT",)),
    11: ("hold", ("DUPLICATE_PAYMENT",)),  # the month was paid before
    12: ("hold", ("OVER_STANDARD",)),
    13: ("unreadable", ()),
}
"""Per row of the company batch: the verdict and the models that fire (contract §5, §7)."""


def _person_batch() -> County:
    batch = County()
    batch.pay(duty_ok, ZHIBAN, "2025-01", 300, file=PERSON_BATCH)
    batch.pay(duty_short, ZHIBAN, "2025-01", 500, file=PERSON_BATCH)
    batch.pay(duty_none, ZHIBAN, "2025-01", 200, file=PERSON_BATCH)
    batch.pay(worker, LINSHI, "2025", 1000, file=PERSON_BATCH)
    batch.pay(teen, LINSHI, "2025", 1000, file=PERSON_BATCH)
    batch.pay(official_worker, LINSHI, "2025", 1000, file=PERSON_BATCH)
    batch.pay(duty_ok, LINSHI, "2025", 1200, file=PERSON_BATCH)
    return batch


PERSON_ROWS: dict[int, tuple[str, tuple[str, ...]]] = {
    2: ("pass", ()),
    3: ("hold", ("DUTY_ALLOWANCE_UNEARNED",)),
    4: ("hold", ("DUTY_ALLOWANCE_UNEARNED",)),
    5: ("pass", ()),
    6: ("hold", ("INELIGIBLE_AGE",)),
    7: ("hold", ("OFFICIAL_ON_WELFARE",)),
    8: ("hold", ("OVER_STANDARD",)),
}
"""Per row of the person programs' batch: the verdict and the models that fire."""


@dataclass(frozen=True)
class CompanyCounty:
    home: Path
    company_batch: Path
    person_batch: Path

    @property
    def settings(self) -> Settings:
        return Settings(home=self.home, database_url=None)


def ingest_county(warehouse: Warehouse, root: Path) -> None:
    """The county, then its later registries (a later delivery) into `warehouse`."""
    ingest(warehouse, plan_delivery(county.deliver(root / "delivery")), workers=1)
    later = County()
    later.add("residents", "户籍_2025年1月.csv", id_number=kin.id, name=kin.name,
              household_id="H-ZHOU", township=kin.township, village=kin.village)
    later.add("businesses", "企业登记_2025年1月.csv", credit_code=restated.code,
              company=restated.name, status="存续", rep_id_number=new_rep.id,
              rep_name=new_rep.name)
    ingest(warehouse, plan_delivery(later.deliver(root / "later")), workers=1)


def company_county(root: Path) -> CompanyCounty:
    """The county ingested into `root/home`, and both batches written under `root/batch`."""
    settings = Settings(home=root / "home", database_url=None)
    ingest_county(Warehouse(settings.warehouse_dir), root)
    company_batch, person_batch = write_batches(root / "batch")
    return CompanyCounty(settings.home, company_batch, person_batch)


def write_batches(root: Path) -> tuple[Path, Path]:
    """The company batch and the person programs' batch, as files under `root`."""
    _company_batch().deliver(root)
    _person_batch().deliver(root)
    return root / "enterprise_payments" / COMPANY_BATCH, root / "payments" / PERSON_BATCH
