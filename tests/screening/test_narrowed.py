"""Screening reads the datasets about people only for the batch's people and their households
(contract/screening.yaml `narrowed`), and its verdicts are those of the whole warehouse: a
cadre who left the payee's household, one who joined it, an account's other payees; and for a
company batch, the companies' registry rows (one restated with another representative), their
insured headcount, their representatives' households (an official who joined one)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sunlight.ingest.pipeline import ingest, plan_delivery
from sunlight.screening.core import screen_file
from sunlight.screening.verdicts import ScreeningResult
from sunlight.settings import Settings
from sunlight.warehouse.store import Warehouse
from tests.models.county import County
from tests.screening.companies import CompanyCounty
from tests.screening.conftest import BATCH
from tests.screening.next_month import NextMonth

county = County()
# 甲 was a cadre in 乙's household; the later registry puts him in a household of his own.
left = county.person("郑国栋", born="1970-01-01", household="H-ZHENG", relation="户主")
county.official(left, "村干部", "2020-01-01", post="村委会主任", village="东风村")
stayed = county.person("郑王氏", born="1945-05-05", household="H-ZHENG", relation="母亲")
# 丙, a cadre, moved into 丁's household in the later registry.
joined = county.person("冯建军", born="1975-03-03", household="H-FENG-OLD")
county.official(joined, "村干部", "2019-01-01", post="村会计", village="东风村")
host = county.person("冯老汉", born="1948-08-08", household="H-FENG")
# Three payees of two households on one card; the batch pays one of them, the other two
# (brothers of another household) are paid on it in the warehouse alone.
payer = county.person("褚大山", born="1950-02-02", household="H-CHU")
for name, born in (("褚二山", "1952-02-02"), ("褚三山", "1954-02-02")):
    county.pay(county.person(name, born=born, household="H-CHU-2"), "低保", "2024-12", 500,
               account=payer.account)

LATER_REGISTRY = [(left, "H-ZHENG-NEW"), (joined, "H-FENG")]
BATCH_PAYEES = [stayed, host, payer]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Path]:
    """The county ingested, then a later registry; and a batch paying its three payees."""
    root = tmp_path_factory.mktemp("narrowed")
    county.run(root / "home")
    later = County()
    for who, household in LATER_REGISTRY:
        later.add("residents", "户籍_2025年1月.csv", id_number=who.id, name=who.name,
                  household_id=household, township=who.township, village=who.village)
    settings = Settings(home=root / "home", database_url=None)
    ingest(Warehouse(settings.warehouse_dir), plan_delivery(later.deliver(root / "later")))
    batch = County()
    for who in BATCH_PAYEES:
        batch.pay(who, "低保", "2025-01", 500, file="待发放清单.csv")
    return settings, batch.deliver(root / "batch") / "payments" / "待发放清单.csv"


def _said(result: ScreeningResult) -> list[tuple[int, str, tuple[str, ...], str]]:
    return [(v.row, v.verdict, v.models, v.explanation) for v in result.verdicts]


def test_the_latest_registry_row_and_an_accounts_other_payees_count(
        tiny: tuple[Settings, Path]) -> None:
    settings, batch = tiny
    narrowed = screen_file(settings, batch)
    held = {v.row: v for v in narrowed.verdicts if v.verdict == "hold"}
    # 冯老汉 (row 3), not 郑王氏 (row 2); 褚大山 (row 4) for a card of three in two households
    assert {row: v.models for row, v in held.items()} == {3: ("RELATIVE_OF_CADRE",),
                                                          4: ("SHARED_ACCOUNT",)}
    assert "3人（分属2户）" in held[4].explanation
    assert _said(narrowed) == _said(screen_file(settings, batch, narrowed=()))


def test_the_next_month_is_judged_as_over_the_whole_warehouse(next_month: NextMonth) -> None:
    narrowed = screen_file(next_month.settings, next_month.batch)
    assert narrowed.held > 10
    assert _said(narrowed) == _said(screen_file(next_month.settings, next_month.batch,
                                                narrowed=()))


def test_the_sample_batch_is_judged_as_over_the_whole_warehouse(county: Settings) -> None:
    narrowed = screen_file(county, BATCH)
    assert narrowed.held > 10
    assert _said(narrowed) == _said(screen_file(county, BATCH, narrowed=()))


@pytest.mark.parametrize("kind", ["enterprise_payments", "payments"])
def test_narrowed_to_the_batch_the_verdicts_are_the_whole_warehouses(
        companies: CompanyCounty, kind: str) -> None:
    batch = companies.company_batch if kind == "enterprise_payments" else companies.person_batch
    narrowed = screen_file(companies.settings, batch, kind)
    assert narrowed.held > 4
    assert _said(narrowed) == _said(screen_file(companies.settings, batch, kind, narrowed=()))
