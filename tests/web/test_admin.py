"""Admin pages: accounts (add, deactivate, reactivate, reset password) and the audit log."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunlight.appdb.account_tables import User
from sunlight.appdb.audit_tables import AuditEntry
from sunlight.audit.chain import ChainReport, append, verify
from sunlight.web.routes import admin as admin_routes
from tests.web.conftest import PASSWORD, StaffApp, another_writer_gets_in, csrf_of, post_login
from tests.web.page_text import visible_text
from tests.web.test_audit_chain import _cli, _tamper

NEW_PASSWORD = "another-long-secret"
PAGES = ["/staff/admin/users", "/staff/admin/audit"]


def post(client: TestClient, url: str, **data: str | list[str]):
    return client.post(url, data={"csrf_token": csrf_of(client), **data},
                       follow_redirects=False)


def actions(staff_app: StaffApp) -> list[tuple[str, str, str]]:
    with staff_app.session() as session:
        return [(e.actor, e.action, e.target)
                for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


@pytest.mark.parametrize("user", ["analyst", "verifier", "officer"])
def test_only_the_admin_may_see_or_change_accounts_and_the_log(staff_app: StaffApp, user: str):
    client = staff_app.client(user)
    for page in PAGES:
        assert client.get(page).status_code == 403
    target = staff_app.users["verifier_other"]
    for url in ("/staff/admin/users", f"/staff/admin/users/{target}/active",
                f"/staff/admin/users/{target}/password", "/staff/admin/audit/verify",
                "/staff/admin/audit/checkpoint"):
        assert post(client, url, active="0", password=NEW_PASSWORD, repeat=NEW_PASSWORD,
                    username="x", role="analyst").status_code == 403
    with staff_app.session() as session:
        assert session.get_one(User, target).active


def test_anonymous_is_sent_to_log_in(staff_app: StaffApp):
    for page in PAGES:
        response = staff_app.client().get(page, follow_redirects=False)
        assert response.status_code == 303 and "/staff/login" in response.headers["location"]


def test_the_admin_sees_every_account(staff_app: StaffApp):
    page = staff_app.client("admin").get("/staff/admin/users").text
    for username in staff_app.users:
        assert f"<td data-label=\"用户名\">{username}</td>" in page
    assert "城关镇" in page and "户籍人口、死亡信息" in page
    assert "residents" not in visible_text(page)


def test_an_officer_account_gets_its_departments_datasets(staff_app: StaffApp):
    admin = staff_app.client("admin")
    response = post(admin, "/staff/admin/users", username="caizheng", display_name="财政局专员",
                    role="officer", department="财政局", password=NEW_PASSWORD)
    assert response.status_code == 303
    with staff_app.session() as session:
        user = session.scalars(select(User).where(User.username == "caizheng")).one()
    # 财政局 pays company subsidies with 人社局 (contract §5): their payments are its too.
    assert user.datasets == ["payments", "allocations", "enterprise_payments"]
    assert user.role == "officer"
    assert ("admin", "user.add", "caizheng") in actions(staff_app)
    assert post_login(staff_app.client(), "caizheng", NEW_PASSWORD).status_code == 303


def test_an_account_with_chosen_datasets(staff_app: StaffApp):
    post(staff_app.client("admin"), "/staff/admin/users", username="canlian", role="officer",
         datasets=["disability_certs"], password=NEW_PASSWORD)
    with staff_app.session() as session:
        user = session.scalars(select(User).where(User.username == "canlian")).one()
    assert user.datasets == ["disability_certs"]


@pytest.mark.parametrize(("fields", "message"), [
    (dict(username="x1", role="verifier", password=NEW_PASSWORD), "必须指定乡镇"),
    (dict(username="x2", role="analyst", password="short"), "密码至少 10 位"),
    (dict(username="analyst", role="analyst", password=NEW_PASSWORD), "已存在"),
    (dict(username="x3", role="officer", password=NEW_PASSWORD), "必须指定部门"),
])
def test_an_account_breaking_the_rules_is_refused_and_the_form_kept(
        staff_app: StaffApp, fields: dict[str, str], message: str):
    response = post(staff_app.client("admin"), "/staff/admin/users", township="",
                    display_name="保留的姓名", **fields)
    assert response.status_code == 400
    assert message in response.text and "保留的姓名" in response.text
    assert not [a for a in actions(staff_app) if a[1] == "user.add"]


def test_deactivating_logs_the_person_out_and_reactivating_lets_them_back(staff_app: StaffApp):
    verifier = staff_app.client("verifier")
    target = staff_app.users["verifier"]
    admin = staff_app.client("admin")
    assert post(admin, f"/staff/admin/users/{target}/active", active="0").status_code == 303
    assert "账户已停用" in admin.get("/staff/admin/users?done=deactivated").text
    assert verifier.get("/staff/account", follow_redirects=False).status_code == 303
    assert post_login(staff_app.client(), "verifier").status_code == 401
    post(admin, f"/staff/admin/users/{target}/active", active="1")
    assert post_login(staff_app.client(), "verifier").status_code == 303
    assert [a[1] for a in actions(staff_app) if a[1].startswith("user.")] == [
        "user.deactivate", "user.reactivate"]


def test_the_admin_cannot_deactivate_themself(staff_app: StaffApp):
    admin = staff_app.client("admin")
    response = post(admin, f"/staff/admin/users/{staff_app.users['admin']}/active", active="0")
    assert response.status_code == 400 and "不能停用自己的账户" in response.text
    assert admin.get("/staff/admin/users").status_code == 200


def test_a_password_reset_logs_the_person_out_and_the_new_password_works(staff_app: StaffApp):
    officer = staff_app.client("officer")
    target = staff_app.users["officer"]
    admin = staff_app.client("admin")
    mismatch = post(admin, f"/staff/admin/users/{target}/password", password=NEW_PASSWORD,
                    repeat="something-else")
    assert mismatch.status_code == 400 and "不一致" in mismatch.text
    assert post(admin, f"/staff/admin/users/{target}/password", password=NEW_PASSWORD,
                repeat=NEW_PASSWORD).status_code == 303
    assert officer.get("/staff/account", follow_redirects=False).status_code == 303
    assert post_login(staff_app.client(), "officer", PASSWORD).status_code == 401
    assert post_login(staff_app.client(), "officer", NEW_PASSWORD).status_code == 303
    assert ("admin", "user.password_reset", "officer") in actions(staff_app)


def test_the_audit_log_is_newest_first_paginated_and_filtered(staff_app: StaffApp):
    with staff_app.session() as session:
        for number in range(60):
            append(session, actor="analyst" if number % 2 else "verifier",
                   action="case.assign" if number < 30 else "export", target=f"T{number}")
        session.commit()
    admin = staff_app.client("admin")
    first = admin.get("/staff/admin/audit").text
    targets = re.findall(r'data-label="对象">([^<]*)<', first)
    assert len(targets) == 50 and targets[0] == "" and "T59" in targets[:3]
    assert "第 1 / 2 页" in first
    second = admin.get("/staff/admin/audit?page=2").text
    assert "T0<" in second
    filtered = admin.get("/staff/admin/audit?actor=analyst&action=export").text
    found = re.findall(r'data-label="对象">(T\d+)<', filtered)
    assert found == [f"T{n}" for n in range(59, 29, -2)]


def test_verifying_the_chain_shows_it_intact_and_is_audited(staff_app: StaffApp):
    admin = staff_app.client("admin")
    page = post(admin, "/staff/admin/audit/verify").text
    assert "哈希链完整" in page
    checked = int(re.search(r"共校验 (\d+) 条记录", page).group(1))  # type: ignore[union-attr]
    assert checked == len(actions(staff_app)) - 1  # the check's own entry comes after it
    assert actions(staff_app)[-1][:2] == ("admin", "audit.verify")


def test_verifying_the_chain_holds_up_no_writer_while_it_walks(
        staff_app: StaffApp, monkeypatch: pytest.MonkeyPatch):
    admin = staff_app.client("admin")
    writers_got_in: list[bool] = []

    def watched(session: Session) -> ChainReport:
        writers_got_in.append(another_writer_gets_in(staff_app))  # as the walk begins
        report = verify(session)
        writers_got_in.append(another_writer_gets_in(staff_app))  # and as it ends
        return report

    monkeypatch.setattr(admin_routes, "verify", watched)
    assert "哈希链完整" in post(admin, "/staff/admin/audit/verify").text
    assert writers_got_in == [True, True]
    assert actions(staff_app)[-1][:2] == ("admin", "audit.verify")


def test_verifying_a_tampered_chain_names_the_entry(staff_app: StaffApp):
    admin = staff_app.client("admin")
    _tamper(staff_app, "UPDATE audit_log SET actor = 'someone' WHERE id = 1")
    page = post(admin, "/staff/admin/audit/verify").text
    assert "哈希链已被破坏" in page and "第 1 条记录：写入后内容被改动" in page


def test_the_admin_downloads_a_checkpoint_the_command_line_holds_the_log_to(
        staff_app: StaffApp, monkeypatch, tmp_path):
    admin = staff_app.client("admin")
    response = post(admin, "/staff/admin/audit/checkpoint")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    assert actions(staff_app)[-1][:2] == ("admin", "audit.checkpoint")
    checkpoint = response.json()
    assert checkpoint["entry"] == len(actions(staff_app))  # it covers its own entry
    (tmp_path / "cp.json").write_bytes(response.content)
    held = _cli(staff_app, monkeypatch, "audit", "verify", "--checkpoint",
                str(tmp_path / "cp.json"))
    assert held.exit_code == 0, held.output


def test_no_checkpoint_is_offered_for_a_broken_log(staff_app: StaffApp):
    admin = staff_app.client("admin")
    _tamper(staff_app, "UPDATE audit_log SET actor = 'someone' WHERE id = 1")
    response = post(admin, "/staff/admin/audit/checkpoint")
    assert response.status_code == 409
    assert "不能生成检查点" in response.text and "哈希链已被破坏" in response.text
    assert "audit.checkpoint" not in [action for _, action, _ in actions(staff_app)]


def test_a_verifier_of_a_township_the_data_never_names_is_refused(staff_app: StaffApp):
    from sunlight.accounts.users import AccountError, add_user
    from tests.appdb.builders import detection, run

    with staff_app.session() as session:
        run(session, [detection([1])])  # a warning of 城关镇
        with pytest.raises(AccountError, match="数据中没有乡镇“城关”；已知乡镇：城关镇"):
            add_user(session, "typo", "verifier", "long-enough-pw", township="城关")
        assert add_user(session, "right", "verifier", "long-enough-pw", township="城关镇").id


def test_the_audit_page_names_actions_in_chinese(staff_app: StaffApp):
    from sunlight.contract.cases import CASES
    from sunlight.contract.vocabulary import ACTION_ZH

    page = staff_app.client("admin").get("/staff/admin/audit").text
    assert "登录" in page and "login" not in visible_text(page)
    # Every action the code writes has a Chinese name.
    import re
    from pathlib import Path

    import sunlight
    source = "\n".join(p.read_text("utf-8") for p in Path(sunlight.__file__).parent.rglob("*.py"))
    written = set(re.findall(r'action="([a-z_.]+)"', source))
    written |= set(re.findall(r'audit_now\(request, staff, "([a-z_.]+)"', source))
    written |= {f"case.{action}" for action in CASES.transitions}
    assert written and written <= set(ACTION_ZH), written - set(ACTION_ZH)


def test_a_hand_edited_address_gets_a_chinese_page_not_json(staff_app: StaffApp):
    response = staff_app.client("admin").get("/staff/admin/audit?page=abc")
    assert response.status_code == 400
    assert "参数有误" in response.text and "（page）" not in response.text  # no field's code
    assert response.headers["content-type"].startswith("text/html")


def test_moving_a_verifier_to_another_township_makes_its_warnings_theirs(staff_app: StaffApp):
    from tests.web.case_builders import new_warning

    warning_id = new_warning(staff_app, township="八渡乡")
    other = staff_app.users["verifier_other"]
    analyst = staff_app.client("analyst")
    before = analyst.get(f"/staff/warnings/{warning_id}").text
    assert f'<option value="{other}"' not in before and "本乡镇暂无核查员" in before

    admin = staff_app.client("admin")
    typo = post(admin, f"/staff/admin/users/{other}/township", township="八渡")
    assert typo.status_code == 400 and "数据中没有乡镇“八渡”" in typo.text
    response = post(admin, f"/staff/admin/users/{other}/township", township="八渡乡")
    assert response.status_code == 303
    assert "负责乡镇已更改" in admin.get(response.headers["location"]).text

    after = analyst.get(f"/staff/warnings/{warning_id}").text
    assert f'<option value="{other}"' in after and "本乡镇暂无核查员" not in after
    assert ("admin", "user.township", "verifier_other") in actions(staff_app)
    log = visible_text(admin.get("/staff/admin/audit").text)
    assert "更改核查人员负责乡镇" in log and "原负责乡镇：马家镇；乡镇：八渡乡" in log


def test_only_a_verifier_has_a_township_to_change(staff_app: StaffApp):
    admin = staff_app.client("admin")
    officer = staff_app.users["officer"]
    response = post(admin, f"/staff/admin/users/{officer}/township", township="城关镇")
    assert response.status_code == 400 and "只有乡镇核查人员有负责乡镇" in response.text
    page = admin.get("/staff/admin/users").text
    assert page.count("更改负责乡镇") == 2  # the two verifiers' rows, no one else's
    assert re.search(r"<title>账户管理[^<]*</title>", page)  # the township list stays out
