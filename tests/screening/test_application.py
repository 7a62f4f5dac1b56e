"""Screening one application before approval: each situation fires its model, its clean
look-alike fires nothing, and the warm screener says what the screening core says cold."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pydantic import ValidationError

from sunlight.clock import local_today
from sunlight.contract.applications import APPLICATIONS, ApplicationScreening
from sunlight.contract.catalog import load_catalog
from sunlight.models.registry import library as shipped_library
from sunlight.screening.application import (
    Application,
    ApplicationScreener,
    ApplicationVerdict,
    screen_application,
)
from sunlight.screening.warm_warehouse import WarmWarehouse
from sunlight.settings import Settings
from sunlight.warehouse.duckdb_engine import DuckDBEngine
from sunlight.warehouse.store import Warehouse
from tests.models.county import County, Person, make_id

MONTH = "2025-01"
county = County()

# Someone already paid, so that the warehouse holds payments, and a clean applicant.
clean = county.person("周文静", born="1960-04-04")
county.pay(county.person("许长林", born="1955-02-02"), "低保", "2024-12", 500)

dead = county.person("刘富贵", born="1941-12-11")
county.death(dead, "2024-10-20")

official = county.person("赵建国", born="1975-05-05")
county.official(official, "公务员", "2018-03-01", employer="县财政局")
retired_official = county.person("钱卫东", born="1962-06-06")
county.official(retired_official, "公务员", "2000-03-01", "2022-06-30", employer="县财政局")

cadre_relative = county.person("孙秀英", born="1968-08-08", household="H-SUN")
county.official(county.person("孙大山", born="1966-06-16", household="H-SUN"), "村干部",
                "2021-01-01", post="村委会主任", village="东风村")
cadre_neighbour = county.person("李春花", born="1969-09-09", household="H-LI")
county.official(county.person("李铁柱", born="1967-07-17", household="H-LI2"), "村干部",
                "2021-01-01", post="村委会主任", village="东风村")

car_household = county.person("吴海燕", born="1972-02-12", household="H-WU")
county.vehicle(county.person("吴强", born="1970-01-10", household="H-WU"), "小型轿车",
               plate="陕C12345")
motorbike = county.person("郑小红", born="1973-03-13")
county.vehicle(motorbike, "普通二轮摩托车", plate="陕C6789")

farmer = county.person("戴福海", born="1963-03-23")
county.land(farmer, "耕地", "10")

old = county.person("王秀兰", born="1940-05-15")
young = county.person("陈志刚", born="1950-05-15")
unborn = county.person("冯小宝", born="2025-03-01")

disabled = county.person("何国庆", born="1980-10-10")
county.certificate(disabled, "一级")
mildly_disabled = county.person("罗建平", born="1981-11-11")
county.certificate(mildly_disabled, "三级")

tekun = county.person("梁宝峰", born="1948-09-23")
county.pay(tekun, "特困供养", MONTH, 1100)
former_tekun = county.person("马桂芝", born="1949-09-24")
county.pay(former_tekun, "特困供养", "2024-06", 1100)

# Enrolled in 特困供养 with no payment yet for the month applied for; one whose enrollment
# ended; one enrolled in a program 低保 does not exclude.
enrolled_tekun = county.person("史志生", born="1947-07-07")
county.enroll(enrolled_tekun, "特困供养", "2024-01")
county.pay(enrolled_tekun, "特困供养", "2024-12", 1100)
left_tekun = county.person("董慧蓉", born="1946-06-06")
county.enroll(left_tekun, "特困供养", "2023-01", "2024-06")
enrolled_gaoling = county.person("王霞桂", born="1941-01-01")
county.enroll(enrolled_gaoling, "高龄补贴", "2021-01")

# On the roster of 社区值班补助, paid per roster day: no amount stands before its roster is known.
enrolled_zhiban = county.person("韩志强", born="1975-03-03")
county.enroll(enrolled_zhiban, "社区值班补助", "2024-12")
# 农民工临时生活补助 from the year one turns 16.
teenager = county.person("赵小军", born="2010-06-01")
adult_worker = county.person("钱永福", born="1985-08-08")

already_paid = county.person("黄东国", born="1959-11-19")
county.pay(already_paid, "低保", MONTH, 700)

stranger_id = make_id("1970-01-01", 990)  # a valid ID the registry does not hold


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return county.ingested(tmp_path_factory.mktemp("county"))


@pytest.fixture(scope="module")
def screener(home: Path) -> Iterator[ApplicationScreener]:
    screener = ApplicationScreener(Settings(home=home, database_url=None))
    yield screener
    screener.close()


def apply(who: Person, program: str = "低保", area: str | None = None,
          period: str | None = MONTH, name: str | None = None) -> Application:
    return Application(who.id, name or who.name, program, area, period)


CASES = [
    pytest.param(apply(dead), "DECEASED_PAID", ["刘富贵", "2024年10月"], id="dead"),
    pytest.param(apply(official), "OFFICIAL_ON_WELFARE", ["县财政局", "公务员"], id="official"),
    pytest.param(apply(cadre_relative), "RELATIVE_OF_CADRE", ["孙大山", "村委会主任"],
                 id="cadre-relative"),
    pytest.param(apply(car_household), "ASSET_OWNER_ON_WELFARE", ["吴强", "小型轿车"],
                 id="asset-owner"),
    pytest.param(apply(farmer, "耕地地力保护补贴", "15", "2025"), "AREA_OVER_DECLARED",
                 ["15", "10", "耕地"], id="area-over-declared"),
    pytest.param(apply(young, "高龄补贴"), "INELIGIBLE_AGE", ["80"], id="too-young"),
    pytest.param(apply(teenager, "临时生活补助", period="2025"), "INELIGIBLE_AGE", ["16"],
                 id="too-young-for-migrant-workers-aid"),
    pytest.param(apply(unborn, "DIBAO"), "PAID_BEFORE_BIRTH", ["2025年1月"], id="before-birth"),
    pytest.param(apply(mildly_disabled, "重度残疾人护理补贴"), "INELIGIBLE_DISABILITY",
                 ["3级"], id="disability-level"),
    pytest.param(apply(tekun), "EXCLUSIVE_PROGRAMS", ["特困人员救助供养"],
                 id="exclusive-program"),
    pytest.param(apply(enrolled_tekun), "EXCLUSIVE_PROGRAMS", ["特困人员救助供养", "2025年1月"],
                 id="enrolled-in-exclusive-program"),
    pytest.param(apply(already_paid), "DUPLICATE_PAYMENT", ["2025年1月"], id="already-paid"),
    pytest.param(Application(stranger_id, "张无名", "低保", None, MONTH),
                 "UNREGISTERED_PAYEE", ["查无此人"], id="unregistered"),
    pytest.param(apply(clean, name="周文英"), "NAME_MISMATCH", ["周文英", "周文静"],
                 id="name-mismatch"),
]

LOOK_ALIKES = [
    pytest.param(apply(clean), id="alive-unofficial-no-assets"),
    pytest.param(apply(retired_official), id="official-who-left-office"),
    pytest.param(apply(cadre_neighbour), id="cadre-of-another-household"),
    pytest.param(apply(motorbike), id="motorbike-only"),
    pytest.param(apply(farmer, "地力补贴", "10.4", "2025"), id="area-within-holding"),
    pytest.param(apply(old, "高龄补贴"), id="old-enough"),
    pytest.param(apply(disabled, "重度残疾人护理补贴"), id="disability-level-qualifies"),
    pytest.param(apply(former_tekun), id="exclusive-program-ended"),
    pytest.param(apply(left_tekun), id="exclusive-enrollment-ended"),
    pytest.param(apply(enrolled_gaoling), id="enrolled-in-a-program-not-excluded"),
    pytest.param(apply(enrolled_zhiban), id="enrolled-in-a-program-paid-per-roster-day"),
    pytest.param(apply(adult_worker, "农民工临时生活补助", period="2025"),
                 id="migrant-worker-of-age"),
    pytest.param(apply(teenager, "临时生活补助", period="2026"), id="sixteen-in-the-year"),
    pytest.param(apply(clean, name="周 文静"), id="name-as-written-with-a-space"),
    pytest.param(apply(already_paid, period="2025-02"), id="next-month-not-yet-paid"),
]


@pytest.mark.parametrize(("application", "model", "said"), CASES)
def test_each_situation_holds_for_its_model(screener: ApplicationScreener,
                                            application: Application, model: str,
                                            said: list[str]) -> None:
    verdict = screener.screen(application)
    assert verdict.verdict == "hold"
    assert model in verdict.models
    finding = next(f for f in verdict.findings if f.model == model)
    assert finding.name_zh and finding.name_zh in verdict.explanation
    for fact in said:
        assert fact in finding.explanation, finding.explanation


@pytest.mark.parametrize(("application", "model", "said"), CASES)
def test_reduced_each_model_says_only_its_fixed_note(screener: ApplicationScreener,
                                                     application: Application, model: str,
                                                     said: list[str]) -> None:
    """For anyone but an analyst: what to check, the same words whoever is screened."""
    verdict = screener.screen(application, "reduced")
    assert model in verdict.models
    notes = {code: m.spec.screening_note for code, m in shipped_library().items()}
    assert [f.explanation for f in verdict.findings] == [notes[f.model]
                                                         for f in verdict.findings]
    assert len(set(verdict.models)) == len(verdict.models)
    cold = screen_application(screener.settings, application, "reduced")
    assert (cold.models, cold.explanation) == (verdict.models, verdict.explanation)


@pytest.mark.parametrize("application", LOOK_ALIKES)
def test_clean_look_alikes_pass(screener: ApplicationScreener,
                                application: Application) -> None:
    verdict = screener.screen(application)
    assert (verdict.verdict, verdict.models, verdict.explanation) == ("pass", (), "")


def test_verdict_names_the_application_as_normalised(screener: ApplicationScreener) -> None:
    verdict = screener.screen(Application(
        farmer.id.lower() if farmer.id.endswith("X") else f" {farmer.id} ", "戴福海",
        "地力补贴", "１２.5亩", "2025年"))
    assert (verdict.id_number, verdict.program, verdict.program_name, verdict.period,
            verdict.amount, verdict.declared_area) == (
        farmer.id, "DILI", "耕地地力保护补贴", "2025", "1312.50", "12.5")
    assert verdict.as_dict()["verdict_zh"] == verdict.verdict_zh


def test_the_month_applied_for_defaults_to_this_month(screener: ApplicationScreener) -> None:
    today = local_today()
    verdict = screener.screen(apply(clean, period=None))
    assert verdict.period == f"{today.year:04d}-{today.month:02d}"


@pytest.mark.parametrize("application", [p.values[0] for p in CASES + LOOK_ALIKES])
def test_warm_screener_says_what_the_core_says_cold(
        home: Path, screener: ApplicationScreener, application: Application) -> None:
    warm: ApplicationVerdict = screener.screen(application)
    cold = screen_application(Settings(home=home, database_url=None), application)
    assert (warm.verdict, warm.models, warm.explanation) == (
        cold.verdict, cold.models, cold.explanation)


def test_threads_sharing_one_screener_each_get_their_own_verdict(
        screener: ApplicationScreener) -> None:
    applications = [p.values[0] for p in CASES + LOOK_ALIKES]
    alone = [screener.screen(a).models for a in applications]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda a: screener.screen(a).models, applications * 2))
    assert together == alone * 2


def test_household_rows_are_counted_for_the_models_that_need_them(home: Path) -> None:
    settings = Settings(home=home, database_url=None)
    catalog = load_catalog(settings.catalog)
    engine = DuckDBEngine()
    try:
        warm = WarmWarehouse(engine, Warehouse(settings.warehouse_dir), catalog,
                             [model for code, model in shipped_library().items()
                              if code not in APPLICATIONS.not_screened])
        seen = {}
        for who in (official, dead, car_household, cadre_neighbour, clean):
            warm.lay_over({}, who.id)
            seen[who.name] = warm.counts(["officials", "death", "vehicles"])
        with pytest.raises(ValueError, match="not narrowed"):
            warm.counts(["name_keys"])
    finally:
        engine.close()
    assert seen == {
        official.name: {"officials": 1, "death": 0, "vehicles": 0},
        dead.name: {"officials": 0, "death": 1, "vehicles": 0},
        car_household.name: {"officials": 0, "death": 0, "vehicles": 1},  # the husband's car
        cadre_neighbour.name: {"officials": 0, "death": 0, "vehicles": 0},  # another household
        clean.name: {"officials": 0, "death": 0, "vehicles": 0},
    }


def test_a_model_cannot_be_both_unscreened_and_conditional() -> None:
    shipped = APPLICATIONS.model_dump()
    with pytest.raises(ValidationError, match="not screened"):
        ApplicationScreening.model_validate(
            {**shipped, "needs_household_rows": {"SHARED_ACCOUNT": ["payments"]}})


def test_no_model_that_concerns_no_money_screens_an_application(home: Path) -> None:
    # An application is a payment about to be approved: a police model judges none, and
    # running it per application would only cost the warm screener its relations.
    screener = ApplicationScreener(Settings(home=home, database_url=None))
    assert [model.code for model in screener.models if not model.spec.money] == []
