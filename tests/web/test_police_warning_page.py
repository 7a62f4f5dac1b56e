"""A police warning (contract §6) in the workbench: no money shown anywhere, its rows called
问题记录, the as-of date it was judged at among its facts."""

from __future__ import annotations

from dataclasses import replace

from sunlight.models.detection import Detection
from sunlight.web.dashboard_data import build
from tests.appdb.builders import PERSON, detection
from tests.appdb.test_police_warnings import overdue_case
from tests.web.conftest import StaffApp
from tests.web.stored import store


def judged_case() -> Detection:
    return replace(overdue_case(), facts={"as_of": "2024-02-29"})


def test_a_case_warning_shows_no_money_and_the_date_it_was_judged_at(staff_app: StaffApp):
    ids = store(staff_app, [judged_case(), detection([1, 2])])
    client = staff_app.client("analyst")
    html = client.get(f"/staff/warnings/{ids['A20240190183']}").text
    assert "案件A20240190183（行政，城关派出所）" in html
    assert "涉及金额" not in html and "0.00" not in html
    assert "问题记录" in html and "问题发放" not in html
    assert "判断截止日期" in html and "2024-02-29" in html
    # The money warning beside it still says its money.
    assert "1,000.00 元" in client.get(f"/staff/warnings/{ids[PERSON]}").text
    notice = client.get(f"/staff/warnings/{ids['A20240190183']}/notice").text
    assert "0.00" not in notice and "问题记录" in notice
    board = client.get("/staff/warnings").text
    assert "1,000.00" in board and "0.00<" not in board.replace("1,000.00<", "")


def test_the_dashboards_month_bars_count_no_day_of_a_police_warning(staff_app: StaffApp):
    store(staff_app, [judged_case(), detection([1, 2])])
    with staff_app.session() as session:
        data = build(session)
    assert [(t.label, t.count) for t in data.by_month] == [("2024-01", 1)]
    assert {t.key for t in data.by_model} == {"CASE_OVERDUE", "DECEASED_PAID"}
