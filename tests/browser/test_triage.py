"""A warning taken from 待分派 to 办结 by an analyst and a township verifier in a real browser,
and the dashboard changing with it, at desktop and phone widths."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from playwright.sync_api import Page, expect

from tests.appdb.builders import detection
from tests.browser.conftest import Served, log_in
from tests.web.conftest import PASSWORD
from tests.web.stored import store

pytestmark = pytest.mark.browser


def log_out(page: Page) -> None:
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(re.compile(r"/staff/login"))


def test_a_warning_goes_from_open_to_closed(page: Page, served: Served):
    warning_id = next(iter(store(served.staff_app, [detection([1, 2, 3])]).values()))
    base = served.base_url
    page.on("dialog", lambda dialog: dialog.accept())  # 提交核实结论, 处置 and 办结 ask first

    log_in(page, base, "analyst", PASSWORD)
    expect(page.get_by_role("heading", name="总览")).to_be_visible()
    expect(page.get_by_label("关键数字")).to_contain_text("0.00")
    page.get_by_role("link", name="预警", exact=True).click()
    page.get_by_role("link", name=warning_id).click()
    expect(page.get_by_text("王芳").first).to_be_visible()
    assign = page.get_by_role("form", name="分派核查")
    assign.get_by_label("核查人员").select_option(str(served.staff_app.users["verifier"]))
    assign.get_by_role("button", name="分派核查").click()
    expect(page.locator("#case-panel")).to_contain_text("核查中")
    log_out(page)

    log_in(page, base, "verifier", PASSWORD)
    expect(page.get_by_role("heading", name=re.compile("核查任务|案件"))).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^AJ\d+")).first.click()
    verify = page.get_by_role("form", name="提交核实结论")
    verify.get_by_label("核实结论").select_option("属实")
    verify.get_by_label("核实情况说明（必填）").fill("经入户核实，本人已于2023年12月死亡，家属继续领取。")
    verify.get_by_role("button", name="提交核实结论").click()
    expect(page.locator("#case-panel")).to_contain_text("已核实")
    log_out(page)

    log_in(page, base, "analyst", PASSWORD)
    page.goto(f"{base}/staff/warnings/{warning_id}")
    dispose = page.get_by_role("form", name="处置")
    dispose.get_by_label("追回金额（元）").fill("1500.00")
    dispose.get_by_label("政务处分").select_option("记过")
    dispose.get_by_label("批评教育").check()
    dispose.get_by_label("选择").select_option(index=1)  # the payee, 王芳
    dispose.get_by_label("停发的生效日期（未停发留空）").fill("2024-01-01")
    dispose.get_by_role("button", name="处置").click()
    expect(page.locator("#case-panel")).to_contain_text("处置中")
    expect(page.locator("#disposal-outcome")).to_contain_text("处分对象：王芳")
    expect(page.locator("#disposal-outcome")).to_contain_text("停发：自 2024-01-01 起")
    page.get_by_role("form", name="办结").get_by_role("button", name="办结").click()
    expect(page.locator("#case-panel")).to_contain_text("办结")
    expect(page.locator("#case-panel")).to_contain_text("1,500.00")

    page.get_by_role("link", name="总览").click()
    expect(page.get_by_label("关键数字")).to_contain_text("1,500.00")
    expect(page.get_by_role("cell", name="100%").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_dashboard_figures_and_charts_fit_a_phone(browser, served: Served):
    from tests.appdb.builders import detection as one

    store(served.staff_app, [one([1, 2, 3], amount="52952.39"),
                             replace(one([1], amount="123456.78"), subject="610327198001010015",
                                     township="一个名字很长的乡镇")])
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    page = context.new_page()
    log_in(page, served.base_url, "analyst", PASSWORD)
    page.goto(f"{served.base_url}/staff/dashboard")
    overflowing = page.evaluate("""() => [...document.querySelectorAll('.chart svg text, .stat')]
        .filter((e) => {
          const box = e.getBoundingClientRect();
          const frame = (e.closest('svg') || e.closest('.card')).getBoundingClientRect();
          return box.right > frame.right + 1 || box.left < frame.left - 1;
        }).map((e) => e.textContent)""")
    context.close()
    assert overflowing == [], overflowing
