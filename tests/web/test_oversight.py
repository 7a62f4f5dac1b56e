"""The 督察 views (网上督察) over a tiny bureau ingested and detected for real: units ranked by
problems, the post × day grid whose red cells lead to their POST_UNCOVERED warning, case
timeliness with the 涉疫 cases one by one, findings overdue first; each scoped to the
reader's units."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from urllib.parse import quote_plus

import pytest
from sqlalchemy import select

from sunlight.appdb.oversight_tables import OversightCase, OversightPostShift, OversightState
from sunlight.detect import run_detection
from sunlight.settings import Settings
from sunlight.web.routes import oversight
from tests.models.county import County
from tests.web.bureau_story import (
    CHECKPOINT,
    GATE,
    STATION,
    TRAFFIC,
    WINDOW,
    bureau,
    bureau_home,
    detect,
    uncovered,
)
from tests.web.conftest import StaffApp
from tests.web.page_text import visible_text

__all__ = ["bureau", "bureau_home"]


def get(app: StaffApp, user: str, url: str, status: int = 200) -> str:
    response = app.client(user).get(url)
    assert response.status_code == status, response.text[:2000]
    return response.text


def rows_of(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [" ".join(visible_text(row).split()) for row in body.split("</tr>")[:-1]]


def grid_row(html: str, post: str) -> str:
    table = html.split('class="coverage"', 1)[1].split("</table>", 1)[0]
    return next(row for row in table.split("</tr>") if f">{post}<" in row)


def test_the_dashboard_ranks_units_by_their_problems(bureau: StaffApp):
    html = get(bureau, "analyst", "/staff/oversight")
    rows = rows_of(html)
    # The station: a post uncovered, two overdue cases (one still open) and a finding overdue,
    # each warned of too, but each counted once; the brigade: a post uncovered, nothing else.
    heads = visible_text(html.split("<thead>", 1)[1].split("</thead>", 1)[0]).split()
    assert heads == ["单位", "卡口漏岗", "超期案件", "逾期整改问题", "合计"]
    assert rows[0] == f"{STATION} 1 2 1 4" and rows[1] == f"{TRAFFIC} 1 0 0 1"
    assert "判断截止日期：2024-03-04" in visible_text(html)
    assert f"/staff/warnings?model=POST_UNCOVERED&amp;unit={_quoted(STATION)}" in html


def _quoted(text: str) -> str:
    return quote_plus(text)


def test_the_board_link_of_a_unit_lists_its_police_warnings_alone(bureau: StaffApp):
    text = visible_text(get(bureau, "analyst", f"/staff/warnings?unit={_quoted(TRAFFIC)}"))
    assert CHECKPOINT in text and GATE not in text


def test_the_grid_marks_each_required_shift_and_links_a_gap_to_its_warning(bureau: StaffApp):
    html = get(bureau, "analyst",
               f"/staff/oversight/coverage?unit={_quoted(TRAFFIC)}&month=2024-03")
    row = grid_row(html, CHECKPOINT)
    warning = uncovered(bureau, TRAFFIC, CHECKPOINT)
    gaps = re.findall(r'<a class="shift gap" href="([^"]+)"', row)
    assert gaps == [f"/staff/warnings/{warning.warning_id}"]  # the night of 2 March alone
    assert "2日夜班缺岗" in visible_text(row)
    # Four days of two shifts covered but that one; the other 27 days of March are off roster.
    assert row.count('class="shift covered"') == 7
    assert row.count('class="shift off"') == 27 * 2
    assert "2日夜班" in visible_text(html.split("缺岗清单", 1)[1])


def test_a_day_shift_post_needs_no_night_and_an_inactive_day_is_not_a_gap(bureau: StaffApp):
    html = get(bureau, "analyst",
               f"/staff/oversight/coverage?unit={_quoted(STATION)}&month=2024-03")
    window = grid_row(html, WINDOW)
    assert window.count('class="shift covered"') == 4 and "gap" not in window
    gate = grid_row(html, GATE)  # active from 2 March, staffed by 全天 rows on the 2nd and 4th
    assert visible_text(gate).count("缺岗") == 1 and "3日白班缺岗" in visible_text(gate)
    assert gate.count('class="shift covered"') == 2


def test_case_timeliness_by_unit_and_category(bureau: StaffApp):
    html = get(bureau, "analyst", "/staff/oversight/cases")
    rows = rows_of(html)
    # 按期完成 超期完成 在办未超期 在办已超期
    assert f"{STATION} 涉疫 1 0 0 1" in rows
    assert f"{STATION} 行政 0 1 0 0" in rows
    assert f"{STATION} 刑事 1 0 0 0" in rows
    assert f"{TRAFFIC} 行政 0 0 1 0" in rows and f"{TRAFFIC} 刑事 0 0 1 0" in rows


def test_epidemic_cases_one_by_one_with_their_steps_overdue_first(bureau: StaffApp):
    html = get(bureau, "analyst", "/staff/oversight/cases")
    tracked = rows_of(html.split("逐案跟踪", 1)[1])
    assert tracked[0].startswith("A2024002 ") and "在办已超期" in tracked[0]
    assert "2024-02-10" in tracked[0] and "办结 15 天 23" in tracked[0]
    assert tracked[1].startswith("A2024001 ") and "2024-02-16" in tracked[1]
    assert "按期完成" in tracked[1] and " 15 按期完成" in tracked[1]
    assert len(tracked) == 2


def test_a_long_list_is_paged(bureau: StaffApp, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(oversight, "PAGE_SIZE", 1)
    first = get(bureau, "analyst", "/staff/oversight/cases")
    assert len(rows_of(first.split("逐案跟踪", 1)[1])) == 1 and "第 1 / 2 页" in first
    second = get(bureau, "analyst", "/staff/oversight/cases?page=2")
    assert rows_of(second.split("逐案跟踪", 1)[1])[0].startswith("A2024001 ")


def test_findings_overdue_first_and_by_status(bureau: StaffApp):
    html = get(bureau, "analyst", "/staff/oversight/findings")
    rows = rows_of(html)
    assert rows[0].startswith(f"DC001 {STATION}") and "逾期未整改" in rows[0]
    assert rows[0].endswith("13 整改超期")  # 20 February to 4 March, and its warning
    assert rows[1].startswith(f"DC002 {TRAFFIC}") and "按期整改" in rows[1]
    counts = visible_text(html.split("按整改情况", 1)[1].split("</ul>", 1)[0])
    assert " ".join(counts.split()) == "逾期未整改 1 超期整改 0 整改中 0 按期整改 1"
    only = rows_of(get(bureau, "analyst", "/staff/oversight/findings?state=on_time"))
    assert len(only) == 1 and only[0].startswith("DC002")


# ---- scope ---------------------------------------------------------------------------------

def test_an_inspector_sees_their_units_alone(bureau: StaffApp):
    rows = rows_of(get(bureau, "inspector_traffic", "/staff/oversight"))
    assert [row.split()[0] for row in rows] == [TRAFFIC]
    cases = visible_text(get(bureau, "inspector_traffic", "/staff/oversight/cases"))
    assert TRAFFIC in cases and STATION not in cases and "A2024002" not in cases
    findings = visible_text(get(bureau, "inspector_traffic", "/staff/oversight/findings"))
    assert "DC002" in findings and "DC001" not in findings
    board = visible_text(get(bureau, "inspector_traffic", "/staff/warnings"))
    assert CHECKPOINT in board and GATE not in board


@pytest.mark.parametrize("page", ["coverage", "cases", "findings"])
def test_an_inspector_asking_for_another_unit_gets_404(bureau: StaffApp, page: str):
    get(bureau, "inspector_traffic", f"/staff/oversight/{page}?unit={_quoted(STATION)}", 404)
    get(bureau, "inspector", f"/staff/oversight/{page}?unit={_quoted(STATION)}", 200)


def test_police_staff_cannot_open_warnings_of_other_units_by_their_address(bureau: StaffApp):
    station = uncovered(bureau, STATION, GATE)
    get(bureau, "inspector_traffic", f"/staff/warnings/{station.warning_id}", 404)
    get(bureau, "inspector", f"/staff/warnings/{station.warning_id}", 200)
    get(bureau, "liaison_traffic", f"/staff/warnings/{station.warning_id}", 404)
    get(bureau, "liaison_station", f"/staff/warnings/{station.warning_id}", 404)  # not assigned
    get(bureau, "verifier", f"/staff/warnings/{station.warning_id}", 404)


@pytest.mark.parametrize("user", ["liaison_station", "verifier", "officer", "admin"])
def test_the_views_are_for_analysts_and_inspectors(bureau: StaffApp, user: str):
    get(bureau, user, "/staff/oversight", 403)


def test_subsidy_pages_refuse_police_staff(bureau: StaffApp):
    for page in ("/staff/dashboard", "/staff/uploads", "/staff/search?q=王",
                 "/staff/self-corrections", "/staff/publications"):
        get(bureau, "inspector", page, 403)


def test_the_tables_are_built_and_read_alike_on_both_databases_and_kept_when_unchanged(
        staff_app_both: StaffApp, bureau_home: Path):
    """PostgreSQL gets the tables by TRUNCATE and COPY, SQLite by DELETE and executemany; a
    run over the same warehouse at the same as-of date keeps them."""
    app = staff_app_both
    detect(bureau_home, app.settings.database_url)
    with app.session() as session:
        built = session.scalars(select(OversightState.built_at)).one()
    detect(bureau_home, app.settings.database_url)
    with app.session() as session:
        assert session.scalars(select(OversightState.built_at)).one() == built
    rows = rows_of(get(app, "analyst", "/staff/oversight"))
    assert rows[0] == f"{STATION} 1 2 1 4"
    html = get(app, "analyst", f"/staff/oversight/coverage?unit={_quoted(TRAFFIC)}")
    assert grid_row(html, CHECKPOINT).count('class="shift gap"') == 1
    assert f"{STATION} 涉疫 1 0 0 1" in rows_of(get(app, "analyst", "/staff/oversight/cases"))
    findings = rows_of(get(app, "analyst", "/staff/oversight/findings"))
    assert findings[0].startswith("DC001") and findings[0].endswith("13 整改超期")


def test_another_as_of_date_judges_again(bureau: StaffApp, bureau_home: Path):
    detect(bureau_home, bureau.settings.database_url, as_of=date(2024, 2, 15))
    html = get(bureau, "analyst", "/staff/oversight/cases")
    assert "判断截止日期：2024-02-15" in visible_text(html)
    tracked = rows_of(html.split("逐案跟踪", 1)[1])
    assert tracked[0].startswith("A2024002 ") and tracked[0].endswith("办结 15 天 5 在办未超期")
    assert tracked[1].startswith("A2024001 ") and tracked[1].endswith("15 按期完成")


def test_a_unit_name_longer_than_its_column_is_cut_not_a_failed_run(
        staff_app_both: StaffApp, tmp_path: Path):
    hostile = County()
    officer = hostile.person("王五", "1980-01-01", registered=False)
    unit, post = "派" * 300, "卡" * 250
    hostile.post(unit, post, "白班")
    hostile.on_duty(officer, "2024-03-01", "白班", "值班民警", unit, post=post)
    hostile.on_duty(officer, "2024-03-03", "白班", "值班民警", unit, post=post)
    hostile.add("police_cases", case_no="B" * 300, unit=unit, category="行政",
                received_at="2024-03-01 09:00")
    home = tmp_path / "home"
    hostile.run(home)
    run_detection(Settings(home=home, database_url=staff_app_both.settings.database_url),
                  ["POST_UNCOVERED", "CASE_OVERDUE"])
    with staff_app_both.session() as session:
        cut = session.scalars(select(OversightPostShift).order_by(OversightPostShift.day)).all()
        case = session.scalars(select(OversightCase)).one()
    assert [(row.unit, row.post, row.covered) for row in cut] == [
        (unit[:200], post[:200], True), (unit[:200], post[:200], False),
        (unit[:200], post[:200], True)]
    assert case.case_no == "B" * 200
