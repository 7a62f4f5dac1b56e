"""An application that cannot be read is refused with its reason; screening writes nothing
to the warehouse; the warm screener follows the warehouse when something is ingested."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sunlight.cli.app import app
from sunlight.cli.exit_codes import BAD_INPUT, OK, WARNINGS
from sunlight.contract.applications import APPLICATIONS
from sunlight.ingest.pipeline import ingest, plan_delivery
from sunlight.screening.application import (
    Application,
    ApplicationRefused,
    ApplicationScreener,
    screen_application,
)
from sunlight.settings import Settings
from sunlight.warehouse.store import Warehouse
from tests.models.county import County, make_id

county = County()
alive = county.person("周文静", born="1960-04-04")
county.pay(county.person("许长林", born="1955-02-02"), "低保", "2024-12", 500)
farmer = county.person("戴福海", born="1963-03-23")
county.land(farmer, "耕地", "10")

BAD_CHECKSUM = alive.id[:17] + ("0" if alive.id[17] != "0" else "1")


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The county ingested once; no test changes it (`fresh_home` is for one that does)."""
    return county.ingested(tmp_path_factory.mktemp("county"))


@pytest.fixture
def fresh_home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    county.run(home)
    return home


@pytest.fixture(scope="module")
def screener(home: Path) -> Iterator[ApplicationScreener]:
    screener = ApplicationScreener(Settings(home=home, database_url=None))
    yield screener
    screener.close()


@pytest.mark.parametrize(("application", "code"), [
    (Application(BAD_CHECKSUM, "周文静", "低保"), "id_checksum"),
    (Application("61032719600404", "周文静", "低保"), "bad_id"),
    (Application("6.10327196004041E+17", "周文静", "低保"), "bad_id"),
    (Application("", "周文静", "低保"), "missing_id_number"),
    (Application(alive.id, "  ", "低保"), "missing_name"),
    (Application(alive.id, "周文静", ""), "missing_program"),
    (Application(alive.id, "周文静", "危房改造补助"), "unknown_program"),
    (Application(alive.id, "周文静", "低保", period="2025-13"), "bad_period"),
    (Application(alive.id, "周文静", "低保", period="明年"), "bad_period"),
    (Application(farmer.id, "戴福海", "地力补贴", period="2025"), "missing_area"),
    (Application(farmer.id, "戴福海", "地力补贴", "-3", "2025"), "bad_area"),
    (Application(farmer.id, "戴福海", "地力补贴", "十亩", "2025"), "bad_area"),
    (Application(alive.id, "周文静", "低保", "3"), "area_not_applicable"),
    (Application(alive.id, "周文静", "留工补贴", period="2025-01"), "company_program"),
    (Application(alive.id, "周文静", "社区值班补助", period="2025-02"), "paid_by_roster"),
    (Application(alive.id, "周" * 10_000, "低保"), "too_long"),
    (Application(alive.id, "周文静", "低保" * 5_000), "too_long"),
])
def test_unreadable_applications_are_refused_with_their_reason(
        screener: ApplicationScreener, application: Application, code: str) -> None:
    with pytest.raises(ApplicationRefused) as refused:
        screener.screen(application)
    assert refused.value.code == code
    assert refused.value.chinese == APPLICATIONS.refusals[code]  # type: ignore[index]


def _tree(root: Path) -> dict[str, str]:
    return {str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(root.rglob("*")) if path.is_file()}


def test_screening_leaves_the_warehouse_as_it_was(home: Path,
                                                  screener: ApplicationScreener) -> None:
    settings = Settings(home=home, database_url=None)
    before = _tree(settings.warehouse_dir)
    assert screener.screen(Application(alive.id, "周文静", "低保", period="2025-01")).verdict \
        == "pass"
    assert screen_application(settings, Application(
        farmer.id, "戴福海", "地力补贴", "50", "2025")).verdict == "hold"
    assert _tree(settings.warehouse_dir) == before


def test_the_warm_screener_follows_what_is_ingested(fresh_home: Path, tmp_path: Path) -> None:
    home = fresh_home
    screener = ApplicationScreener(Settings(home=home, database_url=None))
    application = Application(alive.id, "周文静", "低保", period="2025-01")
    assert screener.screen(application).verdict == "pass"
    later = County()
    later.death(alive, "2024-11-02")
    ingest(Warehouse(Settings(home=home).warehouse_dir),
           plan_delivery(later.deliver(tmp_path / "later")), workers=1)
    verdict = screener.screen(application)
    screener.close()
    assert (verdict.verdict, verdict.models) == ("hold", ("DECEASED_PAID",))


def _cli(home: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["screen", "--application", *args],
                                env={"SUNLIGHT_HOME": str(home)})
    return result.exit_code, result.output


def test_command_exits_by_verdict(home: Path) -> None:
    code, out = _cli(home, "--id-number", alive.id, "--name", "周文静", "--program", "低保",
                     "--period", "2025-01")
    assert code == OK and APPLICATIONS.verdicts["pass"] in out
    code, out = _cli(home, "--id-number", farmer.id, "--name", "戴福海", "--program", "DILI",
                     "--declared-area", "30", "--period", "2025")
    assert code == WARNINGS and APPLICATIONS.verdicts["hold"] in out and "虚报面积" in out
    code, out = _cli(home, "--id-number", make_id("1970-01-01", 990), "--name", "张无名",
                     "--program", "低保", "--period", "2025-01")
    assert code == WARNINGS and "查无此人" in out


def test_command_refuses_unreadable_applications(home: Path) -> None:
    code, out = _cli(home, "--id-number", BAD_CHECKSUM, "--name", "周文静", "--program", "低保")
    assert code == BAD_INPUT and APPLICATIONS.refusals["id_checksum"] in out
    code, out = _cli(home, "--id-number", alive.id, "--name", "周文静", "--program", "危房改造")
    assert code == BAD_INPUT and APPLICATIONS.refusals["unknown_program"] in out


@pytest.mark.parametrize(("application", "code"), [
    (Application(alive.id, "周文静", "低保' OR '1'='1"), "unknown_program"),
    (Application(alive.id, "周文静", "低保", period="2025-01'; DROP TABLE payments; --"),
     "bad_period"),
    (Application(farmer.id, "戴福海", "地力补贴", "1e309", "2025"), "bad_area"),
    (Application(farmer.id, "戴福海", "地力补贴", "99999999999999999999", "2025"), "bad_area"),
    (Application(alive.id + "'--", "周文静", "低保"), "bad_id"),
])
def test_hostile_texts_are_refused(screener: ApplicationScreener, application: Application,
                                   code: str) -> None:
    with pytest.raises(ApplicationRefused) as refused:
        screener.screen(application)
    assert refused.value.code == code


def test_a_hostile_name_is_only_a_name(home: Path, screener: ApplicationScreener) -> None:
    before = _tree(Settings(home=home).warehouse_dir)
    verdict = screener.screen(Application(alive.id, "周'); DROP TABLE payments; --\n\x00",
                                          "低保", period="2025-01"))
    assert verdict.models == ("NAME_MISMATCH",)
    assert screener.screen(Application(alive.id, "周文静", "低保", period="2025-01")).verdict \
        == "pass"
    assert _tree(Settings(home=home).warehouse_dir) == before
