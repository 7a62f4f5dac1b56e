"""Tiny police deliveries (contract §6) and the models run over them, for the tests here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from typer.testing import CliRunner

from sunlight.cli.app import app
from sunlight.contract.catalog import load_catalog
from sunlight.contract.time_limits import TimeLimits, load_time_limits
from sunlight.models.detection import Detection
from sunlight.models.registry import load_library
from sunlight.models.runner import detect
from sunlight.settings import Settings
from sunlight.warehouse.duckdb_engine import DuckDBEngine
from sunlight.warehouse.store import Warehouse
from tests.conftest import Cell, write_csv

CASE_HEADER: list[Cell] = ["案件编号", "办案单位", "案件类别", "主办民警身份证号", "主办民警",
                           "受理时间", "立案时间", "强制措施时间", "办结时间", "办理状态"]
FINDING_HEADER: list[Cell] = ["问题编号", "被督察单位", "发现日期", "问题类别", "问题描述",
                              "整改期限", "整改完成日期", "督察人员"]
HANDLER = "610327198704227710"


def case(case_no: str, category: str, received: str, filed: str = "", measures: str = "",
         closed: str = "", unit: str = "城关派出所") -> list[Cell]:
    """A row of police_cases handled by 刘建军; an empty step is not yet taken."""
    return [case_no, unit, category, HANDLER, "刘建军", received, filed, measures, closed,
            "已办结" if closed else "办理中"]


def finding(finding_no: str, found: str, rectify_by: str, rectified: str = "",
            unit: str = "东风派出所") -> list[Cell]:
    return [finding_no, unit, found, "值守", "带班领导未在岗", rectify_by, rectified, "白督察"]


def deliver(folder: Path, name: str, dataset: str, rows: Sequence[list[Cell]]) -> Path:
    """One file of a dataset ingested as `sunlight ingest --dataset` would."""
    header = CASE_HEADER if dataset == "police_cases" else FINDING_HEADER
    path = write_csv(folder / name, [header, *rows])
    result = CliRunner().invoke(app, ["ingest", "--dataset", dataset, str(path)])
    assert result.exit_code == 0, result.output
    return path


def judged(code: str, as_of: dt.date | None = None, limits: TimeLimits | None = None
           ) -> dict[str, Detection]:
    """The warnings of one model over what was ingested, by subject."""
    engine = DuckDBEngine(threads=1)
    try:
        result = detect(engine, Warehouse(Settings().warehouse_dir), load_catalog(),
                        [load_library()[code]], as_of=as_of,
                        time_limits=limits or load_time_limits())
    finally:
        engine.close()
    return {d.subject: d for d in result.detections}
