"""An officer downloads a dataset's template from the upload page, and sees a file refused for
its header with the headers found beside the headers expected (issue 12, item 9)."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import Page, expect
from python_calamine import CalamineWorkbook

from tests.browser.conftest import DESKTOP, Served, log_in
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_the_template_downloads_from_the_upload_page(page: Page, served: Served):
    log_in(page, served.base_url, "officer", PASSWORD)
    page.goto(f"{served.base_url}/staff/uploads")
    with page.expect_download() as started:
        page.get_by_role("link", name="死亡信息导入模板").click()
    download = started.value
    assert download.suggested_filename == "死亡信息-导入模板.xlsx"
    path = download.path()
    book = CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes()))
    assert book.sheet_names == ["数据", "填写说明"]
    header = book.get_sheet_by_name("数据").to_python()
    assert header == [["身份证号", "姓名", "死亡日期", "信息来源"]]


def test_a_file_with_wrong_headers_shows_found_beside_expected(page: Page, served: Served):
    log_in(page, served.base_url, "officer", PASSWORD)
    page.goto(f"{served.base_url}/staff/uploads")
    page.get_by_label("数据集").select_option(label="死亡信息")
    page.locator("#file").set_input_files(files=[{
        "name": "死亡名单.csv", "mimeType": "text/csv",
        "buffer": "身份证号,姓名,去世时间\n610327197106050172,王芳,2023-05-01\n".encode()}])
    page.get_by_role("button", name="上传").click()
    report = page.locator("#upload-report")
    expect(report).to_contain_text("被拒收", timeout=60_000)
    expect(report.get_by_role("alert")).to_contain_text("缺少必填列：死亡日期")
    found = page.get_by_role("region", name="文件中的表头")
    expected = page.get_by_role("region", name="应有的表头")
    expect(found).to_contain_text("去世时间")
    expect(found.get_by_text("（未识别）")).to_have_count(1)
    missing = expected.get_by_role("row").filter(has_text="死亡日期")
    expect(missing).to_contain_text("必填")
    expect(missing).to_contain_text("缺少")
    expect(expected.get_by_role("row").filter(has_text="姓名")).to_contain_text("已找到")
    left, right = found.bounding_box(), expected.bounding_box()
    assert left is not None and right is not None
    if page.viewport_size == DESKTOP:  # side by side; on a phone, one above the other
        assert left["x"] + left["width"] <= right["x"] and abs(left["y"] - right["y"]) < 2
    else:
        assert left["y"] + left["height"] <= right["y"]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
