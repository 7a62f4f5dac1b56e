"""A department officer screening a batch (API or page) is told what to check, never another
person or their data; an analyst reads the warnings' own explanations.

The attack replayed: an officer sent residents' IDs as 低保 rows and read, in the held rows'
explanations, a household member's name and car plate, a relative's post as village cadre,
an official's employer, a death's month and source, and the registry's name for an ID.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from python_calamine import CalamineWorkbook

from sunlight.models.registry import library
from tests.models.county import County
from tests.web.api_support import PAYER, SCREEN_URL, api_app, bearer, token_for
from tests.web.conftest import StaffApp, make_staff_app
from tests.web.page_text import visible_text
from tests.web.screening_support import add_finance_officers, screened

MONTH = "2025-01"
county = County()
county.pay(county.person("许长林", born="1955-02-02"), "低保", "2024-12", 500)
dead = county.person("刘富贵", born="1941-12-11")
county.death(dead, "2024-10-20", source="公安注销")
car_household = county.person("吴海燕", born="1972-02-12", household="H-WU")
county.vehicle(county.person("吴强", born="1970-01-10", household="H-WU"), "小型轿车",
               plate="陕C12345")
cadre_relative = county.person("孙秀英", born="1968-08-08", household="H-SUN")
county.official(county.person("孙大山", born="1966-06-16", household="H-SUN"), "村干部",
                "2021-01-01", post="村委会主任", village="东风村")
official = county.person("赵建国", born="1975-05-05")
county.official(official, "公务员", "2018-03-01", employer="县财政局")
renamed = county.person("周文静", born="1960-04-04")

HELD = {dead.id: ("DECEASED_PAID", ["2024年10月", "公安"]),
        car_household.id: ("ASSET_OWNER_ON_WELFARE", ["吴强", "陕C12345"]),
        cadre_relative.id: ("RELATIVE_OF_CADRE", ["孙大山", "村委会主任"]),
        official.id: ("OFFICIAL_ON_WELFARE", ["县财政局", "公务员"]),
        renamed.id: ("NAME_MISMATCH", ["周文静"])}
"""Each payee held: the model, and what its warning says of others (or of the registry)."""
OTHERS = sorted({word for _, words in HELD.values() for word in words})
NOTES = {code: model.spec.screening_note for code, model in library().items()}
NAMES = {code: model.spec.name_zh for code, model in library().items()}


def batch_rows() -> list[dict[str, str]]:
    """Every held payee as a 低保 row of the month (周文静 under another name)."""
    people = [dead, car_household, cadre_relative, official, renamed]
    return [{"项目名称": "低保", "身份证号": who.id,
             "姓名": "周文英" if who is renamed else who.name, "所属期": MONTH,
             "金额": "500", "银行账号": who.account} for who in people]


def batch_csv() -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(batch_rows()[0]))
    writer.writeheader()
    writer.writerows(batch_rows())
    return out.getvalue().encode()


@pytest.fixture(scope="module")
def county_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return county.ingested(tmp_path_factory.mktemp("county"))


@pytest.fixture
def api(county_home: Path, tmp_path: Path, sqlite_template: Path) -> Iterator[StaffApp]:
    home = tmp_path / "home"
    shutil.copytree(county_home / "warehouse", home / "warehouse")
    built = api_app(home, sqlite_template)
    yield built
    built.app.state.api_workers.close()
    built.app.state.engine.dispose()


@pytest.fixture
def workbench(county_home: Path, tmp_path: Path) -> Iterator[StaffApp]:
    home = tmp_path / "home"
    shutil.copytree(county_home / "warehouse", home / "warehouse")
    built = make_staff_app(home, f"sqlite:///{tmp_path}/app.db")
    add_finance_officers(built)
    yield built
    built.app.state.engine.dispose()


def leaked(text: str) -> list[str]:
    return [word for word in OTHERS if word in text]


def assert_told_only_what_to_check(rows: list[dict[str, str]]) -> None:
    """Each held row says its models' fixed notes and nothing else."""
    held = {row["id_number"]: row for row in rows if row["verdict"] == "hold"}
    assert set(held) == set(HELD)
    for id_number, (code, _) in HELD.items():
        row = held[id_number]
        assert code in row["models"], row
        models = row["models"] if isinstance(row["models"], list) else row["models"].split(";")
        lines = [line for line in row["explanation"].split("\n")
                 if not line.startswith("【数据问题】")]
        assert lines == [f"【{NAMES[model]}】{NOTES[model]}" for model in models]


def test_an_officers_api_screening_names_no_one_else(api: StaffApp):
    answer = TestClient(api.app).post(SCREEN_URL, json={"rows": batch_rows()},
                                      headers=bearer(token_for(api, PAYER)))
    assert answer.status_code == 200, answer.text
    assert leaked(answer.text) == []
    assert_told_only_what_to_check(answer.json()["rows"])


def test_an_analysts_api_screening_reads_the_warnings(api: StaffApp):
    answer = TestClient(api.app).post(SCREEN_URL, json={"rows": batch_rows()},
                                      headers=bearer(token_for(api, "analyst"))).json()
    held = {row["id_number"]: row["explanation"] for row in answer["rows"]}
    for id_number, (_, words) in HELD.items():
        assert words[0] in held[id_number], held[id_number]


def test_an_officers_page_and_verdict_files_name_no_one_else(workbench: StaffApp):
    client = workbench.client("caizheng")
    location = screened(workbench, client, "待发放清单.csv", batch_csv())
    assert leaked(visible_text(client.get(location).text)) == []
    verdicts = client.get(f"{location}/verdicts.csv").content.decode("utf-8-sig")
    assert leaked(verdicts) == []
    assert_told_only_what_to_check(list(csv.DictReader(io.StringIO(verdicts))))
    book = workbook_text(client.get(f"{location}/verdicts.xlsx").content)
    assert leaked(book) == [] and NOTES["ASSET_OWNER_ON_WELFARE"] in book
    # An analyst opening the officer's screening reads what the officer read.
    assert leaked(visible_text(workbench.client("analyst").get(location).text)) == []


def test_an_analysts_own_screening_and_its_model_sheet_read_the_warnings(workbench: StaffApp):
    client = workbench.client("analyst")
    location = screened(workbench, client, "待发放清单.csv", batch_csv())
    assert "陕C12345" in visible_text(client.get(location).text)
    book = CalamineWorkbook.from_filelike(io.BytesIO(
        client.get(f"{location}/verdicts.xlsx").content))
    model_sheet = str(book.get_sheet_by_index(1).to_python())
    assert "陕C12345" in model_sheet and "孙大山" in model_sheet


def workbook_text(content: bytes) -> str:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return "".join(str(book.get_sheet_by_name(name).to_python()) for name in book.sheet_names)
