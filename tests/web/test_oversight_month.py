"""The 督察 views over two months of a brigade and a station (tests/web/month_story.py): units
ranked by distinct problems, the grid opening where the gaps are, overdue cases listed one by
one with their warnings."""

from __future__ import annotations

import html as markup
import re

import pytest
from sqlalchemy import select

from sunlight.appdb.tables import Warning
from sunlight.web.routes import oversight
from tests.web.conftest import StaffApp
from tests.web.month_story import BRIGADE, STATION, month, month_home
from tests.web.page_text import visible_text
from tests.web.test_oversight import get, rows_of

__all__ = ["month", "month_home"]


def warning_of(app: StaffApp, model: str, subject: str) -> str:
    with app.session() as session:
        return session.scalars(select(Warning.warning_id).where(
            Warning.model == model, Warning.subject == subject)).one()


def test_units_are_ranked_by_their_problems_each_counted_once(month: StaffApp):
    html = get(month, "inspector_both", "/staff/oversight")
    heads = visible_text(html.split("<thead>", 1)[1].split("</thead>", 1)[0]).split()
    assert heads == ["单位", "程序倒置", "卡口漏岗", "超期案件", "逾期整改问题", "合计"]
    # The station's three overdue cases are warned of too, but are three problems, not six.
    assert rows_of(html) == [f"{BRIGADE} 4 1 0 0 5", f"{STATION} 0 1 3 0 4"]


def test_the_grid_opens_on_the_unit_and_month_with_the_most_gaps(month: StaffApp):
    html = get(month, "inspector_both", "/staff/oversight/coverage")
    text = " ".join(visible_text(html).split())
    assert f"{STATION} 2024年2月" in text and "本月缺岗 3 班次" in text
    units = re.findall(r"<option[^>]*>([^<]+)</option>", html.split('id="c-unit"', 1)[1]
                       .split("</select>", 1)[0])
    assert units == [f"{BRIGADE}（缺岗 1 班次）", f"{STATION}（缺岗 3 班次）"]
    months = re.findall(r"<option[^>]*>([^<]+)</option>", html.split('id="c-month"', 1)[1]
                        .split("</select>", 1)[0])
    assert months == ["2024年3月", "2024年2月（缺岗 3 班次）"]


def test_a_month_without_gaps_says_so_and_where_they_are(month: StaffApp):
    html = get(month, "inspector_both",
               f"/staff/oversight/coverage?unit={STATION}&month=2024-03")
    text = "".join(visible_text(html).split())
    assert "本月没有缺岗。其他有缺岗的月份：2024年2月（3班次）" in text
    assert "month=2024-02" in html.split("其他有缺岗的月份", 1)[1].split("</p>", 1)[0]


def test_a_covered_shift_is_marked_and_said(month: StaffApp):
    html = get(month, "inspector_station", "/staff/oversight/coverage?month=2024-02")
    row = html.split('class="coverage"', 1)[1].split("</table>", 1)[0]
    covered = re.findall(r'<span class="shift covered"[^>]*>(.*?)</span></span>', row)
    assert len(covered) == 29 - 3
    assert "<span class=\"visually-hidden\">1日白班有人值守" in covered[0]
    assert "有人值守" in visible_text(html.split('class="legend"', 1)[1].split("</p>", 1)[0])


def test_the_dashboards_overdue_cases_lead_to_each_case_and_its_warning(month: StaffApp):
    dashboard = get(month, "inspector_both", "/staff/oversight")
    row = next(r for r in dashboard.split("<tr>") if f">{STATION}<" in r)
    link = re.search(r'<td data-label="超期案件"><a href="([^"]+)"', row)
    assert link is not None
    listed = get(month, "inspector_both", markup.unescape(link.group(1)))
    section = listed.split('id="case-list"', 1)[1]
    assert "案件清单：八渡乡派出所 全部类别 超期完成、在办已超期（3 件" in visible_text(section)
    rows = rows_of(section)
    assert [r.split()[0] for r in rows] == ["B2024001", "B2024002", "B2024003"]
    assert all(r.endswith("在办已超期 案件超期") for r in rows)
    assert f'href="/staff/warnings/{warning_of(month, "CASE_OVERDUE", "B2024001")}"' in section


def test_a_filtered_list_keeps_its_filter_from_page_to_page(month: StaffApp,
                                                             monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(oversight, "PAGE_SIZE", 1)
    html = get(month, "inspector_both", f"/staff/oversight/cases?unit={STATION}&overdue=1")
    assert "第 1 / 3 页" in html
    following = re.search(r'<a href="([^"]+)">下一页</a>', html)
    assert following is not None
    second = get(month, "inspector_both", markup.unescape(following.group(1)))
    assert rows_of(second.split('id="case-list"', 1)[1])[0].startswith("B2024002 ")


def test_a_timeliness_count_lists_those_cases(month: StaffApp):
    html = get(month, "inspector_both", "/staff/oversight/cases")
    table = html.split("<tbody>", 1)[1]
    row = next(r for r in table.split("<tr>") if f">{BRIGADE}<" in r)
    link = re.search(r'<td data-label="按期完成"><a href="([^"]+)"', row)
    assert link is not None
    listed = rows_of(get(month, "inspector_both", markup.unescape(link.group(1)))
                     .split('id="case-list"', 1)[1])
    assert [r.split()[0] for r in listed] == [f"J202400{n}" for n in range(1, 5)]
    assert all(r.endswith("按期完成 程序倒置") for r in listed)


def test_an_inspector_of_one_unit_opens_the_grid_on_it(month: StaffApp):
    html = get(month, "inspector_station", "/staff/oversight/coverage")
    assert BRIGADE not in html and f"{STATION} 2024年2月" in visible_text(html)
