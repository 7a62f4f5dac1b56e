"""The admin's 接口令牌 page: a token issued to an account that may screen, shown once and
stored only as its hash; listed; revoked; every issue and revoke audited."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from sunlight.appdb.account_tables import ApiToken
from sunlight.appdb.audit_tables import AuditEntry
from tests.web.api_support import PAYER, ROW, SCREEN_URL, api_app, bearer
from tests.web.conftest import StaffApp, csrf_of
from tests.web.page_text import visible_text

PAGE = "/staff/admin/tokens"


@pytest.fixture
def api(tmp_path: Path, sqlite_template: Path) -> Iterator[StaffApp]:
    built = api_app(tmp_path / "home", sqlite_template)
    yield built
    built.app.state.engine.dispose()


def issue(admin: TestClient, user_id: int, name: str = "发放系统", days: str = "30"):
    return admin.post(PAGE, data={"csrf_token": csrf_of(admin, PAGE), "user_id": str(user_id),
                                  "name": name, "days": days}, follow_redirects=False)


def shown_token(html: str) -> str:
    found = re.search(r'id="issued-token" value="([^"]+)"', html)
    assert found, "the page shows no token"
    return found.group(1)


def audit(api: StaffApp) -> list[tuple[str, str, dict]]:
    with api.session() as session:
        return [(e.action, e.target, e.details) for e in session.scalars(
            select(AuditEntry).where(AuditEntry.action.like("token.%")).order_by(AuditEntry.id))]


def test_a_token_is_shown_once_and_stored_as_its_hash(api: StaffApp):
    admin = api.client("admin")
    issued = issue(admin, api.users[PAYER])
    assert issued.status_code == 200
    secret = shown_token(issued.text)
    assert "只显示这一次" in visible_text(issued.text)
    assert issued.headers["cache-control"] == "no-store"
    with api.session() as session:
        token = session.scalars(select(ApiToken)).one()
        stored = [str(value) for value in session.execute(select(ApiToken.__table__)).one()]
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert not any(secret in value for value in stored)
    listed = admin.get(PAGE).text
    assert secret not in listed and "发放系统" in visible_text(listed)
    assert audit(api) == [("token.issue", PAYER, {"token": "发放系统", "expires_on":
                                                  token.expires_at.date().isoformat()})]
    assert secret not in str(audit(api))
    answer = TestClient(api.app).post(SCREEN_URL, json={"rows": [ROW]}, headers=bearer(secret))
    assert answer.status_code == 200


@pytest.mark.parametrize("username, why", [
    ("admin", "没有发放前筛查的权限"), ("verifier", "没有发放前筛查的权限"),
    ("officer", "没有发放前筛查的权限")])
def test_only_accounts_that_may_screen_get_a_token(api: StaffApp, username: str, why: str):
    admin = api.client("admin")
    refused = issue(admin, api.users[username])
    assert refused.status_code == 400 and why in visible_text(refused.text)
    options = re.findall(r'<option value="(\d+)"', admin.get(PAGE).text)
    assert sorted(options) == sorted([str(api.users["analyst"]), str(api.users[PAYER])])
    with api.session() as session:
        assert session.scalars(select(ApiToken)).all() == []


@pytest.mark.parametrize("name, days, why", [
    ("", "30", "请填写令牌名称"), ("x" * 61, "30", "最多 60 个字"),
    ("发放系统", "0", "有效天数"), ("发放系统", "367", "有效天数")])
def test_a_token_needs_a_name_and_a_validity(api: StaffApp, name: str, days: str, why: str):
    refused = issue(api.client("admin"), api.users[PAYER], name, days)
    assert refused.status_code == 400 and why in visible_text(refused.text)


def test_two_valid_tokens_of_one_account_have_two_names(api: StaffApp):
    admin = api.client("admin")
    assert issue(admin, api.users[PAYER]).status_code == 200
    again = issue(admin, api.users[PAYER])
    assert again.status_code == 400 and "已有名为“发放系统”的有效令牌" in visible_text(again.text)


def test_a_revoked_token_is_refused_by_the_api(api: StaffApp):
    admin = api.client("admin")
    secret = shown_token(issue(admin, api.users[PAYER]).text)
    with api.session() as session:
        token_id = session.scalars(select(ApiToken.id)).one()
    revoked = admin.post(f"{PAGE}/{token_id}/revoke",
                         data={"csrf_token": csrf_of(admin, PAGE)}, follow_redirects=False)
    assert revoked.status_code == 303
    assert "已撤销" in visible_text(admin.get(PAGE).text)
    answer = TestClient(api.app).post(SCREEN_URL, json={"rows": [ROW]}, headers=bearer(secret))
    assert answer.status_code == 401
    again = admin.post(f"{PAGE}/{token_id}/revoke", data={"csrf_token": csrf_of(admin, PAGE)})
    assert again.status_code == 409
    assert [(action, target) for action, target, _ in audit(api)] == [
        ("token.issue", PAYER), ("token.revoke", PAYER)]


@pytest.mark.parametrize("user", ["analyst", "verifier", "officer"])
def test_only_the_admin_may_see_issue_or_revoke(api: StaffApp, user: str):
    client = api.client(user)
    assert client.get(PAGE).status_code == 403
    assert issue(client, api.users[PAYER]).status_code == 403
    with api.session() as session:
        assert session.scalars(select(ApiToken)).all() == []


def test_a_form_without_its_csrf_token_is_refused(api: StaffApp):
    admin = api.client("admin")
    refused = admin.post(PAGE, data={"user_id": str(api.users[PAYER]), "name": "x",
                                     "days": "30"})
    assert refused.status_code == 403
    with api.session() as session:
        assert session.scalars(select(ApiToken)).all() == []
