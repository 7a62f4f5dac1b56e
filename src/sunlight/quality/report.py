"""The data-quality report: a summary per dataset and the export of every finding."""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple, cast

from sunlight.contract.datasets import DATASETS
from sunlight.contract.vocabulary import FINDING_SEVERITY_ZH, QUALITY_COLUMN_ZH, REASONS_ZH
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
    return cast(list[Finding], _batch_findings(warehouse, file_hash, select))


def _batch_findings(warehouse: Warehouse, file_hash: str, select: str) -> list[tuple[Any, ...]]:
    """The rows of `select` over one batch's findings and the checks across files of it."""
    batch = warehouse.batch_by_hash(file_hash)
    if batch is None:
        return []
    rows = _read_findings([warehouse.root / batch.findings_file], f"{select} {_ORDER}")
    cross = warehouse.cross_checks_file()
    if cross and _HEX.fullmatch(file_hash):  # a digest: safe to write into the query
        rows += _read_findings([warehouse.root / cross],
                               f"{select} WHERE source_file_hash = '{file_hash}' {_ORDER}")
        rows.sort(key=lambda r: (r[0], r[1], r[3], r[4], r[5]))
    return rows


class LabelledFinding(NamedTuple):
    """A finding as staff read it: the contract's columns, and the column it is about in
    the contract's Chinese (empty for a finding about a whole row)."""

    dataset: str
    file: str
    sheet: str
    row: int
    severity: str
    reason: str
    value: str
    column: str


def labelled_findings(warehouse: Warehouse, file_hash: str | None = None
                      ) -> list[LabelledFinding]:
    """`findings`, each naming its column as the contract does (身份证号, 发放金额...)."""
    select = f"SELECT {', '.join(EXPORT_COLUMNS)}, column_name FROM findings"
    if file_hash is None:
        files = warehouse.findings_files()
        rows = _read_findings(files, f"{select} {_ORDER}") if files else []
    else:
        rows = _batch_findings(warehouse, file_hash, select)
    return [LabelledFinding(dataset, file, sheet, row, severity, reason, value,
                            column_label(dataset, column))
            for dataset, file, sheet, row, severity, reason, value, column in rows]


def column_label(dataset: str, column: str | None) -> str:
    """A dataset's column by its Chinese name ('' for none, or one the contract lacks)."""
    try:
        return DATASETS[dataset].column(column).label if column else ""
    except KeyError:
        return ""


def export(warehouse: Warehouse, fmt: str, path: Path, file_hash: str | None = None) -> int:
    """Write the findings (of one batch, given its `file_hash`) to `path`; return how many.

    CSV is the contract's (§4: its columns and codes); xlsx is for staff, in Chinese, with
    the column each finding is about."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt not in ("csv", "xlsx"):
        raise ValueError(f"unknown export format {fmt!r}: csv or xlsx")
    if fmt == "xlsx":
        labelled = labelled_findings(warehouse, file_hash)
        _write_xlsx(labelled, path)
        return len(labelled)
    rows = findings(warehouse, file_hash)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(EXPORT_COLUMNS)
        # Delivered text (file and sheet names, offending values) may be a formula.
        writer.writerows(safe_row(row) for row in rows)
    return len(rows)


XLSX_COLUMNS = ("dataset", "file", "sheet", "row", "severity", "column", "reason", "value")
"""The xlsx's columns, headed by vocabulary.yaml `quality_columns`."""


def _xlsx_cells(finding: LabelledFinding) -> tuple[str | int, ...]:
    dataset = DATASETS.get(finding.dataset)
    return (dataset.label if dataset else finding.dataset, finding.file, finding.sheet or "",
            finding.row, FINDING_SEVERITY_ZH.get(finding.severity, finding.severity),
            finding.column, REASONS_ZH.get(finding.reason, finding.reason), finding.value or "")


def _write_xlsx(rows: list[LabelledFinding], path: Path) -> None:
    import xlsxwriter  # only an export needs it: not imported on every start of the CLI

    # Delivered text is written as text (write_string, never write): a cell reading
    # =HYPERLINK(...) must not become a live formula in the report staff open.
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True,
                                               "strings_to_formulas": False,
                                               "strings_to_urls": False})
    heads = QUALITY_COLUMN_ZH
    try:
        sheet = workbook.add_worksheet(heads["findings_sheet"])
        bold = workbook.add_format({"bold": True})
        sheet.write_row(0, 0, [heads[name] for name in XLSX_COLUMNS], bold)
        for number, row in enumerate(rows, start=1):
            for column, cell in enumerate(_xlsx_cells(row)):
                if isinstance(cell, int):
                    sheet.write_number(number, column, cell)
                else:
                    sheet.write_string(number, column, cell)
        sheet.set_column(0, 0, 16)
        sheet.set_column(1, 1, 40)
        sheet.set_column(4, 5, 16)
        sheet.set_column(6, 7, 40)
        guide = workbook.add_worksheet(heads["guide_sheet"])
        guide.write_row(0, 0, (heads["reason_code"], heads["meaning"]), bold)
        for number, (reason, meaning) in enumerate(REASONS_ZH.items(), start=1):
            guide.write_row(number, 0, (reason, meaning))
        guide.set_column(0, 0, 20)
        guide.set_column(1, 1, 60)
    finally:
        workbook.close()
