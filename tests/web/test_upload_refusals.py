"""A refused upload says why in Chinese, and a file refused for its header shows the headers
found beside the headers expected."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from tests.ingest.test_refusals_in_chinese import OLE, encrypted, latin_words, truncated
from tests.web.conftest import StaffApp
from tests.web.test_uploads import finished, send


def reason(report: str) -> str:
    """The reason on the refused upload's page, as a person reads it."""
    [alert] = re.findall(r'<p class="alert" role="alert">(.*?)</p>', report, re.S)
    text = html.unescape(re.sub(r"<[^>]+>", "", alert))
    assert "被拒收" in text and "未写入任何数据" in text
    return text.split("原因：", 1)[1]


def bad_file(tmp_path: Path, kind: str) -> tuple[str, bytes]:
    files = {
        "乱码.xlsx": lambda: bytes(range(256)) * 8,
        "截断.xlsx": lambda: truncated(tmp_path / "截断.xlsx").read_bytes(),
        "加密.xlsx": lambda: encrypted(tmp_path / "加密.xlsx").read_bytes(),
        "网页.xls": lambda: "<html><table><tr><td>姓名</td></tr></table></html>".encode(),
        "旧版.xlsx": lambda: OLE + bytes(2048),
        "表头不符.csv": lambda: "序号,户主,证件\n1,王芳,6103\n".encode(),
    }
    return kind, files[kind]()


@pytest.mark.parametrize(("kind", "says"), [
    ("乱码.xlsx", "不是 Excel 表格"),
    ("截断.xlsx", "已损坏或不完整"),
    ("加密.xlsx", "密码"),
    ("网页.xls", "网页格式"),
    ("旧版.xlsx", "旧版 Excel"),
    ("表头不符.csv", "找不到“死亡信息”的表头行"),
])
def test_a_bad_file_is_refused_with_a_reason_in_chinese_only(
        staff_app: StaffApp, tmp_path: Path, kind: str, says: str):
    client = staff_app.client("officer")
    name, body = bad_file(tmp_path, kind)
    report = finished(staff_app, client, send(client, "deaths", name, body).headers["location"])
    why = reason(report)
    assert says in why
    assert latin_words(why) == set(), why


def test_a_file_refused_for_its_header_shows_found_beside_expected(staff_app: StaffApp):
    client = staff_app.client("officer")
    body = "死亡人员名单\n公民身份号码,姓名,备注\n610327197106050172,王芳,无\n".encode()
    location = send(client, "deaths", "名单.csv", body).headers["location"]
    finished(staff_app, client, location)
    page = client.get(location).text
    assert "第 2 行被识别为表头，但缺少必填列：死亡日期" in page
    found = re.search(r'<ol class="found-headers">(.*?)</ol>', page, re.S)
    assert found is not None
    cells = [re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", item))).strip()
             for item in re.findall(r"<li>(.*?)</li>", found.group(1), re.S)]
    assert cells == ["公民身份号码 识别为身份证号", "姓名 识别为姓名", "备注 （未识别）"]
    expected = re.search(r'<table class="stacked expected-headers">(.*?)</table>', page, re.S)
    assert expected is not None
    rows = [[re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", cell))).strip()
             for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", expected.group(1), re.S)[1:]]
    assert rows == [
        ["身份证号", "必填", "已找到 公民身份号码",
         "公民身份号码、死者身份证号、身份证号码、身份证"],
        ["姓名", "必填", "已找到 姓名", "死者姓名"],
        ["死亡日期", "必填", "缺少", ""],
        ["信息来源", "选填", "没有", "来源"],
    ]
    assert "deaths" not in re.sub(r'href="[^"]*"', "", page)  # no dataset code to read
    assert 'href="/staff/uploads/templates/deaths"' in page
