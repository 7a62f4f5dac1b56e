"""A villager on a phone (and a desktop): from the home page to a roster, an approval chain,
and 查我家; nothing wider than the screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Served
from tests.publish_county import li

pytestmark = pytest.mark.browser

FITS = "document.documentElement.scrollWidth <= window.innerWidth"



def test_a_villager_finds_the_roster_and_approval_chain(page: Page, published: Served) -> None:
    published.staff_app.settings.public_url = "https://gongshi.example.gov.cn"  # QR codes
    page.goto(published.base_url + "/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.evaluate(FITS)
    page.get_by_role("link", name="东风村").first.click()
    expect(page.get_by_role("heading", name="城关镇 东风村")).to_be_visible()
    expect(page.get_by_role("img", name="东风村公示页面的二维码")).to_be_visible()
    assert page.evaluate(FITS)
    page.get_by_role("link", name="农村最低生活保障名单").click()
    page.get_by_label("按姓名查找").fill("王")
    page.get_by_role("button", name="查找").click()
    page.get_by_role("link", name="李强户").click()  # 低保 is listed by household
    expect(page.get_by_text("户主 李强")).to_be_visible()
    assert page.evaluate(FITS)
    page.get_by_role("link", name="王芳", exact=True).click()
    expect(page.get_by_text("村级公示")).to_be_visible()
    expect(page.get_by_text("经办人：刘经办").first).to_be_visible()
    assert page.evaluate(FITS)


def test_check_my_household(page: Page, published: Served) -> None:
    page.goto(published.base_url + "/check")
    page.get_by_label("身份证号").fill(li.id)
    page.get_by_label("姓名").fill(li.name)
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_text("王芳")).to_be_visible()
    expect(page.get_by_text("县级审批").first).to_be_visible()
    assert page.evaluate(FITS)
