"""The dashboard leads to the board (issue 12, item 4) and the board reads at 1280 px
(item 5): bars open the board filtered by them, months apart from years, bars by money, no
name or ID broken over two lines, the 村 list following the 乡镇."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import DESKTOP, Served, log_in
from tests.web.conftest import PASSWORD
from tests.web.county_board import county
from tests.web.stored import store

pytestmark = pytest.mark.browser


@pytest.fixture
def analyst(browser: Browser, served: Served) -> Iterator[Page]:
    """The analyst logged in at 1280 px, over the small county's warnings."""
    store(served.staff_app, county())
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, served.base_url, "analyst", PASSWORD)
    yield page
    context.close()


def column(page: Page, label: str) -> list[str]:
    """The text of one column of the board, row by row."""
    return [text.strip() for text in
            page.locator(f'#board td[data-label="{label}"]').all_inner_texts()]


def chart(page: Page, heading: str):
    return page.locator("section.chart").filter(
        has=page.get_by_role("heading", name=heading, exact=True))


def open_bar(page: Page, heading: str, bar: str) -> None:
    chart(page, heading).get_by_role("link", name=re.compile(f"^{re.escape(bar)}")).click()
    page.wait_for_url(re.compile(r"/staff/warnings\?"))


@pytest.mark.parametrize(("heading", "bar", "label", "expected"), [
    ("预警按乡镇", "八渡乡", "乡镇 / 村", ["八渡乡 · 上寨村", "八渡乡 · 下寨村", "八渡乡 · 上寨村",
                                          "八渡乡 · 下寨村"]),
    ("预警按模型", "重复发放", "模型", ["重复发放", "重复发放"]),
    ("预警按月份（按月发放的项目）", "2024-02", "期间", ["2024-02", "2024-02"]),
    ("预警按年度（按年发放的项目）", "2024年度", "期间", ["2024年度", "2024年度"]),
])
def test_a_bar_opens_the_board_filtered_by_it(analyst: Page, heading: str, bar: str,
                                              label: str, expected: list[str]):
    open_bar(analyst, heading, bar)
    assert sorted(column(analyst, label)) == sorted(expected)
    expect(analyst.locator("#board .stat").first).to_have_text(str(len(expected)))


def test_a_month_bar_lists_the_warnings_whose_problem_starts_that_month(analyst: Page):
    open_bar(analyst, "预警按月份（按月发放的项目）", "2024-03")
    assert column(analyst, "期间") == ["2024-03–2024-04"]
    expect(analyst.get_by_label("起始所属期")).to_have_value("2024-03")


def test_annual_programs_are_charted_apart_from_months(analyst: Page):
    months = chart(analyst, "预警按月份（按月发放的项目）").get_by_role("link")
    years = chart(analyst, "预警按年度（按年发放的项目）").get_by_role("link")
    assert [name.split("：")[0] for name in months.evaluate_all(
        "links => links.map(a => a.getAttribute('aria-label'))")] == [
        "2024-01", "2024-02", "2024-03", "2024-04"]
    assert years.evaluate_all("links => links.map(a => a.getAttribute('aria-label'))") == [
        "2024年度：2 条 · 9,440.00 元"]


def test_bars_measure_money_when_asked(analyst: Page):
    first = chart(analyst, "预警按模型").get_by_role("link").first
    expect(first).to_have_attribute("aria-label", re.compile(r"^死亡后仍领取.*：3 条"))
    analyst.get_by_role("link", name="按金额").click()
    expect(analyst.get_by_role("link", name="按金额")).to_have_attribute("aria-current", "page")
    first = chart(analyst, "预警按模型").get_by_role("link").first
    expect(first).to_have_attribute("aria-label",
                                    re.compile(r"^虚报面积.*：9,440.00 元 · 2 条$"))
    bars = chart(analyst, "预警按乡镇").locator("rect.bar")
    widths = bars.evaluate_all("bars => bars.map(b => Number(b.getAttribute('width')))")
    assert widths[0] > 3 * widths[1]  # 八渡乡 10,380 元 against 城关镇 2,560 元


def one_line(page: Page, selector: str) -> list[str]:
    """The texts of the cells that take more than one line."""
    return page.locator(selector).evaluate_all("""cells => cells.filter((cell) => {
        const range = document.createRange();
        range.selectNodeContents(cell);
        const size = parseFloat(getComputedStyle(cell).fontSize);
        return range.getBoundingClientRect().height > 1.8 * size;
      }).map((cell) => cell.textContent.trim())""")


def test_names_models_and_warning_ids_stay_on_one_line_at_1280(analyst: Page, served: Served):
    analyst.goto(f"{served.base_url}/staff/warnings")
    expect(analyst.locator("#board tbody tr")).to_have_count(8)
    for label in ("预警编号", "模型", "姓名", "身份证号", "项目", "金额（元）"):
        assert one_line(analyst, f'#board td[data-label="{label}"]') == [], label
    wrap = analyst.locator("#board .table-wrap")
    assert wrap.evaluate("w => w.scrollWidth <= w.clientWidth")  # no sideways scrolling


def village_options(page: Page) -> list[str]:
    return page.get_by_label("村").locator("option").all_inner_texts()


def test_choosing_a_township_narrows_the_villages(analyst: Page, served: Served):
    analyst.goto(f"{served.base_url}/staff/warnings")
    assert village_options(analyst) == ["全部", "上寨村", "下寨村", "东关社区", "西村"]
    analyst.get_by_label("乡镇").select_option("城关镇")
    assert village_options(analyst) == ["全部", "东关社区", "西村"]
    analyst.get_by_label("村").select_option("西村")
    expect(analyst.locator("#board tbody tr")).to_have_count(2)
    analyst.get_by_label("乡镇").select_option("八渡乡")
    assert village_options(analyst) == ["全部", "上寨村", "下寨村"]
    expect(analyst.get_by_label("村")).to_have_value("")
    expect(analyst.locator("#board tbody tr")).to_have_count(4)
    assert set(column(analyst, "乡镇 / 村")) == {"八渡乡 · 上寨村", "八渡乡 · 下寨村"}
    assert "township=" in analyst.url and "village=" not in analyst.url.replace("village=&", "")


def test_without_javascript_the_villages_follow_the_township_in_the_address(
        browser: Browser, served: Served):
    store(served.staff_app, county())
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    log_in(page, served.base_url, "analyst", PASSWORD)
    page.goto(f"{served.base_url}/staff/warnings?township=城关镇&village=西村")
    page.get_by_label("乡镇").select_option("八渡乡")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_load_state()
    options = village_options(page)
    rows = column(page, "乡镇 / 村")
    context.close()
    assert options == ["全部", "上寨村", "下寨村"]
    assert len(rows) == 4 and {row.split(" · ")[0] for row in rows} == {"八渡乡"}
