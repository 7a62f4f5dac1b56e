"""The analyst's dashboard: warnings by status, money at risk and recovered, overdue cases,
charts by model, township and month, and each model's precision."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from sunlight.appdb.tables import Warning
from sunlight.cases.workflow import case_for_warning
from sunlight.web.charts import Bar, bar_chart
from sunlight.web.dashboard_data import Tally, build, ranked
from tests.appdb.builders import detection, run
from tests.web.conftest import StaffApp
from tests.web.county_board import county as two_townships
from tests.web.stored import store

TODAY = date(2025, 6, 1)
MODELS = ("DECEASED_PAID", "DUPLICATE_PAYMENT", "OFFICIAL_ON_WELFARE")


def county(staff_app: StaffApp) -> None:
    """Four warnings: one closed (属实, 1,000 recovered), one overdue under verification, one
    verified 不属实, one retracted."""
    with staff_app.session() as session:
        run(session, [
            detection([1, 2, 3], subject="A" * 18),  # 1,500.00, 城关镇, 2024-01
            replace(detection([4], model="DUPLICATE_PAYMENT", subject="B" * 18),
                    township="马家镇"),  # 500.00
            detection([2], subject="C" * 18, amount="300"),  # 300.00, 2024-02
            detection([5], model="OFFICIAL_ON_WELFARE", subject="D" * 18, amount="200"),
        ], models=MODELS)
        states = {"A" * 18: ("closed", "属实", Decimal("1000.00"), None),
                  "B" * 18: ("verifying", None, None, TODAY - timedelta(days=1)),
                  "C" * 18: ("verified", "不属实", None, TODAY + timedelta(days=5))}
        for warning in session.scalars(select(Warning)):
            if warning.subject not in states:
                warning.status = "retracted"
                continue
            status, verdict, recovered, deadline = states[warning.subject]
            case = case_for_warning(session, warning)
            case.status, case.verdict, case.recovered_amount = status, verdict, recovered
            case.deadline = deadline or TODAY
            warning.status = status
        session.commit()


def test_the_numbers_of_a_tiny_county(staff_app: StaffApp):
    county(staff_app)
    with staff_app.session() as session:
        data = build(session, TODAY)
    assert [(t.label, t.count, t.amount) for t in data.by_status] == [
        ("核查中", 1, Decimal("500.00")), ("已核实", 1, Decimal("300.00")),
        ("办结", 1, Decimal("1500.00")), ("已撤回", 1, Decimal("200.00"))]
    assert (data.at_risk.count, data.at_risk.amount) == (2, Decimal("800.00"))
    assert data.recovered == Decimal("1000.00")
    assert data.overdue == 1
    assert [(t.label, t.count, t.amount) for t in data.by_model] == [
        ("死亡后仍领取", 2, Decimal("1800.00")),
        ("重复发放", 1, Decimal("500.00"))]
    assert [(t.label, t.count) for t in data.by_township] == [("城关镇", 2), ("马家镇", 1)]
    assert [(t.label, t.count) for t in data.by_month] == [
        ("2024-01", 1), ("2024-02", 1), ("2024-04", 1)]
    [deceased] = data.precision
    outcome = deceased.outcome
    assert (outcome.model, outcome.true, outcome.not_true, outcome.verified) == (
        "DECEASED_PAID", 1, 1, 2)
    assert outcome.precision == 0.5
    assert deceased.name == "死亡后仍领取"


def test_an_empty_county_has_zeros_and_no_precision(staff_app: StaffApp):
    with staff_app.session() as session:
        data = build(session, TODAY)
    assert data.by_status == [] and data.at_risk.amount == 0 and data.recovered == 0
    assert data.overdue == 0 and data.precision == []
    page = staff_app.client("analyst").get("/staff/dashboard").text
    assert "尚无预警" in page and "暂无数据" in page and "尚无已核实的案件" in page


def test_the_page_shows_the_numbers_and_svg_charts(staff_app: StaffApp):
    county(staff_app)
    page = staff_app.client("analyst").get("/staff/dashboard").text
    stats = re.findall(r'<div class="stat">([^<]+)</div>', page)
    assert stats[:2] == ["800.00", "1,000.00"]
    assert page.count("<svg") == 3 and "<script" not in page.split("</main>")[0]
    assert "暂无按年发放项目的预警" in page  # a fourth chart, for the years, is empty
    assert "死亡后仍领取：2 条 · 1,800.00 元" in page
    assert "50%" in page


@pytest.mark.parametrize("user", ["verifier", "officer", "admin"])
def test_only_analysts_see_the_dashboard(staff_app: StaffApp, user: str):
    assert staff_app.client(user).get("/staff/dashboard").status_code == 403


def test_anonymous_is_sent_to_log_in(staff_app: StaffApp):
    response = staff_app.client().get("/staff/dashboard", follow_redirects=False)
    assert response.status_code == 303 and "/staff/login" in response.headers["location"]


def test_a_bar_chart_is_titled_described_and_escaped():
    svg = str(bar_chart("按乡镇", [Bar("城关镇", 4, "4 条"), Bar("<马家镇>", 2, "2 条")]))
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "<title id=" in svg and "按乡镇" in svg
    assert "<desc" in svg and "城关镇：4 条；&lt;马家镇&gt;：2 条" in svg
    widths = [float(w) for w in re.findall(r'<rect class="bar"[^>]* width="([\d.]+)"', svg)]
    assert widths[0] == 2 * widths[1]
    assert "<马家镇>" not in svg


def test_an_empty_chart_says_so():
    assert "暂无数据" in str(bar_chart("按月份", []))


def test_new_citizen_reports_are_counted_and_linked(staff_app: StaffApp):
    from sunlight.reports.filing import Draft, Place, file_report

    with staff_app.session() as session:
        file_report(session, Draft("冒领", "此人已外出务工多年，仍在领取低保。", True),
                    Place("城关镇", "东村"), None, [], staff_app.settings.report_photos_dir)
        session.commit()
        assert build(session).new_reports == 1
    page = staff_app.client("analyst").get("/staff/dashboard").text
    assert "待分派的随手拍举报" in page and "/staff/cases?kind=report&amp;status=open" in page
    listed = staff_app.client("analyst").get("/staff/cases?kind=report&status=open").text
    assert "随手拍" in listed


def test_years_are_not_months_and_every_tally_names_its_board_filter(staff_app: StaffApp):
    store(staff_app, two_townships())
    with staff_app.session() as session:
        data = build(session, TODAY)
    assert [(t.label, t.count, t.key) for t in data.by_month] == [
        ("2024-01", 2, "2024-01"), ("2024-02", 2, "2024-02"), ("2024-03", 1, "2024-03"),
        ("2024-04", 1, "2024-04")]
    assert [(t.label, t.count, t.amount, t.key) for t in data.by_year] == [
        ("2024年度", 2, Decimal("9440.00"), "2024")]
    assert {t.key for t in data.by_model} == {
        "DECEASED_PAID", "DUPLICATE_PAYMENT", "AREA_OVER_DECLARED", "EXCLUSIVE_PROGRAMS"}
    assert [(t.label, t.key) for t in data.by_township] == [("八渡乡", "八渡乡"),
                                                             ("城关镇", "城关镇")]
    assert [(t.label, t.key) for t in data.by_status] == [("待分派", "open")]


def test_a_warning_without_a_township_has_a_bar_but_no_board_filter(staff_app: StaffApp):
    store(staff_app, [replace(detection([1]), township="", village="")])
    with staff_app.session() as session:
        [nowhere] = build(session, TODAY).by_township
    assert (nowhere.label, nowhere.key) == ("（未注明乡镇）", "")
    page = staff_app.client("analyst").get("/staff/dashboard").text
    assert "/staff/warnings?township=" not in page


def test_ranked_by_money_puts_the_most_money_first():
    tallies = [Tally("甲", 5, Decimal("10")), Tally("乙", 1, Decimal("900")),
               Tally("丙", 2, Decimal("900"))]
    assert [t.label for t in ranked(tallies, "amount")] == ["丙", "乙", "甲"]
    assert ranked(tallies, "count") == tallies


def bar_links(page: str) -> dict[str, str]:
    """Each chart bar's address, by the bar's text (as its aria-label says it)."""
    return {label: href.replace("&amp;", "&") for href, label in
            re.findall(r'<a href="(/staff/warnings\?[^"]+)" aria-label="([^"]+)">', page)}


def test_every_bar_opens_the_board_listing_exactly_its_warnings(staff_app: StaffApp):
    store(staff_app, two_townships())
    client = staff_app.client("analyst")
    links = bar_links(client.get("/staff/dashboard").text)
    assert len(links) == 4 + 2 + 4 + 1  # models, townships, months, years
    for label, href in links.items():
        count = re.search(r"：(\d+) 条", label)
        board = client.get(href).text
        assert count and len(re.findall(r'href="/staff/warnings/W-', board)) == int(
            count.group(1)), (label, href)


def test_bars_by_money_are_ordered_and_sized_by_money(staff_app: StaffApp):
    store(staff_app, two_townships())
    client = staff_app.client("analyst")
    by_count = list(bar_links(client.get("/staff/dashboard").text))
    by_money = list(bar_links(client.get("/staff/dashboard?measure=amount").text))
    assert by_count[0].startswith("死亡后仍领取") and by_count[0].endswith("：3 条 · 2,120.00 元")
    assert by_money[0].startswith("虚报面积") and by_money[0].endswith("：9,440.00 元 · 2 条")
    assert list(bar_links(client.get("/staff/dashboard?measure=evil").text)) == by_count


def test_status_and_precision_rows_open_the_board(staff_app: StaffApp):
    county(staff_app)
    page = staff_app.client("analyst").get("/staff/dashboard").text
    assert '<a href="/staff/warnings?status=retracted">已撤回</a>' in page
    assert '<a href="/staff/warnings?model=DECEASED_PAID">' in page


def test_a_linked_bar_chart_keeps_its_links_reachable():
    svg = str(bar_chart("按乡镇", [Bar("城关镇", 4, "4 条", '/staff/warnings?a=1&b="2"')]))
    assert 'role="group"' in svg and 'role="img"' not in svg
    assert '<a href="/staff/warnings?a=1&amp;b=&quot;2&quot;" aria-label="城关镇：4 条">' in svg
