"""POST /api/v1/screen/application: one application screened before approval through the API,
for the same tokens as a batch; refusals as problem details; each screening audited with the
ID masked."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from sunlight.appdb.audit_tables import AuditEntry
from tests.models.county import County
from tests.web.api_support import PAYER, api_app, bearer, stored_token, token_for
from tests.web.conftest import StaffApp

URL = "/api/v1/screen/application"
county = County()
county.pay(county.person("许长林", born="1955-02-02"), "低保", "2024-12", 500)
clean = county.person("周文静", born="1960-04-04")
dead = county.person("刘富贵", born="1941-12-11")
county.death(dead, "2024-10-20")


@pytest.fixture(scope="module")
def county_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("county") / "home"
    county.run(home)
    return home


@pytest.fixture
def api(county_home: Path, tmp_path: Path, sqlite_template: Path) -> Iterator[StaffApp]:
    home = tmp_path / "home"
    shutil.copytree(county_home / "warehouse", home / "warehouse")
    built = api_app(home, sqlite_template, api_applications_per_minute=2)
    yield built
    built.app.state.api_workers.close()
    built.app.state.engine.dispose()


def applied(api: StaffApp, who, secret: str | None = None, **fields: str):
    body = {"id_number": who.id, "name": who.name, "program": "低保", "period": "2025-01",
            **fields}
    return TestClient(api.app).post(URL, json=body,
                                    headers=bearer(secret or token_for(api, PAYER)))


def test_a_dead_applicant_is_held_and_a_clean_one_passes(api: StaffApp):
    secret = token_for(api, PAYER)
    held = applied(api, dead, secret)
    assert held.status_code == 200, held.text
    answer = held.json()
    assert answer["verdict"] == "hold" and answer["models"] == ["DECEASED_PAID"]
    assert "2024年10月" in answer["explanation"] and answer["program_name"] == "农村最低生活保障"
    assert answer["findings"][0]["model"] == "DECEASED_PAID"
    passed = applied(api, clean, secret).json()
    assert passed["verdict"] == "pass" and passed["models"] == [] and passed["verdict_zh"]


def test_each_application_is_audited_with_the_id_masked(api: StaffApp):
    applied(api, dead)
    with api.session() as session:
        entry = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "api.screen_application")).one()
    assert entry.actor == PAYER and entry.details["on_hold"] is True
    assert entry.details["models"] == ["DECEASED_PAID"]
    assert dead.id not in str(entry.details) and entry.details["person"].startswith(dead.id[:6])


def test_an_unreadable_application_is_422_with_the_reason(api: StaffApp):
    refused = applied(api, dead, id_number="12345")
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert problem["type"].endswith("#invalid-application") and "身份证号" in problem["detail"]
    missing = TestClient(api.app).post(URL, json={"name": "x"},
                                       headers=bearer(token_for(api, PAYER, name="二")))
    assert missing.status_code == 422 and "/id_number" in missing.json()["detail"]


def test_tokens_and_rights_as_for_a_batch(api: StaffApp):
    assert applied(api, clean, "sunlight_unknown").status_code == 401
    assert applied(api, clean, stored_token(api, "verifier")).status_code == 403


def test_applications_have_their_own_rate_limit_per_token(api: StaffApp):
    """2 a minute here: of 5 calls, spanning two windows at most, one window holds 3."""
    secret = token_for(api, PAYER)
    statuses = [applied(api, clean, secret).status_code for _ in range(5)]
    assert statuses[:2] == [200, 200] and 429 in statuses
