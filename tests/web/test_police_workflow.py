"""A police warning (contract §6) as police staff work it: none of the officer's subsidy
records, no link they may not open, a 督察 notice to the unit, the 督察's wording and
measures with no money, the board and case list by unit, and an export of their units."""

from __future__ import annotations

import io
from dataclasses import replace
from decimal import Decimal

import pytest
from python_calamine import CalamineWorkbook

from sunlight.accounts.users import add_user
from sunlight.appdb.timeline_tables import PersonRecord
from sunlight.contract.roles import INSPECTOR, LIAISON
from sunlight.masking import masked_number
from sunlight.models.detection import Detection, Person
from tests.appdb.builders import PERSON, detection
from tests.appdb.test_police_warnings import OFFICER, UNIT, absent
from tests.web.case_builders import act
from tests.web.conftest import PASSWORD, StaffApp
from tests.web.page_text import visible_text
from tests.web.stored import assign, store

OTHER_UNIT = "交警大队"
OTHER_OFFICER = "610327198001011238"


def officer_absent() -> Detection:
    """刘警官 found away on roll calls, with the facts every warning carries."""
    return replace(absent([10, 12]), facts={"as_of": "2024-02-29", "village_warnings": "3"},
                   people=(Person(OFFICER, "刘警官", "", "subject"),))


def other_unit_absent() -> Detection:
    return replace(absent([11]), subject=OTHER_OFFICER, id_number=OTHER_OFFICER,
                   name="赵警官", subject_name="赵警官", unit=OTHER_UNIT)


@pytest.fixture
def police(staff_app: StaffApp) -> dict[str, str]:
    """The warnings stored (the officer also paid 低保, as a person of the county may be),
    and an inspector and a liaison of the officer's unit."""
    ids = store(staff_app, [officer_absent(), other_unit_absent()])
    ids.update(store(staff_app, [detection([1, 2])]))
    with staff_app.session() as session:
        session.add(PersonRecord(id_number=OFFICER, kind="payment", dated="2024-01",
                                 program="DIBAO", amount=Decimal("500.00"), details={},
                                 dataset="payments", file="低保2024.xlsx", sheet="Sheet1",
                                 row=2))
        for username, role in (("inspector", INSPECTOR), ("liaison", LIAISON)):
            user = add_user(session, username, role, PASSWORD, display_name=username,
                            units=[UNIT])
            staff_app.users[username] = user.id
        session.commit()
    return ids


def page(app: StaffApp, user: str, address: str) -> str:
    response = app.client(user).get(address)
    assert response.status_code == 200
    return response.text


def test_police_staff_see_none_of_an_officers_subsidy_records(staff_app: StaffApp,
                                                            police: dict[str, str]):
    address = f"/staff/warnings/{police[OFFICER]}"
    assert "个人时间线" in page(staff_app, "analyst", address)
    assign(staff_app, police[OFFICER], "liaison")
    for user in ("inspector", "liaison"):
        html = page(staff_app, user, address)
        assert "个人时间线" not in html and "逐月发放" not in html and "低保2024" not in html


def test_police_pages_link_nothing_police_staff_may_not_open(staff_app: StaffApp,
                                                             police: dict[str, str]):
    case_no = assign(staff_app, police[OFFICER], "liaison")
    liaison, inspector = staff_app.client("liaison"), staff_app.client("inspector")
    assert act(staff_app, liaison, case_no, "verify", verdict="属实",
               reason="点名时不在岗").status_code == 303
    assert act(staff_app, inspector, case_no, "dispose", police_measures="批评教育",
               disciplined=masked_number(OFFICER)).status_code == 303
    for user in ("inspector", "liaison"):
        for address in (f"/staff/warnings/{police[OFFICER]}", "/staff/warnings",
                        "/staff/cases", f"/staff/cases/{case_no}"):
            response = staff_app.client(user).get(address)
            if response.status_code == 200:
                assert "/staff/entities/" not in response.text, (user, address)
                assert "外乡镇" not in response.text, (user, address)
    # The analyst, who may open it, still follows the 处分对象 to the officer's page.
    assert "/staff/entities/person/" in page(staff_app, "analyst",
                                             f"/staff/warnings/{police[OFFICER]}")


def test_a_police_warnings_notice_goes_to_its_unit(staff_app: StaffApp,
                                                   police: dict[str, str]):
    notice = visible_text(page(staff_app, "inspector",
                               f"/staff/warnings/{police[OFFICER]}/notice"))
    assert "督察整改通知书" in notice and f"{UNIT}：" in notice
    assert "被督察单位" in notice and "2024-02-29" in notice and "公安局督察部门" in notice
    for subsidy_word in ("人民政府", "县纪委监委", "补贴项目", "涉及金额", "追回金额"):
        assert subsidy_word not in notice
    # The subsidy notice stays as it was.
    assert "县纪委监委" in page(staff_app, "analyst", f"/staff/warnings/{police[PERSON]}/notice")


def test_a_police_case_speaks_of_officers_and_inspection_measures_not_money(
        staff_app: StaffApp, police: dict[str, str]):
    case_no = assign(staff_app, police[OFFICER], "liaison")
    address = f"/staff/warnings/{police[OFFICER]}"
    checking = visible_text(page(staff_app, "liaison", address))
    assert "入户" not in checking and "纪委监委" not in checking
    assert "督察部门审核" in page(staff_app, "liaison", address)
    liaison, inspector = staff_app.client("liaison"), staff_app.client("inspector")
    act(staff_app, liaison, case_no, "verify", verdict="属实", reason="点名时不在岗")
    deciding = page(staff_app, "inspector", address)
    assert "责令整改" in deciding and "禁闭" in deciding and "当事民警" in deciding
    for subsidy_word in ("追回金额", "停发", "取消资格", "领取人", "监察机关立案调查"):
        assert subsidy_word not in visible_text(deciding), subsidy_word
    refused = act(staff_app, inspector, case_no, "dispose", recovered_amount="100")
    assert refused.status_code == 400 and "不涉及资金" in visible_text(refused.text)
    refused = act(staff_app, inspector, case_no, "dispose", organisational_measures="诫勉")
    assert refused.status_code == 400
    assert act(staff_app, inspector, case_no, "dispose",
               police_measures=["责令整改", "诫勉谈话"], transferred_to="纪检监察机关",
               disciplined=masked_number(OFFICER)).status_code == 303
    done = visible_text(page(staff_app, "inspector", address))
    assert "督察处理 责令整改、诫勉谈话" in done and "移送 纪检监察机关" in done
    assert "追回" not in done and "停发" not in done


def test_police_staff_board_and_cases_are_by_unit(staff_app: StaffApp,
                                                   police: dict[str, str]):
    board = page(staff_app, "inspector", "/staff/warnings")
    assert f">{UNIT}</option>" in board and 'id="f-township"' not in board
    assert "值班脱岗" in board and "死亡后仍领取" not in board
    assert "涉及金额" not in board and "<th>单位</th>" in board
    warning = visible_text(page(staff_app, "inspector", f"/staff/warnings/{police[OFFICER]}"))
    assert f"单位 {UNIT}" in warning and "乡镇 / 村" not in warning
    for user in ("inspector", "analyst"):
        assert "同村其他预警人数" not in page(staff_app, user,
                                             f"/staff/warnings/{police[OFFICER]}")
    assign(staff_app, police[OFFICER], "liaison")
    listed = page(staff_app, "inspector", "/staff/cases")
    cases = visible_text(listed)
    assert "督察案件" in cases and "我的核查任务" not in cases and UNIT in cases
    # The menu calls the page what its title does.
    assert 'href="/staff/cases">督察案件</a>' in listed.replace(' aria-current="page"', "")


def test_an_inspector_exports_the_warnings_of_their_units_only(staff_app: StaffApp,
                                                               police: dict[str, str]):
    response = staff_app.client("inspector").get("/staff/warnings/export.xlsx")
    assert response.status_code == 200
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    cells = {str(cell) for name in workbook.sheet_names
             for row in workbook.get_sheet_by_name(name).to_python() for cell in row}
    assert police[OFFICER] in cells
    assert police[OTHER_OFFICER] not in cells and police[PERSON] not in cells
