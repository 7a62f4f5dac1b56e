"""APPROVAL_SKIPPED: for an enrollment no older than the approvals data, payments while the
approval chain lacks 村级公示 or 县级审批, or for a period before the month of 县级审批."""

from __future__ import annotations

from tests.models.county import (
    FULL_CHAIN,
    County,
    Run,
    assert_explains,
    basis,
    evidence,
    figures,
    months,
    paid,
)

county = County()


def chain(*days: str, steps: tuple[str, ...] = FULL_CHAIN) -> dict[str, str]:
    """Steps with their dates, in order (the full chain unless `steps` says otherwise)."""
    return dict(zip(steps, days, strict=True))


# Approved in June 2023 (the earliest date in the approvals data), enrolled in July.
proper = county.person("安家乐", born="1950-06-06")
county.approve(proper, "低保", chain("2023-06-01", "2023-06-10", "2023-06-15", "2023-06-25",
                                    "2023-06-30"))
county.enroll(proper, "低保", "2023-07")
county.pay(proper, "低保", months("2024-01", "2024-03"), 500)

# No 村级公示 in the chain.
no_publicity = county.person("常有理", born="1958-08-08")
no_publicity_chain = county.approve(no_publicity, "低保", chain(
    "2023-11-01", "2023-11-10", "2023-12-01", "2023-12-20",
    steps=("申请", "村级评议", "乡镇审核", "县级审批")))
no_publicity_enrolled = county.enroll(no_publicity, "低保", "2024-01")
no_publicity_paid = county.pay(no_publicity, "低保", months("2024-01", "2024-03"), 500)

# The county approved on 5 March: January and February were paid before it.
early = county.person("包先行", born="1962-02-02")
early_chain = county.approve(early, "低保", chain("2023-12-01", "2023-12-10", "2023-12-20",
                                                 "2024-01-10", "2024-03-05"))
early_enrolled = county.enroll(early, "低保", "2024-01")
early_paid = county.pay(early, "低保", months("2024-01", "2024-04"), 500)

# Enrolled in 低保 with no approval chain at all (others' 低保 chains were delivered).
no_chain = county.person("冷无档", born="1940-04-04")
county.enroll(no_chain, "低保", "2024-02")
county.pay(no_chain, "低保", months("2024-02", "2024-03"), 900)

# Enrolled in 特困, a program whose approvals no department delivered: nothing to judge by.
undelivered = county.person("闻未送", born="1941-04-04")
county.enroll(undelivered, "特困供养", "2024-02")
county.pay(undelivered, "特困供养", months("2024-02", "2024-03"), 900)

# Approved on 20 February, paid from February: the month of approval is not before it. (The
# chain's 发放 step comes later, in March; approval is the 县级审批, not the last step.)
same_month = county.person("邢及时", born="1955-05-05")
county.approve(same_month, "低保", chain("2024-01-05", "2024-01-15", "2024-01-25", "2024-02-05",
                                        "2024-02-20", "2024-03-05",
                                        steps=(*FULL_CHAIN, "发放")))
county.enroll(same_month, "低保", "2024-02")
county.pay(same_month, "低保", months("2024-02", "2024-04"), 500)

# Enrolled in May 2023, before the approvals data begins: not judged, chain or no chain.
older = county.person("裘老档", born="1945-05-05")
county.enroll(older, "低保", "2023-05")
county.pay(older, "低保", months("2024-01", "2024-03"), 500)

# Enrolled in June 2023, the month the approvals data begins: judged (no 县级审批).
first_month = county.person("钮首月", born="1952-12-12")
county.approve(first_month, "低保", chain("2023-06-05", "2023-06-20",
                                          steps=("申请", "村级公示")))
county.enroll(first_month, "低保", "2023-06")
county.pay(first_month, "低保", months("2023-07", "2023-08"), 500)

# A full 低保 chain does not approve 高龄补贴.
other_program = county.person("阎两项", born="1938-03-03")
county.approve(other_program, "低保", chain("2023-09-01", "2023-09-10", "2023-09-15",
                                            "2023-09-25", "2023-09-30"))
county.enroll(other_program, "低保", "2023-10")
county.enroll(other_program, "高龄补贴", "2024-01")
county.pay(other_program, "低保", months("2024-01", "2024-02"), 500)
county.pay(other_program, "高龄补贴", months("2024-01", "2024-02"), 100)
# ... while 高龄补贴 chains were delivered for others, such as this properly approved one.
gaoling_approved = county.person("高正当", born="1936-01-01")
county.approve(gaoling_approved, "高龄补贴", chain("2023-11-01", "2023-11-10", "2023-11-15",
                                                 "2023-11-25", "2023-11-30"))
county.enroll(gaoling_approved, "高龄补贴", "2024-01")
county.pay(gaoling_approved, "高龄补贴", months("2024-01", "2024-02"), 100)


run = county.fixture("APPROVAL_SKIPPED")


def test_a_chain_without_village_publicity_fires(run: Run):
    found = run.one(no_publicity)
    assert figures(found) == ("DIBAO", "2024-01", "2024-03", "1500.00")
    # The chain's rows show which steps are there, and so which one is not.
    assert evidence(found) == (paid(no_publicity_paid)
                               | basis(no_publicity_enrolled, no_publicity_chain))
    assert_explains(found, "常有理", "2024年1月", "缺少", "村级公示", "1,500.00")


def test_periods_paid_before_the_month_of_county_approval_fire(run: Run):
    found = run.one(early)
    assert figures(found) == ("DIBAO", "2024-01", "2024-02", "1000.00")
    assert evidence(found) == paid(early_paid[:2]) | basis(early_enrolled, early_chain)
    assert_explains(found, "县级审批", "2024年3月5日", "1,000.00")


def test_no_approval_chain_at_all_fires(run: Run):
    found = run.one(no_chain)
    assert figures(found) == ("DIBAO", "2024-02", "2024-03", "1800.00")
    assert_explains(found, "村级公示", "县级审批")


def test_a_program_whose_approvals_were_not_delivered_at_all_is_not_judged(run: Run):
    assert not run.fired(undelivered)


def test_a_full_chain_approved_before_the_first_payment_does_not_fire(run: Run):
    assert not run.fired(proper)


def test_approval_in_the_month_of_the_first_paid_period_does_not_fire(run: Run):
    assert not run.fired(same_month)


def test_enrollments_older_than_the_approvals_data_do_not_fire(run: Run):
    assert not run.fired(older)


def test_an_enrollment_in_the_first_month_of_the_approvals_data_is_judged(run: Run):
    found = run.one(first_month)
    assert figures(found) == ("DIBAO", "2023-07", "2023-08", "1000.00")


def test_a_chain_approves_only_its_own_program(run: Run):
    found = run.one(other_program)
    assert figures(found) == ("GAOLING", "2024-01", "2024-02", "200.00")
