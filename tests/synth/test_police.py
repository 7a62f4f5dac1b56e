"""The county's public-security bureau (contract section 6): what it delivers, and that its
truth holds under the contract's reading (see reference_police.py)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time
from pathlib import Path

from sunlight.synth import generate_county
from sunlight.synth.prefecture import generate_bureau
from tests.synth.compare import read_csv
from tests.synth.readback import Delivery, read_cells
from tests.synth.reference_police import PoliceReference, as_of_date

POLICE = ("DUTY_ABSENT", "LEADER_ABSENT", "POST_UNCOVERED", "CASE_OVERDUE", "CASE_STEP_ORDER",
          "RECTIFICATION_OVERDUE")


def test_the_default_as_of_date_is_the_bureaus_last_day(delivery: Delivery) -> None:
    data = delivery.data
    assert as_of_date(data["police_cases"], data["inspection_findings"]) == date(2024, 2, 29)


def test_every_police_model_has_cases_and_traps_on_subjects_the_files_name(
        root: Path, delivery: Delivery) -> None:
    truth = [r for r in read_csv(root / "truth.csv") if r["model"] in POLICE]
    data = delivery.data
    named = {
        "DUTY_ABSENT": {c["id_number"] for c in data["duty_checks"]},
        "LEADER_ABSENT": {r["unit"] for r in data["duty_roster"]},
        "POST_UNCOVERED": {f"{p['unit']}/{p['post']}" for p in data["posts"]},
        "CASE_OVERDUE": {c["case_no"] for c in data["police_cases"]},
        "CASE_STEP_ORDER": {c["case_no"] for c in data["police_cases"]},
        "RECTIFICATION_OVERDUE": {f["finding_no"] for f in data["inspection_findings"]},
    }
    for model in POLICE:
        rows = [r for r in truth if r["model"] == model]
        assert sum(r["kind"] == "case" for r in rows) >= 3, model
        assert sum(r["kind"] == "trap" for r in rows) >= 2, model
        assert {r["subject_id"] for r in rows} <= named[model], model


def held_to_truth(root: Path, delivery: Delivery) -> None:
    """Every police case fires over its days, no trap fires, nothing else does."""
    hits = {(m, s): (first.isoformat(), last.isoformat())
            for m, s, first, last in PoliceReference(delivery).run()}
    truth = [r for r in read_csv(root / "truth.csv") if r["model"] in POLICE]
    for row in truth:
        key = (row["model"], row["subject_id"])
        if row["kind"] == "case":
            assert hits.pop(key, None) == (row["period_from"], row["period_to"]), row
        else:
            assert key not in hits, row
    assert hits == {}  # the background is clean


def test_police_cases_fire_with_their_days_and_traps_do_not(root: Path,
                                                            delivery: Delivery) -> None:
    held_to_truth(root, delivery)


def test_a_bureau_alone_delivers_the_police_datasets_a_year_long(tmp_path: Path) -> None:
    report = generate_bureau(tmp_path, posts=14, cases=300, seed=4, file_format="mixed")
    delivery = Delivery(tmp_path).read()
    assert set(delivery.data) == {"posts", "duty_roster", "duty_checks", "police_cases",
                                  "inspection_findings"}
    assert len({f["_file"] for f in delivery.data["duty_roster"]}) == 12  # month by month
    assert as_of_date(delivery.data["police_cases"], []) == date(2024, 12, 31)
    assert len(delivery.data["posts"]) >= 14 and report.cases >= 18 and report.persons > 100
    held_to_truth(tmp_path, delivery)


def test_officers_are_residents_with_police_numbers_auxiliaries_without(
        delivery: Delivery) -> None:
    residents = {r["id_number"] for r in delivery.data["residents"]}
    police = [r for r in delivery.data["duty_roster"] if r["role"] != "社区工作者"]
    assert {r["id_number"] for r in police} <= residents
    for row in police:
        assert bool(row.get("police_number")) == (row["role"] != "辅警"), row


def test_a_case_or_finding_delivered_again_later_is_restated_in_a_later_file(
        delivery: Delivery) -> None:
    for dataset, key, steps in (("police_cases", "case_no", ("filed_at", "measures_at",
                                                             "closed_at")),
                                ("inspection_findings", "finding_no", ("rectified_on",))):
        files: dict[str, list[dict[str, object]]] = defaultdict(list)
        for row in delivery.data[dataset]:
            files[str(row[key])].append(row)
        again = [rows for rows in files.values() if len(rows) > 1]
        assert again, dataset
        for first, later in again:
            assert str(first["_file"]) < str(later["_file"])  # the later row wins
            # A step taken since: the earlier file could not know it.
            assert any(first[s] is None and later[s] is not None for s in steps), (first, later)


def test_posts_restated_later_and_posts_always_active(delivery: Delivery) -> None:
    posts = delivery.data["posts"]
    restated = [p for p in posts if "变更" in p["_file"]]
    assert restated and all(p["active_to"] for p in restated)
    assert any(p["active_from"] is None and p["active_to"] is None for p in posts)
    # A post with no 启用日期 is covered from the first date anyone is on the roster.
    first = min(r["date"] for r in delivery.data["duty_roster"])
    always = [p for p in posts if p["active_from"] is None]
    covered = {(r["unit"], r["post"]) for r in delivery.data["duty_roster"] if r["date"] == first}
    assert {(p["unit"], p["post"]) for p in always} <= covered


def test_an_all_xlsx_county_writes_date_times_as_cells_that_read_back_right(
        tmp_path: Path) -> None:
    generate_county(tmp_path, 1500, 8, "xlsx")
    files = [*(tmp_path / "delivery" / "duty_checks").iterdir(),
             *(tmp_path / "delivery" / "police_cases").iterdir()]
    cells = [cell for path in files for row in read_cells(path)[1] for cell in row]
    assert any(isinstance(cell, datetime) and cell.time() != time(0) for cell in cells)
    assert any(isinstance(cell, str) and ":" in cell for cell in cells)  # and as text
    held_to_truth(tmp_path, Delivery(tmp_path).read())
