"""POST /api/v1/screen/application: one application screened before approval through the API,
for the same tokens as a batch; refusals as problem details; each screening audited with the
ID masked."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from sunlight.appdb.audit_tables import AuditEntry
from sunlight.models.registry import library
from tests.models.county import County
from tests.web.api_support import (
    PAYER,
    api_app,
    assert_one_refused_unread,
    bearer,
    calls_at_once,
    stored_token,
    token_for,
)
from tests.web.conftest import StaffApp

URL = "/api/v1/screen/application"
county = County()
county.pay(county.person("许长林", born="1955-02-02"), "低保", "2024-12", 500)
clean = county.person("周文静", born="1960-04-04")
dead = county.person("刘富贵", born="1941-12-11")
county.death(dead, "2024-10-20")
car_household = county.person("吴海燕", born="1972-02-12", household="H-WU")
county.vehicle(county.person("吴强", born="1970-01-10", household="H-WU"), "小型轿车",
               plate="陕C12345")
cadre_relative = county.person("孙秀英", born="1968-08-08", household="H-SUN")
county.official(county.person("孙大山", born="1966-06-16", household="H-SUN"), "村干部",
                "2021-01-01", post="村委会主任", village="东风村")


@pytest.fixture(scope="module")
def county_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return county.ingested(tmp_path_factory.mktemp("county"))


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
    assert answer["program_name"] == "农村最低生活保障"
    assert answer["findings"][0]["model"] == "DECEASED_PAID"
    passed = applied(api, clean, secret).json()
    assert passed["verdict"] == "pass" and passed["models"] == [] and passed["verdict_zh"]


NOTES = {code: model.spec.screening_note for code, model in library().items()}


@pytest.mark.parametrize(("who", "model", "others"), [
    (dead, "DECEASED_PAID", ["2024年10月", "2024-10"]),
    (car_household, "ASSET_OWNER_ON_WELFARE", ["吴强", "陕C12345", "小型轿车"]),
    (cadre_relative, "RELATIVE_OF_CADRE", ["孙大山", "村委会主任", "东风村"]),
], ids=["death", "household-car", "cadre-relative"])
def test_an_officer_is_told_what_to_check_an_analyst_the_whole_warning(api: StaffApp, who,
                                                                       model: str, others):
    """The attack: an officer's token sent an applicant's ID and read a household member's
    name and plate, a relative's post, a death's month and source."""
    officer = applied(api, who, token_for(api, PAYER)).json()
    assert officer["models"] == [model]
    [finding] = officer["findings"]
    assert finding["explanation"] == NOTES[model]
    assert officer["explanation"] == f"【{finding['name_zh']}】{NOTES[model]}"
    assert not [word for word in others if word in json.dumps(officer, ensure_ascii=False)]
    analyst = applied(api, who, token_for(api, "analyst", name="纪委")).json()
    assert analyst["models"] == [model]
    assert others[0] in analyst["explanation"]


def test_more_applications_at_once_than_held_are_refused_unread(county_home: Path,
                                                               tmp_path: Path,
                                                               sqlite_template: Path):
    home = tmp_path / "home"
    shutil.copytree(county_home / "warehouse", home / "warehouse")
    built = api_app(home, sqlite_template, api_applications_waiting=1)
    try:
        body = {"id_number": clean.id, "name": clean.name, "program": "低保"}
        outcomes = calls_at_once(built.app, URL, token_for(built, PAYER), body, 2)
    finally:
        built.app.state.api_workers.close()
        built.app.state.engine.dispose()
    assert_one_refused_unread(outcomes)


def test_each_application_is_audited_with_the_id_masked_and_not_what_fired(api: StaffApp):
    """The admin reads the log and sees no warning: who was screened, not what was found."""
    applied(api, dead)
    with api.session() as session:
        entry = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "api.screen_application")).one()
    assert entry.actor == PAYER
    assert dead.id not in str(entry.details) and entry.details["person"].startswith(dead.id[:6])
    assert "DECEASED_PAID" not in str(entry.details) and "on_hold" not in entry.details


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
