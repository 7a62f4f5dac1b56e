"""A finance officer screens a batch on 发放前筛查 and sees the held row with its reason, then
downloads the verdicts, at desktop and at phone width without scrolling sideways (issue 14)."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import Page, expect
from python_calamine import CalamineWorkbook

from tests.browser.conftest import Served, log_in
from tests.web.conftest import PASSWORD
from tests.web.screening_support import add_finance_officers
from tests.web.test_screening_page import BATCH

pytestmark = pytest.mark.browser


def test_an_officer_screens_a_batch_and_sees_the_held_rows(page: Page, served: Served):
    add_finance_officers(served.staff_app)
    log_in(page, served.base_url, "caizheng", PASSWORD)
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="发放前筛查").click()
    page.locator("#file").set_input_files(files=[{
        "name": "待发放清单_2025年1月.csv", "mimeType": "text/csv", "buffer": BATCH}])
    page.get_by_role("button", name="开始筛查").click()
    result = page.locator("#screening-result")
    expect(result).to_contain_text("筛查完成", timeout=120_000)
    held = page.get_by_role("table", name="应暂缓发放的行")
    expect(held.get_by_role("row").filter(has_text="王芳").first).to_contain_text("重复发放")
    unreadable = page.get_by_role("table", name="无法读取的行")
    expect(unreadable).to_contain_text("身份证号无法识别")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    with page.expect_download() as started:
        page.get_by_role("link", name="下载筛查结果（Excel）").click()
    download = started.value
    assert download.suggested_filename.endswith(".xlsx")
    book = CalamineWorkbook.from_filelike(io.BytesIO(download.path().read_bytes()))
    assert len(book.sheet_names) >= 2
    page.get_by_role("link", name="← 发放前筛查").click()
    expect(page.get_by_role("table")).to_contain_text("待发放清单_2025年1月.csv")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
