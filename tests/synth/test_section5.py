"""Contract section 5 in the generated county, checked on the files as delivered: companies and
their codes, the later registry delivery, the duty roster's stations led every day, and cases
and traps of the existing models on the new programs."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from sunlight.synth.ids import code_check_char
from tests.synth.compare import read_csv
from tests.synth.conftest import PERSONS
from tests.synth.readback import Delivery


def test_companies_are_about_one_per_thirty_residents(delivery: Delivery) -> None:
    codes = {b["credit_code"] for b in delivery.data["businesses"]}
    assert PERSONS / 45 < len(codes) < PERSONS / 15  # a small county has many case companies


def test_every_registered_code_passes_its_gb32100_check(delivery: Delivery) -> None:
    codes = [b["credit_code"] for b in delivery.data["businesses"]]
    assert codes and all(code_check_char(c[:17]) == c[17] for c in codes)


def test_a_later_delivery_restates_companies_of_the_first(delivery: Delivery) -> None:
    by_file: dict[str, set[str]] = defaultdict(set)
    for row in delivery.data["businesses"]:
        by_file[row["_file"]].add(row["credit_code"])
    first, later = sorted(by_file)  # the restatement sorts last: it is delivered last
    assert later.startswith("企业登记信息_变更登记") and by_file[later] <= by_file[first]
    status = {(r["_file"], r["credit_code"]): r["status"] for r in delivery.data["businesses"]}
    assert any(status[(first, c)] != status[(later, c)] for c in by_file[later])


def test_closed_companies_carry_their_status_date(delivery: Delivery) -> None:
    closed = [b for b in delivery.data["businesses"] if b["status"] in ("注销", "吊销")]
    running = [b for b in delivery.data["businesses"] if b["status"] in ("存续", "在业")]
    assert sum(b.get("status_date") is not None for b in closed) > len(closed) / 2
    assert all(b.get("status_date") is None for b in running)


def test_police_stations_roster_a_leader_on_every_date_they_roster_anyone(
        root: Path, delivery: Delivery) -> None:
    """LEADER_ABSENT's must-not-fire: a unit that rosters a leader at all does so every day,
    but for the bureau's units its cases leave without one."""
    cases = {r["subject_id"] for r in read_csv(root / "truth.csv")
             if r["model"] == "LEADER_ABSENT" and r["kind"] == "case"}
    dates: dict[str, set[object]] = defaultdict(set)
    led: dict[str, set[object]] = defaultdict(set)
    for shift in delivery.data["duty_roster"]:
        dates[shift["unit"]].add(shift["date"])
        if shift["role"] == "带班领导":
            led[shift["unit"]].add(shift["date"])
    stations = [unit for unit in dates if unit in led and unit not in cases]
    assert stations and all(dates[unit] == led[unit] for unit in stations)
    roles = Counter(s["role"] for s in delivery.data["duty_roster"])
    assert set(roles) == {"带班领导", "值班民警", "辅警", "社区工作者"}


def test_existing_models_have_cases_and_traps_on_the_new_programs(root: Path) -> None:
    counts = Counter((r["model"], r["program"], r["kind"]) for r in read_csv(root / "truth.csv"))
    for model, program in (("INELIGIBLE_AGE", "LINSHI_NONGMINGONG"),
                           ("OFFICIAL_ON_WELFARE", "LINSHI_NONGMINGONG"),
                           ("DUPLICATE_PAYMENT", "LINSHI_NONGMINGONG"),
                           ("DUPLICATE_PAYMENT", "LIUGONG"),
                           ("OVER_STANDARD", "LINSHI_NONGMINGONG"),
                           ("OVER_STANDARD", "LIUGONG")):
        assert counts[(model, program, "case")] >= 2, (model, program)
        assert counts[(model, program, "trap")] >= 1, (model, program)


def test_background_grants_claim_no_more_than_insured(delivery: Delivery) -> None:
    insured = {(r["credit_code"], r["month"]): r["insured_count"]
               for r in delivery.data["insured_headcount"]}
    compared = [(g["claimed_headcount"], insured[(g["credit_code"], g["period"][1])])
                for g in delivery.data["enterprise_payments"]
                if g.get("claimed_headcount") is not None
                and (g["credit_code"], g["period"][1]) in insured]
    within = sum(claimed <= count for claimed, count in compared)
    # Only HEADCOUNT_OVERCLAIMED's cases and its traps (2 more) claim more than insured.
    assert len(compared) > 20 and len(compared) - within < 12
