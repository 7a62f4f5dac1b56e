"""The public portal: browsing to a roster and an approval chain, programs, 查我家, versions;
no login anywhere (QR codes: test_qr_codes.py)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from sunlight.publish.store import withdraw
from sunlight.web.csrf import NONCE_COOKIE
from tests.publish_county import chen, li, liu, wang, zhang, zhao
from tests.web.conftest import StaffApp, form_token
from tests.web.portal_support import Portal, county_rows, portal, village_link

__all__ = ["county_rows", "portal"]


def test_without_a_publication_the_portal_says_so(staff_app: StaffApp) -> None:
    page = staff_app.client().get("/")
    assert page.status_code == 200 and "目前没有公示内容" in page.text
    assert '<html lang="zh-CN">' in page.text
    assert staff_app.client().get("/village/0123456789").status_code == 404


def test_a_villager_browses_to_a_roster_and_an_approval_chain(portal: Portal) -> None:
    client = portal.client()
    home = client.get("/")
    assert home.status_code == 200
    assert "城关镇" in home.text and "马家镇" in home.text
    township = client.get("/township/城关镇")
    assert "东风村" in township.text and "西山村" in township.text and "马家村" not in township.text

    village = client.get(village_link(home.text, "东风村"))
    assert village.status_code == 200
    assert "农村最低生活保障名单" in village.text and "高龄补贴名单" in village.text
    assert "2,800.00" in village.text  # 1,500 + 600 + 700

    roster_link = re.search(r'href="(/village/\w+/program/GAOLING)"', village.text)
    assert roster_link
    roster = client.get(roster_link.group(1))
    assert "张伟" in roster.text and "王芳" not in roster.text
    assert "200.00元/月" in roster.text  # the latest month's amount

    searched = client.get(roster_link.group(1), params={"q": "张"})
    assert "张伟" in searched.text
    nobody = client.get(roster_link.group(1), params={"q": "%"})
    assert nobody.status_code == 200 and "张伟" not in nobody.text

    dibao = client.get(roster_link.group(1).replace("GAOLING", "DIBAO"), params={"q": "王"})
    household_link = re.search(r'href="(/village/\w+/household/\d+\?v=1)"', dibao.text)
    assert household_link
    household = client.get(household_link.group(1))
    assert "王芳" in household.text and "户主 李强" in household.text
    assert wang.id[:6] + "*" * 12 in household.text  # the public sees where the ID was issued
    person_link = re.search(r'href="(/village/\w+/person/\d+\?v=1)">王芳</a>', household.text)
    assert person_link
    person = client.get(person_link.group(1))
    assert person.status_code == 200
    steps = re.findall(r"<strong>(\S+)</strong> <span>([\d-]+)</span>", person.text)
    assert steps == [("申请", "2023-11-02"), ("村级评议", "2023-11-10"),
                     ("村级公示", "2023-11-15"), ("乡镇审核", "2023-11-25"),
                     ("县级审批", "2023-12-05")]
    assert "经办人：刘经办" in person.text
    assert "内部意见不公开" not in person.text  # the approval's opinion is not published


def test_a_month_paid_twice_shows_twice(portal: Portal) -> None:
    client = portal.client()
    home = client.get("/").text
    roster = client.get(village_link(home, "东风村") + "/program/GAOLING").text
    link = re.search(r'href="(/village/\w+/person/\d+\?v=1)"', roster)
    assert link
    person = client.get(link.group(1)).text
    assert person.count("<td>2024-02</td>") == 2 and "600.00" in person


def test_a_program_page_has_basis_conditions_and_standard(portal: Portal) -> None:
    page = portal.client().get("/program/DIBAO")
    assert page.status_code == 200
    for heading in ("政策依据", "申请条件", "补贴标准"):
        assert f"<h2>{heading}</h2>" in page.text
    assert "社会救助暂行办法" in page.text and "700元" in page.text
    assert portal.client().get("/program/NOPE").status_code == 404


def _check(client: TestClient, id_number: str, name: str, token: str | None = None):
    form = client.get("/check")
    return client.post("/check", data={"id_number": id_number, "name": name,
                                       "csrf_token": token or form_token(form.text)})


def test_check_my_household_shows_only_that_household(portal: Portal) -> None:
    client = portal.client()
    found = _check(client, li.id, "李强")  # paid nothing himself: his wife's benefits show
    assert found.status_code == 200
    assert "王芳" in found.text and "农村最低生活保障" in found.text and "县级审批" in found.text
    for other in ("张伟", "赵六", "陈静", "刘洋"):
        assert other not in found.text
    assert li.id not in found.text and "no-store" in found.headers["cache-control"]

    alone = _check(client, zhao.id.lower(), " 赵六 ")
    assert "赵六" in alone.text and "王芳" not in alone.text

    wrong_name = _check(client, chen.id, "陈晶")
    assert "没有查到" in wrong_name.text and "特困" not in wrong_name.text
    missing = _check(client, liu.id, "")
    assert missing.status_code == 400 and "请同时填写" in missing.text


def test_check_refuses_a_forged_or_missing_token(portal: Portal) -> None:
    client = portal.client()
    client.get("/check")
    forged = client.post("/check", data={"id_number": zhang.id, "name": "张伟",
                                         "csrf_token": "abc.def"})
    assert forged.status_code == 403 and "页面已过期" in forged.text and "高龄" not in forged.text
    other = portal.client()
    token = form_token(other.get("/check").text)
    fresh = portal.client()
    fresh.get("/check")  # a cookie of its own: another browser's valid token does not match
    assert fresh.post("/check", data={"id_number": zhang.id, "name": "张伟",
                                      "csrf_token": token}).status_code == 403
    assert client.cookies.get(NONCE_COOKIE)


def test_check_is_rate_limited_per_browser(portal: Portal,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(portal.staff_app.settings, "portal_burst_per_minute", 1000)
    client = portal.client()
    for _ in range(10):
        assert _check(client, chen.id, "无此人").status_code == 200
    limited = _check(client, chen.id, "陈静")
    assert limited.status_code == 429 and "稍后再试" in limited.text
    assert "特困" not in limited.text


def test_the_portal_shows_the_newest_version_not_withdrawn(portal: Portal) -> None:
    client = portal.client()
    second = portal.publish()
    assert "公示第 2 版" in client.get("/").text
    old_link = re.search(r'href="(/village/\w+/person/\d+)\?v=2"',
                         client.get(village_link(client.get("/").text, "西山村")
                                    + "/program/TEKUN").text)
    assert old_link
    with portal.staff_app.session() as session:
        withdraw(session, second.version, actor="test")
        session.commit()
    assert "公示第 1 版" in client.get("/").text
    moved = client.get(old_link.group(1) + "?v=2")
    assert moved.status_code == 404 and "公示已更新" in moved.text
    with portal.staff_app.session() as session:
        withdraw(session, 1, actor="test")
        session.commit()
    assert "目前没有公示内容" in client.get("/").text


def test_unknown_pages_answer_in_chinese(portal: Portal) -> None:
    client = portal.client()
    village = village_link(client.get("/").text, "东风村")
    for path in ("/village/nope", "/township/无此镇", "/village/x/program/DIBAO", "/nothing",
                 f"{village}/person/abc?v=1", f"{village}/person/99999?v=1"):
        page = client.get(path)
        assert page.status_code == 404 and "未找到" in page.text, path
    odd_page = client.get(f"{village}/program/DIBAO", params={"page": "x"})
    assert odd_page.status_code == 200 and "李强户" in odd_page.text


def test_no_page_asks_for_a_login(portal: Portal) -> None:
    client = portal.client()
    for path in ("/", "/check", "/program/DIBAO", "/township/城关镇"):
        page = client.get(path, follow_redirects=False)
        assert page.status_code == 200 and "/staff/login" not in page.text, path

