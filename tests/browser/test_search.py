"""The header's search box (issue 13, item 5): two characters of a name typed on any staff
page lead to the entities bearing them and on to their pages, at 1280 px and at 360 px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Served, log_in
from tests.entities.search_rows import fill
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_two_characters_typed_in_the_header_box_list_the_entities(served: Served, page: Page):
    fill(served.staff_app)
    log_in(page, served.base_url, "analyst", PASSWORD)
    page.goto(f"{served.base_url}/staff/cases")
    box = page.get_by_role("search", name="搜索").get_by_role("searchbox")
    box.fill("建国")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/staff/search\?q="))
    results = page.get_by_role("table", name="搜索结果")
    expect(results.locator("tbody tr")).to_have_count(2)
    expect(results.get_by_role("link", name="王建国")).to_have_attribute(
        "href", re.compile(r"^/staff/entities/person/[a-z2-7]{16}$"))
    expect(results.get_by_role("link", name="张建国")).to_be_visible()
    expect(page.get_by_role("searchbox").last).to_have_value("建国")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    results.get_by_role("link", name="王建国").click()
    page.wait_for_url(re.compile(r"/staff/entities/person/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("王建国")
