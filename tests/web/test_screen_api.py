"""POST /api/v1/screen: who may call it (401/403), what it refuses (413/415/422/429) as
problem details, what it answers, and what it leaves in the audit log."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from sunlight.appdb.account_tables import ApiToken, User
from sunlight.appdb.audit_tables import AuditEntry
from sunlight.web.routes.screen_api import COLUMNS_MAX
from tests.web.api_support import (
    PAYER,
    ROW,
    SCREEN_URL,
    api_app,
    assert_one_refused_unread,
    bearer,
    calls_at_once,
    stored_token,
    token_for,
)
from tests.web.conftest import StaffApp

LIMITS = {"api_screen_max_mb": 1, "api_screen_max_rows": 5, "api_screens_per_minute": 3}


@pytest.fixture
def api(tmp_path: Path, sqlite_template: Path) -> Iterator[StaffApp]:
    built = api_app(tmp_path / "home", sqlite_template, **LIMITS)
    yield built
    built.app.state.engine.dispose()


def client(api: StaffApp) -> TestClient:
    return TestClient(api.app, base_url="http://testserver", raise_server_exceptions=False)


def problem_of(response, status: int) -> dict:
    """The response's problem details, after checking they are what RFC 9457 asks for."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["type"].startswith("/api/v1/problems#")
    assert body["title"] and body["detail"]
    return body


def screened(api: StaffApp, username: str = PAYER, **batch) -> dict:
    response = client(api).post(SCREEN_URL, json={"rows": [ROW], **batch},
                                headers=bearer(token_for(api, username)))
    assert response.status_code == 200, response.text
    return response.json()


def test_a_payments_officer_and_an_analyst_screen_a_batch(api: StaffApp):
    for username in (PAYER, "analyst"):
        answer = screened(api, username, dataset="payments")
        assert answer["dataset"] == "payments"
        assert (answer["held"], answer["passed"], answer["unreadable"]) == (0, 1, 0)
        [row] = answer["rows"]
        assert row["row"] == 2 and row["verdict"] == "pass" and row["models"] == []
        assert row["id_number"] == ROW["id_number"] and row["amount"] == "340.00"
        assert "DECEASED_PAID" in answer["not_run"]  # nothing ingested: no deaths to check


def test_contract_headers_and_unreadable_rows(api: StaffApp):
    chinese = {"项目名称": "DIBAO", "身份证号": "610327197103164321", "姓名": "张三",
               "所属期": "2024年3月", "金额": "340", "银行账号": "6228480012345678901"}
    bad = {**chinese, "身份证号": "12345"}
    answer = client(api).post(SCREEN_URL, json={"rows": [chinese, bad]},
                              headers=bearer(token_for(api, PAYER))).json()
    first, second = answer["rows"]
    assert first["verdict"] == "pass" and first["period"] == "2024-03"
    assert second["row"] == 3 and second["verdict"] == "unreadable" and second["explanation"]
    assert answer["unreadable"] == 1


@pytest.mark.parametrize("headers, why", [
    ({}, "没有带令牌"),
    ({"Authorization": "Basic YWRtaW46YWRtaW4="}, "没有带令牌"),
    ({"Authorization": "Bearer sunlight_not-a-token"}, "令牌不正确"),
    ({"Authorization": "Bearer " + "x" * 5000}, "令牌不正确"),
])
def test_no_token_or_a_wrong_one_is_401(api: StaffApp, headers: dict, why: str):
    response = client(api).post(SCREEN_URL, json={"rows": [ROW]}, headers=headers)
    assert why in problem_of(response, 401)["detail"]
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_a_revoked_or_expired_token_is_401(api: StaffApp):
    past = datetime.now(UTC) - timedelta(minutes=1)
    expired = stored_token(api, PAYER, expires_at=past)
    revoked = stored_token(api, PAYER, revoked_at=past, revoked_by="admin")
    for secret, why in ((expired, "已过期"), (revoked, "已被系统管理员撤销")):
        response = client(api).post(SCREEN_URL, json={"rows": [ROW]}, headers=bearer(secret))
        assert why in problem_of(response, 401)["detail"]


@pytest.mark.parametrize("username", ["admin", "verifier", "officer"])
def test_an_account_without_screening_rights_is_403(api: StaffApp, username: str):
    """An admin, a township verifier, and an officer of another department (residents)."""
    secret = stored_token(api, username)
    response = client(api).post(SCREEN_URL, json={"rows": [ROW]}, headers=bearer(secret))
    assert "没有发放前筛查的权限" in problem_of(response, 403)["detail"]


def test_a_disabled_account_is_403_and_nothing_is_audited(api: StaffApp):
    secret = token_for(api, PAYER)
    with api.session() as session:
        session.get_one(User, api.users[PAYER]).active = False
        session.commit()
    response = client(api).post(SCREEN_URL, json={"rows": [ROW]}, headers=bearer(secret))
    assert "已停用" in problem_of(response, 403)["detail"]
    with api.session() as session:
        assert session.scalars(select(AuditEntry).where(
            AuditEntry.action.like("api.%"))).all() == []


def test_each_screening_is_audited_with_its_token_hash_rows_and_holds(api: StaffApp):
    screened(api, PAYER)
    with api.session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "api.screen")).one()
        token = session.scalars(select(ApiToken)).one()
    assert entry.actor == PAYER
    assert entry.details["token"] == "发放系统" and entry.details["dataset"] == "payments"
    assert len(entry.details["sha256"]) == 64
    assert (entry.details["rows"], entry.details["held"]) == (1, 0)
    assert token.last_used_at is not None


@pytest.mark.parametrize("body, where", [
    (b"{", "不是有效的 JSON"),
    (b'"rows"', "应为对象"),
    (b"{}", "/rows"),
    (b'{"rows": []}', "至少要有一项"),
    (b'{"rows": [{}]}', "/rows/0"),
    (b'{"rows": [["DIBAO"]]}', "/rows/0"),
    (b'{"rows": [{"amount": 340}]}', "/rows/0/amount"),
    (b'{"rows": [{"amount": null}]}', "/rows/0/amount"),
    (b'{"rows": [{"name": "\\ud800"}]}', "不是有效的 JSON"),
    (b'{"rows": [{"name": "\xff"}]}', "不是有效的 JSON"),
    (b'{"rows": [{"": "x"}]}', "/rows/0"),
    (b'{"rows": [{"name": "x"}], "extra": 1}', "/extra"),
    (b'{"dataset": "residents", "rows": [{"name": "x"}]}', "/dataset"),
    (b"[" * 100_000, "不是有效的 JSON"),
])
def test_a_malformed_batch_is_422_with_the_place(api: StaffApp, body: bytes, where: str):
    response = client(api).post(SCREEN_URL, content=body, headers={
        **bearer(token_for(api, PAYER)), "Content-Type": "application/json"})
    problem = problem_of(response, 422)
    assert where in problem["detail"] + json.dumps(problem.get("errors"), ensure_ascii=False)


def test_a_batch_ingestion_would_refuse_is_422_with_its_reason_and_audited(api: StaffApp):
    response = client(api).post(SCREEN_URL, json={"rows": [{"备注": "无"}]},
                                headers=bearer(token_for(api, PAYER)))
    assert "表头" in problem_of(response, 422)["detail"]
    with api.session() as session:
        entry = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "api.screen_refused")).one()
    assert entry.details["rows"] == 1 and "表头" in entry.details["reason"]


def test_rows_naming_too_many_columns_are_422(api: StaffApp):
    rows = [{f"列{i}-{j}": "x" for j in range(COLUMNS_MAX // 2 + 1)} for i in range(2)]
    response = client(api).post(SCREEN_URL, json={"rows": rows},
                                headers=bearer(token_for(api, PAYER)))
    assert "不同的列名" in problem_of(response, 422)["detail"]


def test_a_body_that_is_not_json_is_415(api: StaffApp):
    response = client(api).post(SCREEN_URL, content=b"program,id_number\n", headers={
        **bearer(token_for(api, PAYER)), "Content-Type": "text/csv"})
    problem_of(response, 415)


def test_more_rows_than_the_limit_is_413(api: StaffApp):
    response = client(api).post(SCREEN_URL, json={"rows": [ROW] * 6},
                                headers=bearer(token_for(api, PAYER)))
    assert "上限 5 行" in problem_of(response, 413)["detail"]


def test_a_body_over_the_limit_is_413_declared_or_streamed(api: StaffApp):
    big = json.dumps({"rows": [{**ROW, "name": "张" * 900}] * 1000}).encode()
    assert len(big) > 1 << 20
    headers = {**bearer(token_for(api, PAYER)), "Content-Type": "application/json"}
    declared = client(api).post(SCREEN_URL, content=big, headers=headers)
    assert "1 MB" in problem_of(declared, 413)["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        for start in range(0, len(big), 64 << 10):
            yield big[start:start + (64 << 10)]

    streamed = client(api).post(SCREEN_URL, content=chunks(), headers=headers)
    problem_of(streamed, 413)


def test_the_rate_limit_is_per_token(api: StaffApp):
    """At most 3 calls a minute: the first 3 always pass the limit; of 7, two windows at
    most, one holds 4 or more."""
    limited = token_for(api, PAYER, name="一")
    other = token_for(api, PAYER, name="二")
    api_client = client(api)
    statuses = [api_client.post(SCREEN_URL, json={}, headers=bearer(limited)).status_code
                for _ in range(7)]
    assert statuses[:3] == [422] * 3 and 429 in statuses
    refused = api_client.post(SCREEN_URL, json={}, headers=bearer(limited))
    if refused.status_code == 429:  # unless a new minute began just now
        assert int(refused.headers["retry-after"]) in range(1, 61)
        assert "每分钟最多调用 3 次" in problem_of(refused, 429)["detail"]
    assert api_client.post(SCREEN_URL, json={}, headers=bearer(other)).status_code == 422


def test_blank_rows_each_get_a_verdict_saying_so(api: StaffApp):
    """The attack: a blank row between two was dropped (verdicts for rows 2 and 4 of 3); an
    all-blank batch answered 200 with no rows."""
    blank = {key: "" for key in ROW}
    answer = client(api).post(SCREEN_URL, json={"rows": [ROW, blank, ROW | {"period": "2024-04"}]},
                              headers=bearer(token_for(api, PAYER))).json()
    assert [row["row"] for row in answer["rows"]] == [2, 3, 4]
    middle = answer["rows"][1]
    assert middle["verdict"] == "unreadable" and "整行为空" in middle["explanation"]
    assert answer["unreadable"] == 1 and answer["rows"][2]["verdict"] == "pass"
    only_blank = client(api).post(SCREEN_URL, json={"rows": [blank, {"姓名": " "}]},
                                  headers=bearer(token_for(api, PAYER, name="二")))
    assert only_blank.status_code == 200, only_blank.text
    rows = only_blank.json()["rows"]
    assert [(r["row"], r["verdict"]) for r in rows] == [(2, "unreadable"), (3, "unreadable")]
    assert only_blank.json()["unreadable"] == 2


@pytest.mark.parametrize("twice", [{"身份证号": "610327197103164321"},
                                   {"身份证号码": "610327197103164321"},
                                   {"*身份证号（18位）": "610327197103164321"}])
def test_two_keys_of_a_row_naming_one_column_are_422_naming_them(api: StaffApp, twice: dict):
    """The attack: 身份证号 beside id_number, one of them silently kept."""
    rows = [ROW, {**ROW, **twice}]
    response = client(api).post(SCREEN_URL, json={"rows": rows},
                                headers=bearer(token_for(api, PAYER)))
    problem = problem_of(response, 422)
    [key] = twice
    assert "第 3 行" in problem["detail"] and key in problem["detail"]
    assert {item["pointer"] for item in problem["errors"]} == {
        "/rows/1/id_number", f"/rows/1/{key}"}


def test_rows_naming_one_column_differently_screen_as_one_column(api: StaffApp):
    chinese = {"项目名称": "DIBAO", "身份证号": ROW["id_number"], "姓名": "张三",
               "所属期": "2024-04", "金额": "340", "银行账号": ROW["account"]}
    answer = client(api).post(SCREEN_URL, json={"rows": [ROW, chinese]},
                              headers=bearer(token_for(api, PAYER))).json()
    assert [(r["verdict"], r["id_number"]) for r in answer["rows"]] == [
        ("pass", ROW["id_number"])] * 2


def test_more_batches_at_once_than_slots_are_refused_unread(tmp_path: Path,
                                                           sqlite_template: Path):
    """The attack: simultaneous 30 MB calls each read and parsed before waiting for a
    screening thread. Now a call beyond the slots is refused before its body is read."""
    built = api_app(tmp_path / "home", sqlite_template, api_screenings_at_once=1)
    try:
        outcomes = calls_at_once(built.app, SCREEN_URL, token_for(built, PAYER),
                                 {"rows": [ROW]}, 3)
    finally:
        built.app.state.api_workers.close()
        built.app.state.engine.dispose()
    assert_one_refused_unread(outcomes)
    assert outcomes[0].json()["rows"][0]["verdict"] == "pass"


def test_other_methods_and_paths_answer_problems(api: StaffApp):
    problem_of(client(api).get(SCREEN_URL), 405)
    problem_of(client(api).get("/api/v1/nothing"), 404)


def test_tokens_limits_and_the_audit_on_both_databases(staff_app_both: StaffApp):
    """The token's lookup, its rate count and the audit entry, on SQLite and PostgreSQL."""
    api = staff_app_both
    secret = token_for(api, "analyst")
    assert screened_with(api, secret).status_code == 200
    with api.session() as session:
        token = session.scalars(select(ApiToken)).one()
        token.revoked_at = datetime.now(UTC)
        session.commit()
        assert session.scalars(select(AuditEntry.action).where(
            AuditEntry.action == "api.screen")).all() == ["api.screen"]
    assert screened_with(api, secret).status_code == 401


def screened_with(api: StaffApp, secret: str):
    return client(api).post(SCREEN_URL, json={"rows": [ROW]}, headers=bearer(secret))


def test_a_caller_hanging_up_mid_body_is_no_server_error(api: StaffApp,
                                                         caplog: pytest.LogCaptureFixture):
    """Dropping calls half sent must not fill the log with server errors."""
    secret = token_for(api, PAYER)
    sent: list[dict] = []
    parts = [{"type": "http.request", "body": b'{"rows": [', "more_body": True},
             {"type": "http.disconnect"}]

    async def receive() -> dict:
        return parts.pop(0) if parts else {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    async def hang_up() -> None:
        await api.app({"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
                       "method": "POST", "scheme": "http", "path": SCREEN_URL,
                       "raw_path": SCREEN_URL.encode(), "root_path": "", "query_string": b"",
                       "headers": [(b"host", b"testserver"),
                                   (b"content-type", b"application/json"),
                                   (b"content-length", b"100000"),
                                   (b"authorization", f"Bearer {secret}".encode())],
                       "client": ("127.0.0.1", 50000), "server": ("testserver", 80)},
                      receive, send)

    with caplog.at_level(logging.ERROR), ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, hang_up()).result()
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert next(m for m in sent if m["type"] == "http.response.start")["status"] != 500
    assert "busy" not in json.dumps(client(api).post(
        SCREEN_URL, json={"rows": [ROW]}, headers=bearer(secret)).json())  # slot given back
