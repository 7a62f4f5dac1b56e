"""A company program's batch screened from the workbench page and through POST /api/v1/screen:
an officer of a department that pays companies screens it (and only the kinds of their
department's datasets), the held rows name each company by its credit code, in full."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sunlight.accounts.users import add_user
from sunlight.contract.roles import OFFICER
from sunlight.warehouse.store import Warehouse
from tests.screening.companies import COMPANY_ROWS, closed, ingest_county, write_batches
from tests.web.api_support import PAYER, ROW, SCREEN_URL, api_app, bearer, token_for
from tests.web.conftest import PASSWORD, StaffApp
from tests.web.page_text import visible_text
from tests.web.screening_support import screened, send_batch

RENSHE = "renshe"
"""An officer of 人社局, whose datasets are the contract's for that department."""


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    company_batch, _ = write_batches(tmp_path_factory.mktemp("companies"))
    return company_batch.read_bytes()


@pytest.fixture
def county_app(staff_app: StaffApp, tmp_path: Path) -> StaffApp:
    """The workbench over the company county, with a 人社局 officer and a payments officer."""
    ingest_county(Warehouse(staff_app.settings.warehouse_dir), tmp_path / "county")
    with staff_app.session() as session:
        for username, scope in ((RENSHE, {"department": "人社局"}),
                                (PAYER, {"datasets": ["payments"]})):
            staff_app.users[username] = add_user(session, username, OFFICER, PASSWORD,
                                                 display_name=username, **scope).id
        session.commit()
    return staff_app


def test_an_officer_of_a_department_paying_companies_screens_their_batch(
        county_app: StaffApp, batch: bytes) -> None:
    client = county_app.client(RENSHE)
    form = visible_text(client.get("/staff/screening").text)
    assert "清单类型：企业补贴发放明细" in form and "统一社会信用代码" in form
    location = screened(county_app, client, "企业待发放清单.csv", batch, "enterprise_payments")
    page = visible_text(client.get(location).text)
    assert "统一社会信用代码" in page and "企业名称" in page
    assert closed.code in page and closed.name in page  # a company's code is not masked
    assert "注销吊销企业领取补贴" in page and "虚报用工人数" in page
    assert "统一社会信用代码无法识别" in page
    verdicts = list(csv.DictReader(io.StringIO(
        client.get(f"{location}/verdicts.csv").content.decode("utf-8-sig"))))
    assert {int(row["row"]): row["verdict"] for row in verdicts} == {
        number: verdict for number, (verdict, _) in COMPANY_ROWS.items()}


def test_officers_screen_only_their_departments_kinds(county_app: StaffApp,
                                                       batch: bytes) -> None:
    payer = county_app.client(PAYER)
    assert "企业补贴发放明细" not in visible_text(payer.get("/staff/screening").text)
    refused = send_batch(payer, "企业待发放清单.csv", batch, "enterprise_payments")
    assert refused.status_code == 403 and "本部门" in refused.text
    renshe = county_app.client(RENSHE)
    assert send_batch(renshe, "待发放清单.csv", batch, "payments").status_code == 403
    analyst = visible_text(county_app.client("analyst").get("/staff/screening").text)
    assert "企业补贴发放明细" in analyst and "一卡通" in analyst


@pytest.fixture
def api(tmp_path: Path, sqlite_template: Path) -> Iterator[StaffApp]:
    built = api_app(tmp_path / "home", sqlite_template)
    ingest_county(Warehouse(built.settings.warehouse_dir), tmp_path / "county")
    with built.session() as session:
        add_user(session, RENSHE, OFFICER, PASSWORD, department="人社局")
        session.commit()
    yield built
    built.app.state.engine.dispose()


def _rows(batch: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(batch.decode("utf-8-sig"))))


def test_the_api_screens_a_company_batch_for_its_department(api: StaffApp,
                                                            batch: bytes) -> None:
    client = TestClient(api.app, base_url="http://testserver")
    response = client.post(SCREEN_URL, json={"dataset": "enterprise_payments",
                                             "rows": _rows(batch)},
                           headers=bearer(token_for(api, RENSHE)))
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["dataset"] == "enterprise_payments" and answer["not_run"] == []
    assert {row["row"]: (row["verdict"], tuple(row["models"])) for row in answer["rows"]} == \
        COMPANY_ROWS
    inactive = answer["rows"][1]
    assert (inactive["id_number"], inactive["name"]) == (closed.code, closed.name)
    # An officer reads the model's fixed note, naming no one.
    assert "请核实企业登记状态" in inactive["explanation"]
    refused = client.post(SCREEN_URL, json={"dataset": "enterprise_payments",
                                            "rows": _rows(batch)},
                          headers=bearer(token_for(api, PAYER)))
    assert refused.status_code == 403 and "企业补贴发放明细" in refused.json()["detail"]
    refused = client.post(SCREEN_URL, json={"dataset": "payments", "rows": [ROW]},
                          headers=bearer(token_for(api, RENSHE, "另一个系统")))
    assert refused.status_code == 403
