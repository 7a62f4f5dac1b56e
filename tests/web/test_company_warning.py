"""A company's warning is labelled as a company's: its name and 统一社会信用代码, and the ID
number beside it named as its legal representative's, on the board, the page and the notice."""

from __future__ import annotations

import re
from dataclasses import replace

from sunlight.models.detection import Person
from tests.appdb.builders import detection
from tests.web.conftest import StaffApp
from tests.web.page_text import read_words as words
from tests.web.stored import store

CREDIT_CODE = "916103270NW0AW898M"
COMPANY = "陇县杨塬建材有限公司"
REP = "610327198712046514"


def _company_warning(staff_app: StaffApp) -> str:
    company = replace(detection([1, 2]), model="COMPANY_INACTIVE_PAID", subject=CREDIT_CODE,
                      program="LIUGONG", id_number=REP, name=COMPANY, subject_kind="company",
                      subject_name=COMPANY, people=(Person(REP, "杨建军", "", "legal_rep"),),
                      template=f"{COMPANY}已注销，{{periods_zh}}仍领取留工补贴。")
    return store(staff_app, [company])[CREDIT_CODE]


def test_the_board_links_the_company_not_its_representative(staff_app: StaffApp):
    _company_warning(staff_app)
    html = staff_app.client("analyst").get("/staff/warnings").text
    row = next(r for r in html.split("<tr>") if COMPANY in r)
    name_cell = re.search(r'<td class="nowrap" data-label="企业">(.*?)</td>', row)
    assert name_cell is not None and "/staff/entities/company/" in name_cell.group(1)
    assert 'data-label="法定代表人身份证号"' in row
    assert "法定代表人 610327********6514" in words(row)


def test_the_page_and_the_notice_name_the_company_and_its_representative(
        staff_app: StaffApp):
    warning_id = _company_warning(staff_app)
    client = staff_app.client("analyst")
    page = words(client.get(f"/staff/warnings/{warning_id}").text)
    assert f"企业 {COMPANY}" in page and f"统一社会信用代码 {CREDIT_CODE}" in page
    assert "法定代表人身份证号 610327********6514" in page and "姓名 " + COMPANY not in page
    notice = words(client.get(f"/staff/warnings/{warning_id}/notice").text)
    assert f"企业名称 {COMPANY} 统一社会信用代码 {CREDIT_CODE}" in notice
    assert f"法定代表人 杨建军 法定代表人身份证号 {REP}" in notice
    assert f"姓名 {COMPANY}" not in notice
