"""The post × day grid on a 360 px phone, over a month whose gaps fall late (the 20th, 25th
and 27th of February, tests/web/month_story.py): the page itself never scrolls sideways, and
a red cell is big enough to tap."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, Served, log_in
from tests.web.conftest import PASSWORD
from tests.web.month_story import STATION, STATION_POST, detected, month_home

__all__ = ["month_home"]
pytestmark = pytest.mark.browser
TAP = 24
"""The least target a finger hits, in CSS px (WCAG 2.2, 2.5.8)."""


@pytest.mark.parametrize("page", [PHONE], indirect=True, ids=["phone"])
def test_late_gaps_do_not_widen_a_phones_page_and_are_big_enough_to_tap(
        page: Page, served: Served, month_home: Path):
    detected(served.staff_app, month_home)
    log_in(page, served.base_url, "inspector_station", PASSWORD)
    page.goto(f"{served.base_url}/staff/oversight/coverage")
    expect(page.locator("h2").first).to_have_text(f"{STATION} 2024年2月")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    gaps = page.locator("a.shift.gap")
    expect(gaps).to_have_count(3)
    for n in range(3):
        box = gaps.nth(n).bounding_box()
        assert box is not None and box["width"] >= TAP and box["height"] >= TAP
    page.get_by_role("link", name="27日白班缺岗").click()
    expect(page.locator("main")).to_contain_text(STATION_POST)
