"""Exports: the filtered board as Excel (analyst only, audited), and the printable
verification notice (核查通知书), which prints the full ID number and so is audited too."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import select

from sunlight.appdb.audit_tables import AuditEntry
from sunlight.models.detection import Person
from tests.appdb.builders import PERSON, detection
from tests.models.county import make_id
from tests.web.case_builders import act
from tests.web.conftest import StaffApp
from tests.web.stored import assign, store

ZHANG = make_id("1970-01-01", 3)


@pytest.fixture
def ids(staff_app: StaffApp) -> dict[str, str]:
    """王芳 (城关镇, deceased and paid) and 张伟 (马家镇, too young)."""
    return store(staff_app, [
        detection([1, 2, 3]),
        replace(detection([1, 2], subject=ZHANG, model="INELIGIBLE_AGE", amount="150"),
                name="张伟", subject_name="张伟", township="马家镇",
                people=(Person(ZHANG, "张伟", "", "payee"),)),
    ])


def audit(staff_app: StaffApp, action: str) -> list[AuditEntry]:
    with staff_app.session() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def sheet(content: bytes, name: str) -> list[list[object]]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_name(name).to_python()


@pytest.mark.parametrize(("user", "status"), [
    ("analyst", 200), ("verifier", 403), ("verifier_other", 403), ("officer", 403),
    ("admin", 403)])
def test_who_may_export_the_board(staff_app: StaffApp, ids: dict[str, str], user: str,
                                  status: int):
    assert staff_app.client(user).get("/staff/warnings/export.xlsx").status_code == status


def test_anonymous_export_is_sent_to_log_in(staff_app: StaffApp):
    response = staff_app.client().get("/staff/warnings/export.xlsx", follow_redirects=False)
    assert response.headers["location"].startswith("/staff/login")


def test_the_export_is_the_filtered_board_in_chinese_with_masked_ids(
        staff_app: StaffApp, ids: dict[str, str]):
    response = staff_app.client("analyst").get("/staff/warnings/export.xlsx?township=马家镇")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response.headers["content-disposition"]
    header, *rows = sheet(response.content, "预警清单")
    assert header[:7] == ["预警编号", "风险分", "模型", "对象类型", "对象", "身份证号", "姓名"]
    assert [(row[0], row[3], row[4], row[5], row[6], row[9]) for row in rows] == [
        (ids[ZHANG], "个人", "张伟", f"{ZHANG[:6]}********{ZHANG[-4:]}", "张伟", "马家镇")]
    evidence = sheet(response.content, "证据行")
    assert {row[0] for row in evidence[1:]} == {ids[ZHANG]}
    [entry] = audit(staff_app, "export.warnings")
    assert entry.actor == "analyst"
    assert entry.details == {"filters": {"township": "马家镇"}, "rows": 1}


def test_the_export_of_the_whole_board_keeps_its_order(staff_app: StaffApp,
                                                       ids: dict[str, str]):
    content = staff_app.client("analyst").get("/staff/warnings/export.xlsx?sort=amount").content
    assert [row[0] for row in sheet(content, "预警清单")[1:]] == [ids[PERSON], ids[ZHANG]]
    assert audit(staff_app, "export.warnings")[0].details["rows"] == 2


@pytest.mark.parametrize(("user", "status"), [  # the verifiers: not assigned, as if missing
    ("analyst", 200), ("verifier", 404), ("verifier_other", 404), ("officer", 403),
    ("admin", 403)])
def test_who_may_print_a_notice(staff_app: StaffApp, ids: dict[str, str], user: str,
                                status: int):
    response = staff_app.client(user).get(f"/staff/warnings/{ids[PERSON]}/notice")
    assert response.status_code == status
    assert (PERSON in response.text) == (status == 200)


def test_the_notice_names_the_case_the_person_the_finding_and_the_evidence(
        staff_app: StaffApp, ids: dict[str, str]):
    wid = ids[PERSON]
    case_no = assign(staff_app, wid, "verifier")
    html = staff_app.client("verifier").get(f"/staff/warnings/{wid}/notice").text
    assert "核查通知书" in html and case_no in html
    assert PERSON in html and "王芳" in html and "城关镇人民政府" in html
    assert "死亡后仍领取" in html and "王芳已于2023年12月死亡" in html
    assert "低保2024.xlsx" in html and "死亡登记.csv" in html
    assert "死亡时间是否属实" in html  # what to verify, from the evidence's datasets
    assert "回　执" in html and "□ 属实" in html
    [entry] = audit(staff_app, "view.id_number")
    assert (entry.actor, entry.target, entry.details) == (
        "verifier", wid, {"warning": wid, "via": "notice"})


def test_a_notice_before_assignment_gives_the_default_deadline(staff_app: StaffApp,
                                                               ids: dict[str, str]):
    html = staff_app.client("analyst").get(f"/staff/warnings/{ids[PERSON]}/notice").text
    assert "尚未立案" in html and "30 日内" in html


def test_notice_of_an_unknown_warning_is_404_and_anonymous_must_log_in(staff_app: StaffApp):
    assert staff_app.client("analyst").get("/staff/warnings/W-NONE/notice").status_code == 404
    response = staff_app.client().get("/staff/warnings/W-NONE/notice", follow_redirects=False)
    assert response.status_code == 303


def test_the_export_says_what_each_case_came_to(staff_app: StaffApp, ids: dict[str, str]):
    case_no = assign(staff_app, ids[PERSON], "verifier")
    act(staff_app, staff_app.client("verifier"), case_no, "verify", verdict="属实", reason="核实")
    done = act(staff_app, staff_app.client("analyst"), case_no, "dispose",
               recovered_amount="1,200.50", party_discipline="警告", disciplined="typed",
               disciplined_id_number="110101198001010010", disciplined_name="李村长",
               payment_stopped_on="2024-06-01")
    assert done.status_code == 303
    content = staff_app.client("analyst").get("/staff/warnings/export.xlsx").content
    header, *rows = sheet(content, "处置情况")
    assert header[:4] == ["预警编号", "案件编号", "状态", "核实结论"]
    assert "处分对象身份证号" in header and "停发日期" in header and "取消资格日期" in header
    [row] = rows  # 张伟's warning has no case
    shown = dict(zip(header, row, strict=True))
    assert (shown["预警编号"], shown["案件编号"], shown["状态"]) == (ids[PERSON], case_no, "处置中")
    assert shown["追回金额（元）"] == 1200.5 and shown["处分或组织处理"] == "党纪处分 警告"
    assert (shown["处分对象姓名"], shown["处分对象身份证号"]) == ("李村长", "110101********0010")
    assert (shown["停发日期"], shown["取消资格日期"]) == ("2024-06-01", "")
