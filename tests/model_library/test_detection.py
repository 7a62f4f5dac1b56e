"""A detection's explanation, score and what is left of it after an earlier warning's rows."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from sunlight.models.detection import Detection, EvidenceRow, Occurrence
from sunlight.models.explain import period_zh, periods_list_zh, periods_zh, span
from sunlight.models.score import components, risk_score

TEMPLATE = ("{death_source}信息显示{name}于{death_month_zh}死亡，"
            "但{periods_zh}仍发放{program_name}{span}，共计{amount}元。")


def paid(month: int, amount: str = "50.00", year: int = 2024) -> EvidenceRow:
    return EvidenceRow("payments", "高龄补贴.csv", "", month + 1, "paid", f"{year}-{month:02d}",
                       Decimal(amount))


def detection(rows: list[EvidenceRow], **facts: str) -> Detection:
    return Detection(
        model="DECEASED_PAID", subject="610327193505201234", program="GAOLING",
        severity="high", period_from=min(r.period for r in rows),
        period_to=max(r.period for r in rows), amount=sum((r.amount for r in rows), Decimal()),
        id_number="610327193505201234", name="王德福",
        facts={"death_source": "公安注销", "death_month": "2023-05", "program_name": "高龄补贴",
               **facts},
        evidence=(*rows, EvidenceRow("deaths", "死亡.csv", "", 7, "basis")), template=TEMPLATE)


def test_the_explanation_says_who_when_what_and_how_much_in_chinese():
    found = detection([paid(m) for m in range(1, 13)])
    assert found.explanation == (
        "公安注销信息显示王德福于2023年5月死亡，但2024年1月至2024年12月仍发放高龄补贴12个月，"
        "共计600.00元。")
    large = detection([paid(m, "1200.00") for m in range(1, 13)])
    assert large.explanation.endswith("共计14,400.00元。")  # money reads with separators


def test_periods_are_spoken_as_months_years_or_both():
    assert period_zh("2024-03") == "2024年3月" and period_zh("2024") == "2024年"
    assert periods_zh("2024-03", "2024-03") == "2024年3月"
    assert span(["2023", "2024-01", "2024-02"]) == "2个月又1年"
    # The police models' periods are days (contract §6).
    assert period_zh("2024-02-10") == "2024年2月10日"
    assert periods_zh("2024-01-31", "2024-02-09") == "2024年1月31日至2024年2月9日"
    assert span(["2024-02-10", "2024-02-12", "2024-02-10"]) == "2天"
    # Periods that need not follow each other are each named, not spanned.
    assert periods_list_zh(["2024-10", "2023-04", "2024-10"]) == "2023年4月、2024年10月"
    many = [f"2024-{m:02d}" for m in range(1, 10)]
    assert periods_list_zh(many) == "、".join(f"2024年{m}月" for m in range(1, 7)) + "等9期"


def test_what_is_left_after_a_closed_warning_is_only_the_new_payments():
    found = detection([paid(m) for m in range(1, 13)])
    owned = [r.key for r in found.evidence[:10]] + [found.evidence[-1].key]
    rest = found.without(owned)
    assert rest is not None
    assert (rest.period_from, rest.period_to, rest.amount) == ("2024-11", "2024-12",
                                                               Decimal("100.00"))
    assert "2024年11月至2024年12月仍发放高龄补贴2个月，共计100.00元" in rest.explanation
    assert any(r.role == "basis" for r in rest.evidence)  # still explains why
    assert found.without([r.key for r in found.evidence]) is None


def test_more_money_longer_and_surer_evidence_score_higher():
    small = detection([paid(1)])
    large = detection([paid(m, "300.00") for m in range(1, 13)])
    assert risk_score(large) > risk_score(small)
    agreeing = detection([paid(1)], strength="1.0")
    assert risk_score(agreeing) > risk_score(small)
    ongoing = detection([paid(1)], ongoing="1")
    assert risk_score(ongoing) > risk_score(small)
    assert all(0 <= part <= 1 for part in components(large).values())
    assert 0 < risk_score(small) < risk_score(large) <= 100


def test_every_figure_a_template_may_name_is_filled():
    from sunlight.models.explain import FIGURES, figures

    assert set(figures(detection([paid(1)]))) == set(FIGURES)


def roll_call(day: int) -> EvidenceRow:
    return EvidenceRow("duty_checks", "点名.csv", "", day + 1, "paid", f"2024-02-{day:02d}")


def no_money(rows: list[EvidenceRow], severity: str = "medium") -> Detection:
    return Detection(
        model="DUTY_ABSENT", subject="610327198704227710", program="", severity=severity,
        period_from=rows[0].period, period_to=rows[-1].period, amount=Decimal("0.00"),
        evidence=tuple(rows), money=False, template="{periods_zh}{count}次不在岗{amount}")


def test_a_warning_of_no_money_is_ranked_without_money():
    once, often = no_money([roll_call(1)]), no_money([roll_call(d) for d in range(1, 25)])
    assert risk_score(often) > risk_score(once) > 0
    # An amount of 0 does not count against it: money is left out, not counted as none.
    assert risk_score(once) > risk_score(replace(once, money=True))
    # Its other parts share the whole scale: at their most, 100.
    surest = replace(often, severity="high", facts={
        "strength": "1", "ongoing": "1", "other_models": "2", "village_warnings": "10"})
    assert risk_score(surest) == 100
    assert no_money([roll_call(1)], "high").score > once.score
    assert once.explanation == "2024年2月1日1次不在岗"  # and never a sum of money


def test_after_a_closed_warning_a_post_left_uncovered_on_is_a_warning_of_the_later_days():
    post_row = ("posts", "站点.csv", "", 3)
    stretch = Occurrence(post_row, "paid", "2024-01-25", "2024-02-05")
    post = Detection(
        model="POST_UNCOVERED", subject="交警大队/G85千阳卡口", program="", severity="high",
        period_from="2024-01-03", period_to="2024-02-05", amount=Decimal("0.00"),
        evidence=(EvidenceRow(*post_row, "paid", "2024-01-03"),), money=False,
        occurrences=(Occurrence(post_row, "paid", "2024-01-03", "2024-01-03"), stretch))
    # January was closed (3–31 January): the stretch left on into February is what is new.
    part = post.without([post_row], [("2024-01-03", "2024-01-31")])
    assert part is not None
    assert (part.period_from, part.period_to) == ("2024-02-01", "2024-02-05")
    assert part.evidence == post.evidence  # the post's row says February's days too
    assert post.without([], [("2024-01-01", "2024-02-29")]) is None
    assert post.without([post_row], [("2023-12-01", "2023-12-31")]) == post
    # Two closed periods with a gap between them: the days between them are new.
    between = post.without([], [("2024-01-01", "2024-01-26"), ("2024-01-30", "2024-02-29")])
    assert between is not None
    assert (between.period_from, between.period_to) == ("2024-01-27", "2024-01-29")
