"""The contract in code says what the normative data contract says."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

import pytest

from sunlight.contract.catalog import CatalogError, Subject, load_catalog
from sunlight.contract.datasets import DATASETS, PROGRAM_SUBJECTS
from tests.conftest import SHARED

CONTRACT = SHARED / "spec" / "data-contract.md"
V11 = "*(v1.1)*"


def contract_tables() -> dict[str, list[tuple[str, bool, list[str]]]]:
    """dataset → [(column, required, synonyms)] as the contract's dataset tables list them
    (sections 2, 5 and 6)."""
    if not CONTRACT.exists():
        pytest.skip(f"the data contract is not beside this checkout ({CONTRACT})")
    tables: dict[str, list[tuple[str, bool, list[str]]]] = {}
    current = None
    for line in CONTRACT.read_text("utf-8").splitlines():
        heading = re.match(r"^### `(\w+)`", line)
        if heading:
            current = heading.group(1)
            tables[current] = []
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if current and line.startswith("|") and len(cells) >= 2 and cells[0] not in (
                "column", "---"):
            column = cells[0].removesuffix(V11).strip()
            synonyms = [s.strip() for s in cells[1].split(",") if s.strip()]
            tables[current].append((column.rstrip("*"), column.endswith("*"), synonyms))
        if line.startswith("#") and not heading:
            current = None  # another section's tables (catalog, models) are not datasets
    return tables


def test_every_dataset_column_required_flag_and_synonym_of_the_contract():
    tables = contract_tables()
    assert {"residents", "businesses", "enterprise_payments", "duty_roster",
            "police_cases"} <= set(tables)
    assert set(tables) == set(DATASETS)
    for code, columns in tables.items():
        ours = {c.name: c for c in DATASETS[code].columns}
        assert list(ours) == [name for name, _, _ in columns], code
        for name, required, synonyms in columns:
            assert ours[name].required == required, f"{code}.{name}"
            assert set(synonyms) <= set(ours[name].synonyms), f"{code}.{name}"


def contract_programs() -> dict[str, tuple[list[str], str, str]]:
    """code → (name and aliases, subject, period) as the contract's catalog tables (section 3
    and section 5's additions) list them."""
    if not CONTRACT.exists():
        pytest.skip(f"the data contract is not beside this checkout ({CONTRACT})")
    programs: dict[str, tuple[list[str], str, str]] = {}
    header: list[str] = []
    for line in CONTRACT.read_text("utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("|"):
            header = []
        elif cells[0] == "code":
            header = cells
        elif header[:2] == ["code", "name and aliases"] and not cells[0].startswith("---"):
            row = dict(zip(header, cells, strict=True))
            names = [n.strip() for n in re.split(r"[;,]", row["name and aliases"])]
            programs[row["code"]] = (names, row.get("subject", "person"), row["period"])
    return programs


def test_the_default_catalog_holds_the_contract_programs():
    catalog = load_catalog()
    expected = contract_programs()
    assert [p.code for p in catalog.programs] == list(expected)
    for code, (names, subject, period) in expected.items():
        program = catalog.by_code[code]
        assert [program.name, *program.aliases][:len(names)] == names, code
        assert (program.subject, program.period) == (subject, period), code
    assert catalog.resolve("农村低保") == "DIBAO" and catalog.resolve("禁牧补助") == "JINMU"
    assert catalog.resolve(" 特困 供养 ") == "TEKUN" and catalog.resolve("危房改造") is None
    assert catalog.by_code["DILI"].standard_for("2024").rate_per_mu == 105
    assert catalog.by_code["GAOLING"].eligibility.min_age == 80
    assert catalog.by_code["DIBAO"].excludes == ["TEKUN"]
    for program in catalog.programs:
        assert program.policy_basis and program.conditions and program.standard_text


def test_the_spring_festival_programs_carry_their_standards_as_data():
    catalog = load_catalog()
    linshi, liugong, zhiban = (catalog.by_code[c] for c in (
        "LINSHI_NONGMINGONG", "LIUGONG", "ZHIBAN"))
    assert (linshi.basis, linshi.standard_for("2025").rate) == ("period", 1000)
    assert linshi.eligibility.min_age == 16
    assert (liugong.basis, liugong.standard_for("2025-01").rate) == ("claimed_worker", 500)
    assert (zhiban.basis, zhiban.standard_for("2025-02").rate) == ("roster_day", 100)
    assert [p.code for p in catalog.of_subject("company")] == ["LIUGONG"]
    assert catalog.resolve("稳岗留工补贴") == "LIUGONG" and catalog.resolve("值班补助") == "ZHIBAN"


def test_standards_change_by_month(tmp_path: Path):
    text = (Path(__file__).resolve().parents[2] / "src/sunlight/contract/catalog.yaml").read_text(
        "utf-8").replace('- {from: "2000-01", max_amount: 700}',
                         '- {from: "2000-01", max_amount: 700}\n      - {from: "2024-07", '
                         'max_amount: 760}')
    path = tmp_path / "catalog.yaml"
    path.write_text(text, "utf-8")
    dibao = load_catalog(path).by_code["DIBAO"]
    assert dibao.standard_for("2024-06").max_amount == 700
    assert dibao.standard_for("2024-07").max_amount == 760


def test_a_broken_catalog_is_refused_with_its_path(tmp_path: Path):
    path = tmp_path / "catalog.yaml"
    path.write_text("programs:\n  - code: DIBAO\n    name: 低保\n    period: weekly\n", "utf-8")
    with pytest.raises(CatalogError, match=re.escape(str(path))):
        load_catalog(path)
    with pytest.raises(CatalogError, match="not found"):
        load_catalog(tmp_path / "missing.yaml")


def test_a_program_column_names_a_subject_the_catalog_knows():
    assert set(PROGRAM_SUBJECTS) == set(get_args(Subject))
    named = {c.subject for d in DATASETS.values() for c in d.columns if c.kind == "program"}
    assert named == {"person", "company", None}
