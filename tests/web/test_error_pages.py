"""Every refusal a person sees is a page in Chinese of the area they are in (web.errors):
the workbench's for /staff, the portal's elsewhere; never the framework's English JSON."""

from __future__ import annotations

import re

from httpx import Response

from tests.web.conftest import StaffApp


def visible_text(response: Response) -> str:
    return re.sub(r"<[^>]+>", " ", response.text)


def assert_chinese_page(response: Response, status: int, title: str, layout: str) -> None:
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    text = visible_text(response)
    assert title in text and layout in response.text
    assert not re.search(r"Not Found|Method Not Allowed|detail|Forbidden", text)


def test_the_workbench_shows_its_own_page_for_every_refusal(staff_app: StaffApp) -> None:
    officer = staff_app.client("officer")
    assert_chinese_page(officer.get("/staff/no-such-page"), 404, "未找到", 'href="/staff"')
    assert_chinese_page(officer.get("/staff/dashboard"), 403, "无权访问", 'href="/staff"')
    assert_chinese_page(officer.get("/staff/logout"), 405, "无法这样打开", 'href="/staff"')
    assert_chinese_page(officer.post("/staff/logout"), 403, "表单已失效", 'href="/staff"')


def test_the_portal_shows_its_own_page_for_every_refusal(staff_app: StaffApp) -> None:
    villager = staff_app.client()
    assert_chinese_page(villager.get("/no-such-page"), 404, "未找到", 'href="/"')
    assert_chinese_page(villager.post("/"), 405, "无法这样打开", 'href="/"')
    page = villager.get("/no-such-page")
    assert "/staff" not in page.text  # the portal never links the workbench
