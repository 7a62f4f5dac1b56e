"""Section 6's records that change (contract §1): a post, a case and an inspection finding are
each read from the row delivered last."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from typer.testing import CliRunner

from sunlight.cli.app import app
from sunlight.models.runner import base_relations
from sunlight.settings import Settings
from sunlight.warehouse.duckdb_engine import DuckDBEngine
from sunlight.warehouse.store import Warehouse
from sunlight.warehouse.tables import open_warehouse
from tests.conftest import Cell, write_csv

CASE_HEADER: list[Cell] = ["案件编号", "办案单位", "案件类别", "受理时间", "办结时间", "办理状态"]
FINDING_HEADER: list[Cell] = ["问题编号", "被督察单位", "发现日期", "问题类别", "整改期限",
                              "整改完成日期"]
POST_HEADER: list[Cell] = ["单位", "岗位", "勤务要求", "停用日期"]


def relation(name: str, order: str) -> list[dict[str, object]]:
    engine = DuckDBEngine()
    try:
        open_warehouse(engine, Warehouse(Settings().warehouse_dir))
        engine.materialise(name, dict(base_relations())[name])
        return engine.query(f"SELECT * FROM {name} ORDER BY {order}").to_pylist()
    finally:
        engine.close()


def ingest(path: Path, dataset: str | None = None) -> None:
    command = ["ingest", "--dataset", dataset, str(path)] if dataset else ["ingest", str(path)]
    result = CliRunner().invoke(app, command)
    assert result.exit_code == 0, result.output


def test_a_case_delivered_open_and_later_closed_is_one_closed_case(tmp_path: Path, home: Path):
    # By file name `12月` sorts before `3月`: delivered last is ingested last.
    ingest(write_csv(tmp_path / "案件_3月.csv", [
        CASE_HEADER, ["A001", "城关派出所", "行政", "2024-03-01 09:00", "", "办理中"],
        ["A002", "城关派出所", "刑事", "2024-03-02 10:00", "", "办理中"]]), "police_cases")
    ingest(write_csv(tmp_path / "案件_12月.csv", [
        CASE_HEADER, ["A001", "城关派出所", "行政", "2024-03-01 09:00", "2024-03-20 17:30",
                      "已办结"]]), "police_cases")
    cases = relation("police_case", "case_no")
    assert [(c["case_no"], c["closed_at"], c["status"], c["source_file"]) for c in cases] == [
        ("A001", dt.datetime(2024, 3, 20, 17, 30), "已办结", "案件_12月.csv"),
        ("A002", None, "办理中", "案件_3月.csv")]


def test_within_one_delivery_the_path_sorting_last_then_the_last_row_wins(tmp_path: Path,
                                                                          home: Path):
    delivery = tmp_path / "delivery" / "inspection_findings"
    write_csv(delivery / "b.csv", [
        FINDING_HEADER, ["DC1", "交警大队", "2024-01-10", "值守", "2024-01-31", ""],
        ["DC1", "交警大队", "2024-01-10", "值守", "2024-01-31", "2024-01-29"]])
    write_csv(delivery / "a.csv", [
        FINDING_HEADER, ["DC1", "交警大队", "2024-01-10", "值守", "2024-02-28", ""],
        ["DC2", "东风派出所", "2024-01-12", "装备", "2024-02-12", ""]])
    ingest(tmp_path / "delivery")
    findings = relation("inspection_finding", "finding_no")
    assert [(f["finding_no"], f["rectify_by"], f["rectified_on"], f["source_file"],
             f["source_row"]) for f in findings] == [
        ("DC1", dt.date(2024, 1, 31), dt.date(2024, 1, 29), "b.csv", 3),
        ("DC2", dt.date(2024, 2, 12), None, "a.csv", 3)]


def test_a_post_is_one_per_unit_and_post_as_last_delivered(tmp_path: Path, home: Path):
    ingest(write_csv(tmp_path / "站点_1月.csv", [
        POST_HEADER, ["交警大队", "G85千阳卡口", "24小时", ""],
        ["城关派出所", "值班室", "24小时", ""], ["东风派出所", "值班室", "白班", ""]]), "posts")
    ingest(write_csv(tmp_path / "站点_2月.csv", [
        POST_HEADER, ["城关派出所", "值班室", "24小时", "2024-01-31"]]), "posts")
    posts = relation("post", "unit, post")
    assert [(p["unit"], p["post"], p["coverage"], p["active_to"]) for p in posts] == [
        ("东风派出所", "值班室", "白班", None),
        ("交警大队", "G85千阳卡口", "24小时", None),
        ("城关派出所", "值班室", "24小时", dt.date(2024, 1, 31))]
