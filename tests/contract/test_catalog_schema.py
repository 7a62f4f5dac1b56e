"""The catalog says, as data, whom a program pays and what its standard is counted per."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sunlight.contract.catalog import CatalogError, load_catalog
from sunlight.models.catalog_tables import catalog_tables

DEFAULT = Path(__file__).resolve().parents[2] / "src/sunlight/contract/catalog.yaml"

TEXTS = "    policy_basis: 依据\n    conditions: 条件\n    standard_text: 标准\n"

# A program a deployment might add: 稳岗返还, a company program paid a most per company-month.
WENGANG = """
  - code: WENGANG
    name: 稳岗返还
    aliases: [失业保险稳岗返还]
    department: 人社局
    subject: company
    period: month
    standards:
      - {from: "2000-01", max_amount: 20000}
""" + TEXTS


def _with(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "catalog.yaml"
    path.write_text(DEFAULT.read_text("utf-8").rstrip("\n") + "\n" + extra, "utf-8")
    return path


def test_a_deployment_adds_a_company_program_by_editing_the_catalog(tmp_path: Path):
    catalog = load_catalog(_with(tmp_path, WENGANG))
    assert [p.code for p in catalog.of_subject("company")] == ["LIUGONG", "WENGANG"]
    assert catalog.resolve("失业保险稳岗返还") == "WENGANG"
    tables = catalog_tables(catalog)
    programs = {r["code"]: r for r in tables["programs"].to_pylist()}
    assert (programs["WENGANG"]["subject"], programs["WENGANG"]["basis"]) == ("company", "period")
    assert (programs["ZHIBAN"]["subject"], programs["ZHIBAN"]["basis"]) == ("person",
                                                                            "roster_day")
    standards = {r["program"]: r for r in tables["program_standards"].to_pylist()}
    assert standards["WENGANG"]["max_amount"] == 20000
    assert standards["LIUGONG"]["per_claimed_worker"] == 500
    assert standards["LIUGONG"]["max_amount"] is None
    assert standards["ZHIBAN"]["per_roster_day"] == 100
    assert standards["DILI"]["rate_per_mu"] == 105


def _program(code: str, body: str) -> str:
    return f"\n  - code: {code}\n    name: 测试项目{code}\n" + body + TEXTS


@pytest.mark.parametrize(("body", "complaint"), [
    ('    period: month\n    standards:\n      - {from: "2000-01", max_amount: 10, '
     'per_roster_day: 5}\n', "exactly one of max_amount, rate_per_mu, per_claimed_worker, "
                             "per_roster_day (this one gives max_amount, per_roster_day)"),
    ('    period: month\n    standards:\n      - {from: "2000-01"}\n',
     "(this one gives none)"),
    ('    period: month\n    standards:\n      - {from: "2000-01", max_amount: 10}\n'
     '      - {from: "2024-01", per_roster_day: 5}\n',
     "every standard of a program has the same basis (these give period, roster_day)"),
    ('    period: month\n    standards:\n      - {from: "2000-01", per_claimed_worker: 5}\n',
     "a person program cannot be paid per_claimed_worker"),
    ('    subject: company\n    period: month\n    standards:\n'
     '      - {from: "2000-01", per_roster_day: 5}\n',
     "a company program cannot be paid per_roster_day"),
    ('    subject: company\n    period: year\n    land_type: 耕地\n    standards:\n'
     '      - {from: "2000-01", rate_per_mu: 5}\n',
     "a company program cannot be paid rate_per_mu"),
    ('    period: year\n    land_type: 耕地\n    standards:\n'
     '      - {from: "2000-01", max_amount: 5}\n',
     "a program paid rate_per_mu names its land_type, and only such a program does"),
    ('    period: year\n    standards:\n      - {from: "2000-01", rate_per_mu: 5}\n',
     "a program paid rate_per_mu names its land_type"),
    ('    subject: company\n    period: month\n    eligibility: {min_age: 18}\n'
     '    standards:\n      - {from: "2000-01", per_claimed_worker: 5}\n',
     "a company program cannot have eligibility.min_age"),
    ('    subject: company\n    period: month\n    listed_by: household\n'
     '    standards:\n      - {from: "2000-01", per_claimed_worker: 5}\n',
     "a company program cannot have listed_by: household"),
    ('    subject: company\n    period: month\n    excludes: [DIBAO]\n'
     '    standards:\n      - {from: "2000-01", per_claimed_worker: 5}\n',
     "X (company) cannot exclude DIBAO (person)"),
    ('    subject: partnership\n    period: month\n'
     '    standards:\n      - {from: "2000-01", max_amount: 5}\n', "subject"),
    ('    period: month\n    standards:\n      - {from: "2000-01", per_roster_day: -5}\n',
     "per_roster_day"),
])
def test_a_program_that_does_not_fit_its_subject_and_basis_is_refused_saying_why(
        tmp_path: Path, body: str, complaint: str):
    path = _with(tmp_path, _program("X", body))
    with pytest.raises(CatalogError, match=re.escape(str(path))) as refused:
        load_catalog(path)
    assert complaint in str(refused.value)
