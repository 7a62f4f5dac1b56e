"""DECEASED_PAID: payments for a period after the month (annual programs: year) of death."""

from __future__ import annotations

import json
from pathlib import Path

from sunlight.settings import Settings
from sunlight.synth.ids import to_old_form
from tests.models.county import County, Run, assert_explains, basis, evidence, figures, months, paid

county = County()

# Died in March; 低保 kept coming for April to June.
died_in_march = county.person("张建国", born="1948-02-11")
death_in_march = county.death(died_in_march, "2024-03-15")
paid_in_march = county.pay(died_in_march, "低保", months("2024-01", "2024-06"), 500)

# Died in March; March paid in May as back pay (补发): the month of death is due.
back_pay = county.person("李秀英", born="1951-07-30")
county.death(back_pay, "2024-03-10")
county.pay(back_pay, "低保", months("2024-01", "2024-02"), 500, paid_on="2024-02-28")
county.pay(back_pay, "低保", "2024-03", 500, paid_on="2024-05-20")

# An annual program in the year of death is due, whenever it is paid.
annual_same_year = county.person("王德福", born="1945-05-05")
county.death(annual_same_year, "2024-02-03")
county.pay(annual_same_year, "地力补贴", ["2023", "2024"], "1050.00", paid_on="2024-09-30")

# An annual program the year after death is not.
annual_next_year = county.person("赵桂兰", born="1939-12-12")
cremation = county.death(annual_next_year, "2023-12-31", source="火化")
county.pay(annual_next_year, "地力补贴", "2023", "840.00")
annual_after = county.pay(annual_next_year, "地力补贴", "2024", "840.00", paid_on="2024-10-08")

# Two sources: the medical certificate says late April, the police a week later; the
# earliest wins, so May and June are after the death (the police date would spare May).
two_sources = county.person("刘志强", born="1955-09-09")
certificate = county.death(two_sources, "2024-04-28", source="医学证明", file="医学证明.csv")
county.death(two_sources, "2024-05-06", source="公安注销")
paid_two_sources = county.pay(two_sources, "低保", months("2024-03", "2024-06"), 600)

# The registry marks the person 死亡 in February; cremation is recorded in March.
registry_death = county.person("陈玉珍", born="1940-01-20", status="死亡",
                               status_date="2024-02-10")
county.death(registry_death, "2024-03-02", source="火化")
paid_registry = county.pay(registry_death, "高龄补贴", months("2024-01", "2024-04"), 100)

# A death date before the person was born is a slip, not a death; the other record stands.
slip = county.person("杨树林", born="1950-06-18")
county.death(slip, "1924-05-10", source="火化", file="火化记录.csv")
slip_police = county.death(slip, "2024-05-10")
paid_after_slip = county.pay(slip, "低保", months("2024-04", "2024-06"), 450)

# The police wrote the old 15-digit ID; the payments carry the 18-digit one.
old_id = county.person("周大海", born="1942-03-03")
old_id_death = county.add("deaths", id_number=to_old_form(old_id.id), name=old_id.name,
           death_date="2024-01-20", source="公安注销")
paid_old_id = county.pay(old_id, "低保", months("2024-01", "2024-02"), 500)

# The death record names no source (the column is optional): the explanation still reads.
unsourced = county.person("钱有福", born="1944-08-08")
county.add("deaths", id_number=unsourced.id, name=unsourced.name, death_date="2024-01-05")
county.pay(unsourced, "低保", months("2024-01", "2024-02"), 500)

# Alive and paid: nothing to say.
alive = county.person("孙丽华", born="1960-10-10")
county.pay(alive, "低保", months("2024-01", "2024-06"), 500)


run = county.fixture("DECEASED_PAID")


def test_payments_after_the_month_of_death_fire(run: Run):
    found = run.one(died_in_march)
    assert figures(found) == ("DIBAO", "2024-04", "2024-06", "1500.00")
    assert (found.id_number, found.name) == (died_in_march.id, "张建国")
    assert_explains(found, "张建国", "2024年3月", "死亡", "2024年4月至2024年6月", "1,500.00")


def test_evidence_is_the_paid_rows_after_death_and_the_death_record(run: Run):
    found = run.one(died_in_march)
    assert evidence(found) == paid(paid_in_march[3:]) | basis(death_in_march)


def test_back_pay_for_the_month_of_death_does_not_fire(run: Run):
    assert not run.fired(back_pay)


def test_annual_program_in_the_year_of_death_does_not_fire(run: Run):
    assert not run.fired(annual_same_year)


def test_annual_program_the_year_after_death_fires(run: Run):
    found = run.one(annual_next_year)
    assert figures(found) == ("DILI", "2024", "2024", "840.00")
    assert evidence(found) == paid(annual_after) | basis(cremation)
    assert_explains(found, "2023年12月", "火化")


def test_the_earliest_of_two_death_records_wins(run: Run):
    found = run.one(two_sources)
    assert figures(found) == ("DIBAO", "2024-05", "2024-06", "1200.00")
    assert evidence(found) == paid(paid_two_sources[2:]) | basis(certificate)
    assert_explains(found, "医学证明", "2024年4月")


def test_a_registry_death_counts_and_is_earlier_than_cremation(run: Run):
    found = run.one(registry_death)
    assert figures(found) == ("GAOLING", "2024-03", "2024-04", "200.00")
    assert registry_death.row is not None
    assert evidence(found) == paid(paid_registry[2:]) | basis(registry_death.row)
    assert_explains(found, "2024年2月")


def test_a_death_date_before_birth_is_not_credible(run: Run):
    found = run.one(slip)
    assert figures(found) == ("DIBAO", "2024-06", "2024-06", "450.00")
    assert evidence(found) == paid(paid_after_slip[2]) | basis(slip_police)


def test_a_death_recorded_under_the_old_15_digit_id_counts(run: Run):
    found = run.one(old_id)
    assert figures(found) == ("DIBAO", "2024-02", "2024-02", "500.00")
    assert evidence(found) == paid(paid_old_id[1]) | basis(old_id_death)


def test_a_death_record_without_a_source_reads_as_a_death_registration(run: Run):
    explanation = run.one(unsourced).explanation
    assert explanation.startswith("死亡登记信息显示钱有福于2024年1月死亡")
    assert "死亡信息信息" not in explanation


def test_the_living_are_not_warned(run: Run):
    assert not run.fired(alive)
    assert {d.subject for d in run.detections} == {
        p.id for p in (died_in_march, annual_next_year, two_sources, registry_death, slip,
                       old_id, unsourced)}


# A police file delivered in May 2024 naming a death in August: no one reports a death before
# it happens, so the date is a slip however late the models run (judged against today, it
# would turn into a death once August came). The other record stands.
ahead = County()
reported_ahead = ahead.person("吴建平", born="1953-04-04")
ahead.death(reported_ahead, "2024-08-10", file="公安注销-五月.csv")
cremated = ahead.death(reported_ahead, "2024-09-02", source="火化", file="火化记录-九月.csv")
paid_ahead = ahead.pay(reported_ahead, "低保", months("2024-07", "2024-10"), 500)


def _ingested_on(home: Path, file_name: str, day: str) -> None:
    """Set the day a delivered file was ingested, in the warehouse's manifest."""
    manifest_path = Settings(home=home).warehouse_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text("utf-8"))
    for batch in manifest["batches"]:
        if batch["file_name"] == file_name:
            batch["ingested_at"] = f"{day}T10:00:00+00:00"
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")


def test_a_death_dated_after_its_file_was_ingested_is_not_credible(tmp_path: Path):
    home = ahead.ingested(tmp_path)
    _ingested_on(home, "公安注销-五月.csv", "2024-05-20")
    _ingested_on(home, "火化记录-九月.csv", "2024-09-05")

    found = ahead.run(home, "DECEASED_PAID").one(reported_ahead)

    assert figures(found) == ("DIBAO", "2024-10", "2024-10", "500.00")
    assert evidence(found) == paid(paid_ahead[3]) | basis(cremated)


def test_the_same_death_ingested_after_it_happened_is(tmp_path: Path):
    home = ahead.ingested(tmp_path)
    _ingested_on(home, "公安注销-五月.csv", "2024-08-20")

    found = ahead.run(home, "DECEASED_PAID").one(reported_ahead)

    assert figures(found) == ("DIBAO", "2024-09", "2024-10", "1000.00")
