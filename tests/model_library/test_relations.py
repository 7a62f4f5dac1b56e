"""The shared relations the models read: one row per person, from the registry delivered last."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from sunlight.cli.app import app
from sunlight.contract.catalog import load_catalog
from sunlight.models.registry import load_library
from sunlight.models.runner import base_relations, prepare
from sunlight.settings import Settings
from sunlight.warehouse.duckdb_engine import DuckDBEngine
from sunlight.warehouse.store import Warehouse
from sunlight.warehouse.tables import open_warehouse
from tests.conftest import write_csv

HEADER = ["公民身份号码", "姓名", "户号", "乡镇", "村"]
PERSON = "610327197106050172"


def test_a_person_is_read_from_the_registry_file_ingested_last(tmp_path: Path, home: Path):
    # September is delivered before October; by file name `9月` would sort last.
    for month, household in (("9月", "H-OLD"), ("10月", "H-NEW")):
        path = write_csv(tmp_path / f"户籍人口_{month}.csv",
                         [HEADER, [PERSON, "王芳", household, "城关镇", "东关村"]])
        result = CliRunner().invoke(app, ["ingest", "--dataset", "residents", str(path)])
        assert result.exit_code == 0, result.output
    engine = DuckDBEngine()
    prepare(engine, Warehouse(Settings().warehouse_dir), load_catalog(),
            [load_library()["UNREGISTERED_PAYEE"]])
    person = engine.query("SELECT id_number, household_id, source_file FROM person").to_pylist()
    assert person == [{"id_number": PERSON, "household_id": "H-NEW",
                       "source_file": "户籍人口_10月.csv"}]


BUSINESS_HEADER = ["统一社会信用代码", "企业名称", "法定代表人身份证号", "登记状态", "注销日期"]
CODE, OTHER_CODE = "9161032700CY9RKELX", "916103273CMUYJKAWD"


def companies(home: Path) -> list[dict[str, object]]:
    """The `company` relation over the warehouse, by code then file and row."""
    engine = DuckDBEngine()
    try:
        open_warehouse(engine, Warehouse(Settings().warehouse_dir))
        engine.materialise("company", dict(base_relations())["company"])
        return engine.query("SELECT credit_code, company, status, source_file, source_row "
                            "FROM company ORDER BY credit_code, source_file, "
                            "source_row").to_pylist()
    finally:
        engine.close()


def test_a_company_restated_by_a_later_delivery_is_read_from_it(tmp_path: Path, home: Path):
    # By file name, `12月` would sort before `3月`: delivered last is ingested last.
    first = write_csv(tmp_path / "企业登记_3月.csv", [
        BUSINESS_HEADER, [CODE, "陇县郭家合作社", PERSON, "存续", ""],
        [OTHER_CODE, "陇县杜家商贸", PERSON, "存续", ""]])
    later = write_csv(tmp_path / "企业登记_12月.csv", [
        BUSINESS_HEADER, [CODE.lower(), "陇县郭家种养殖专业合作社", PERSON, "注销", "2024-02-15"]])
    for path in (first, later):
        result = CliRunner().invoke(app, ["ingest", "--dataset", "businesses", str(path)])
        assert result.exit_code == 0, result.output
    assert [(c["credit_code"], c["company"], c["status"]) for c in companies(home)] == [
        (CODE, "陇县郭家种养殖专业合作社", "注销"), (OTHER_CODE, "陇县杜家商贸", "存续")]


def test_within_one_delivery_the_path_sorting_last_then_the_last_row_wins(tmp_path: Path,
                                                                          home: Path):
    delivery = tmp_path / "delivery" / "businesses"
    write_csv(delivery / "b.csv", [BUSINESS_HEADER, [CODE, "乙", PERSON, "存续", ""],
                                   [CODE, "丙", PERSON, "吊销", "2024-01-01"]])
    write_csv(delivery / "a.csv", [BUSINESS_HEADER, [CODE, "甲", PERSON, "存续", ""]])
    result = CliRunner().invoke(app, ["ingest", str(tmp_path / "delivery")])
    assert result.exit_code == 0, result.output
    assert [(c["company"], c["source_file"], c["source_row"]) for c in companies(home)] == [
        ("丙", "b.csv", 3)]


def test_rows_without_a_code_are_each_kept(tmp_path: Path, home: Path):
    path = write_csv(tmp_path / "企业登记.csv", [
        BUSINESS_HEADER, ["", "甲", PERSON, "存续", ""], ["", "乙", PERSON, "存续", ""],
        [CODE, "丙", PERSON, "存续", ""]])
    result = CliRunner().invoke(app, ["ingest", "--dataset", "businesses", str(path)])
    assert result.exit_code == 0, result.output
    assert [(c["credit_code"], c["company"]) for c in companies(home)] == [
        (CODE, "丙"), (None, "甲"), (None, "乙")]
