"""Logging in with a real browser, at desktop and phone widths."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Served, log_in
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_login_page_is_chinese_and_labelled(page: Page, served: Served):
    page.goto(f"{served.base_url}/staff/login")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    expect(page.get_by_label("用户名")).to_be_visible()
    expect(page.get_by_label("密码")).to_be_visible()
    # Nothing is wider than the screen, at phone width too.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_wrong_password_says_so_and_the_right_one_lets_in(page: Page, served: Served):
    log_in(page, served.base_url, "analyst", "not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("用户名或密码错误")
    log_in(page, served.base_url, "analyst", PASSWORD)
    page.goto(f"{served.base_url}/staff/account")
    expect(page.get_by_role("heading", name="我的账户")).to_be_visible()
    expect(page.get_by_text("纪委监委分析人员").first).to_be_visible()
