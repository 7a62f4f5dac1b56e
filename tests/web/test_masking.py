"""Account and ID numbers inside a warning's text are masked wherever staff read or export it."""

from __future__ import annotations

import io
from dataclasses import replace

from python_calamine import CalamineWorkbook

from sunlight.masking import masked_number, masked_text
from tests.appdb.builders import detection
from tests.web.conftest import StaffApp
from tests.web.stored import store

ACCOUNT = "6228455935947603565"
PERSON_ID = "610327197106050172"


def test_masking_keeps_the_first_6_and_last_4_characters():
    assert masked_number(ACCOUNT) == "622845*********3565"
    assert masked_number("61032719710605017X") == "610327********017X"
    assert masked_text(f"账号{ACCOUNT}在2024年3月为4人发放，身份证{PERSON_ID}。") == (
        "账号622845*********3565在2024年3月为4人发放，身份证610327********0172。")
    # Dates, amounts and short numbers stay as they are.
    assert masked_text("2024年3月至2024年6月共计1,500.00元，户号3301") == (
        "2024年3月至2024年6月共计1,500.00元，户号3301")


def _shared_account_warning(staff_app: StaffApp) -> str:
    # Payees unknown (a warning stored before warnings named them): the account stands in.
    shared = replace(detection([1, 2]), model="SHARED_ACCOUNT", subject=ACCOUNT, name="",
                     id_number="", program="", subject_kind="account", subject_name="",
                     people=(),
                     template=f"账号{ACCOUNT}在{{periods_zh}}为4人（2户）发放补贴。")
    return store(staff_app, [shared])[ACCOUNT]


def test_the_warning_page_and_notice_mask_the_account(staff_app: StaffApp):
    warning_id = _shared_account_warning(staff_app)
    client = staff_app.client("analyst")
    page = client.get(f"/staff/warnings/{warning_id}").text
    assert "622845*********3565" in page and ACCOUNT not in page
    notice = client.get(f"/staff/warnings/{warning_id}/notice").text
    assert ACCOUNT not in notice


def test_the_board_export_masks_the_account_in_the_explanation(staff_app: StaffApp):
    _shared_account_warning(staff_app)
    content = staff_app.client("analyst").get("/staff/warnings/export.xlsx").content
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    cells = [str(cell) for row in book.get_sheet_by_index(0).to_python() for cell in row]
    assert ACCOUNT not in " ".join(cells)
    assert any("622845*********3565" in cell for cell in cells)


def test_facts_are_shown_in_chinese_with_numbers_masked():
    from sunlight.web.reference import fact_rows

    rows = dict(fact_rows("SHARED_ACCOUNT", {"id_number": PERSON_ID, "ongoing": "1",
                                             "strength": "0.95", "persons": "4",
                                             "unheard_of": "x"}))
    assert rows == {"身份证号": "610327********0172", "是否仍在发放": "是",
                    "证据强度": "强（0.95）", "涉及人数": "4", "unheard_of": "x"}


def test_facts_show_money_as_money_and_a_start_as_its_month():
    from sunlight.web.reference import fact_rows

    rows = dict(fact_rows("HEADCOUNT_OVERCLAIMED", {"paid_yuan": "38000", "month": "2024-01"}))
    assert rows == {"当月发放金额（元）": "38,000.00", "所属月份": "2024-01"}
    standard = dict(fact_rows("OVER_STANDARD", {"standard_text": "每名申报职工500.00元×申报人数"
                                                                 "54人=27000.00元"}))
    assert standard == {"补贴标准": "每名申报职工500.00元×申报人数54人=27,000.00元"}
    assert dict(fact_rows("OFFICIAL_ON_WELFARE", {"start": "2021-03-15"})) == {
        "任职（或起始）年月": "2021-03"}


def test_the_board_names_an_account_warning_by_its_masked_account(staff_app: StaffApp):
    _shared_account_warning(staff_app)
    board = staff_app.client("analyst").get("/staff/warnings").text
    assert "622845*********3565" in board and ACCOUNT not in board


def test_only_the_workbench_export_masks_the_explanation(staff_app: StaffApp, tmp_path):
    from sqlalchemy import select

    from sunlight.appdb.tables import Warning
    from sunlight.contract.catalog import load_catalog
    from sunlight.warning_export import write_xlsx
    from sunlight.web.reference import library

    _shared_account_warning(staff_app)
    texts = {}
    with staff_app.session() as session:
        warnings = list(session.scalars(select(Warning)))
        for masked in (False, True):
            path = tmp_path / f"{masked}.xlsx"
            write_xlsx(warnings, path, library(), load_catalog(), masked=masked)
            rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
            texts[masked] = " ".join(str(cell) for cell in rows[1])
    assert ACCOUNT in texts[False]  # the command line's export is the commission's own file
    assert ACCOUNT not in texts[True] and "622845*********3565" in texts[True]
