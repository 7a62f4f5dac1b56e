"""The data-quality report: a summary per dataset and the export of every finding."""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from sunlight.contract.datasets import DATASETS
from sunlight.contract.vocabulary import REASONS_ZH
from sunlight.csv_cells import safe_row
from sunlight.warehouse.duckdb_engine import DuckDBEngine
from sunlight.warehouse.store import Warehouse

EXPORT_COLUMNS = ("dataset", "file", "sheet", "row", "severity", "reason", "value")


@dataclass(frozen=True)
class DatasetSummary:
    """How the rows of one dataset fared."""

    dataset: str
    files: int
    rows_read: int
    accepted: int
    rejected: int
    doubtful: int
    non_data: int
    rejected_amount: Decimal


def _cross_check_rows(warehouse: Warehouse) -> dict[str, int]:
    """Rows doubted by checks across files (death dates that disagree), per dataset."""
    cross = warehouse.cross_checks_file()
    if not cross:
        return {}
    rows = _read_findings([warehouse.root / cross], "SELECT dataset, count(DISTINCT (file, row)) "
                          "FROM findings GROUP BY dataset")
    return {str(dataset): int(count) for dataset, count in rows}


def _read_findings(files: Sequence[Path], sql: str) -> list[tuple[Any, ...]]:
    """Rows of a query over findings files (table `findings`), through an engine of its own:
    a request thread of the web app must not share one connection with the others."""
    engine = DuckDBEngine(threads=1)
    try:
        engine.register_parquet("findings", files)
        table = engine.query(sql)
    finally:
        engine.close()
    columns = [column.to_pylist() for column in table.columns]
    return list(zip(*columns, strict=True))


def summarise(warehouse: Warehouse) -> list[DatasetSummary]:
    """One summary per dataset that has ingested files, in contract order."""
    summaries = []
    cross_doubts = _cross_check_rows(warehouse)
    for code in DATASETS:
        batches = [b.data for b in warehouse.batches() if b.dataset == code]
        if not batches:
            continue
        counts = [b["counts"] for b in batches]
        summaries.append(DatasetSummary(
            dataset=code,
            files=len(batches),
            rows_read=sum(c["accepted"] + c["rejected"] for c in counts),
            accepted=sum(c["accepted"] for c in counts),
            rejected=sum(c["rejected"] for c in counts),
            doubtful=sum(c["doubtful"] for c in counts) + cross_doubts.get(code, 0),
            non_data=sum(c["title"] + c["header"] + c["blank"] + c["total"]
                         for c in counts),
            rejected_amount=sum((Decimal(b["rejected_amount"]) for b in batches), Decimal(0)),
        ))
    return summaries


Finding = tuple[str, str, str, int, str, str, str]


_ORDER = "ORDER BY dataset, file, row, severity, reason"
_HEX = re.compile(r"[0-9a-f]{16,128}")


def findings(warehouse: Warehouse, file_hash: str | None = None) -> list[Finding]:
    """Every finding of every committed batch (or of the one batch of `file_hash`, with the
    checks across files that concern its rows), in contract column order."""
    select = f"SELECT {', '.join(EXPORT_COLUMNS)} FROM findings"
    if file_hash is None:
        files = warehouse.findings_files()
        return cast(list[Finding], _read_findings(files, f"{select} {_ORDER}") if files else [])
    batch = warehouse.batch_by_hash(file_hash)
    if batch is None:
        return []
    rows = _read_findings([warehouse.root / batch.findings_file], f"{select} {_ORDER}")
    cross = warehouse.cross_checks_file()
    if cross and _HEX.fullmatch(file_hash):  # a digest: safe to write into the query
        rows += _read_findings([warehouse.root / cross],
                               f"{select} WHERE source_file_hash = '{file_hash}' {_ORDER}")
        rows.sort(key=lambda r: (r[0], r[1], r[3], r[4], r[5]))
    return cast(list[Finding], rows)


def export(warehouse: Warehouse, fmt: str, path: Path, file_hash: str | None = None) -> int:
    """Write the findings (of one batch, given its `file_hash`) to `path`; return how many."""
    rows = findings(warehouse, file_hash)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt not in ("csv", "xlsx"):
        raise ValueError(f"unknown export format {fmt!r}: csv or xlsx")
    if fmt == "csv":
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(EXPORT_COLUMNS)
            # Delivered text (file and sheet names, offending values) may be a formula.
            writer.writerows(safe_row(row) for row in rows)
    else:
        _write_xlsx(rows, path)
    return len(rows)


def _write_xlsx(rows: list[Finding], path: Path) -> None:
    import xlsxwriter  # only an export needs it: not imported on every start of the CLI

    # Delivered text is written as text (write_string, never write): a cell reading
    # =HYPERLINK(...) must not become a live formula in the report staff open.
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True,
                                               "strings_to_formulas": False,
                                               "strings_to_urls": False})
    try:
        sheet = workbook.add_worksheet("findings")
        bold = workbook.add_format({"bold": True})
        sheet.write_row(0, 0, EXPORT_COLUMNS, bold)
        for number, row in enumerate(rows, start=1):
            for column, cell in enumerate(row):
                if isinstance(cell, int | float):
                    sheet.write_number(number, column, cell)
                elif cell is not None:
                    sheet.write_string(number, column, str(cell))
        sheet.set_column(0, 0, 16)
        sheet.set_column(1, 1, 40)
        sheet.set_column(5, 6, 22)
        guide = workbook.add_worksheet("说明")
        guide.write_row(0, 0, ("reason", "含义"), bold)
        for number, (reason, meaning) in enumerate(REASONS_ZH.items(), start=1):
            guide.write_row(number, 0, (reason, meaning))
        guide.set_column(0, 0, 20)
        guide.set_column(1, 1, 60)
    finally:
        workbook.close()
