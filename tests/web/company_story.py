"""A company paid 留工补贴 (contract §5) whose legal representative shares a 户号 with a civil
servant in office, and which claimed more workers in January than it insured; its registry
restated by a later delivery; and a company paid though the registry does not know it."""

from __future__ import annotations

from pathlib import Path

import pytest

from sunlight.detect import run_detection
from sunlight.settings import Settings
from tests.models.county import TOWNSHIP, County

MODELS = ["HEADCOUNT_OVERCLAIMED", "REP_IS_OFFICIAL", "COMPANY_UNREGISTERED"]

county = County()
rep = county.person("钱多", born="1990-04-04", household="H-QIAN", relation="子")
official = county.person("钱进", born="1962-02-02", household="H-QIAN", relation="户主")
county.official(official, "公务员", "2010-07-01", post="副镇长", township=TOWNSHIP,
                employer="乡政府")
firm = county.company("陇县钱氏建材有限公司", rep, registered_capital="50",
                      founded_on="2015-03-01")
county.add("businesses", "变更登记.csv", credit_code=firm.code, company=firm.name,
           status="存续", rep_id_number=rep.id, rep_name=rep.name, registered_capital="80",
           founded_on="2015-03-01")
county.insured(firm, "2024-01", 20)
county.insured(firm, "2024-02", 20)
county.pay_company(firm, "留工补贴", "2024-01", 9000, claimed=30)
county.pay_company(firm, "留工补贴", "2024-02", 6000, claimed=20)
unknown = county.company("陇县查无商贸有限公司", registered=False)
county.pay_company(unknown, "留工补贴", "2024-01", 1500, claimed=3)


@pytest.fixture(scope="module")
def company_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """SUNLIGHT_HOME with the story ingested (not yet detected)."""
    return county.ingested(tmp_path_factory.mktemp("companies"))


def detect(home: Path, database_url: str) -> None:
    """The company models run over the story into this database, the index built."""
    run_detection(Settings(home=home, database_url=database_url), MODELS)
