"""Screening a batch: read as ingestion reads it, judged by the models as if it were ingested.

A batch file goes through ingestion's own readers, layout, row labelling and normalisers into
a staging folder of its own (`ingest.pipeline.prepare`), never committed. Its accepted rows
are laid over the warehouse (`warehouse.tables.Overlay`: the dataset's committed rows of the
batch's payees and accounts, then the batch's) and the model library runs as detection runs
it. A row is held when it is an evidence row of any detection of a screened model (what
ingesting it would add to a warning); rows ingestion would reject are unreadable, with the
finding's reason.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from sunlight.contract.catalog import load_catalog
from sunlight.contract.screening import BATCH_KINDS, NARROWED, BatchKind, ExplanationDetail
from sunlight.contract.vocabulary import REASONS_ZH, VOCABULARY
from sunlight.ingest.bounds import ReadLimits
from sunlight.ingest.errors import HeaderReport
from sunlight.ingest.pipeline import prepare
from sunlight.models.detection import Detection
from sunlight.models.parameters import load_overrides
from sunlight.models.registry import Model
from sunlight.models.registry import library as shipped_library
from sunlight.models.runner import detect, relations_read
from sunlight.screening.audience import told
from sunlight.screening.json_rows import as_table, every_row_judged
from sunlight.screening.verdicts import (
    EXPLANATION_SEPARATOR,
    HOLD,
    PASS,
    UNREADABLE,
    ScreeningResult,
    Verdict,
)
from sunlight.settings import Settings
from sunlight.warehouse.batch import StagedBatch
from sunlight.warehouse.duckdb_engine import engine_for
from sunlight.warehouse.spill import work_folder
from sunlight.warehouse.store import Warehouse
from sunlight.warehouse.tables import Overlay

TEXT_ZH = VOCABULARY.screening_texts
# A delivered value quoted in an unreadable row's reason is cut to this many characters.
_QUOTED_CHARS = 40


class UnknownBatchKind(ValueError):
    """A kind of batch contract/screening.yaml does not list."""


class BatchRefused(Exception):
    """A batch file refused as ingestion refuses it: `str()` in English, `chinese` for pages."""

    def __init__(self, message: str, chinese: str, headers: HeaderReport | None = None) -> None:
        super().__init__(message)
        self.chinese = chinese
        self.headers = headers


def batch_kind(code: str) -> BatchKind:
    if code not in BATCH_KINDS:
        raise UnknownBatchKind(f"unknown kind of batch {code!r}; one of: "
                               + ", ".join(BATCH_KINDS))
    return BATCH_KINDS[code]


def screen_file(settings: Settings, path: Path, dataset: str = "payments", *,
                file_name: str | None = None,
                narrowed: Collection[str] = NARROWED,
                detail: ExplanationDetail = "full") -> ScreeningResult:
    """Screen one batch file; BatchRefused when ingestion would refuse it.

    `file_name`: the name the file was delivered under, when `path` is a stored copy (it is
    the rows' lineage, as ingestion would record it); `narrowed`: see `screen_overlay`;
    `detail`: what a held row's explanation says, by who reads it (screening/audience.py).
    """
    started = time.perf_counter()
    kind = batch_kind(dataset)
    # Under the home, not the system's /tmp: what a killed run leaves (IDs, names, accounts)
    # is removed at the next start (warehouse.spill.remove_stale).
    with work_folder(settings.engine_temp_dir, "screening") as folder:
        staged = _stage(settings, _as_named(path, file_name, folder / "named"), kind, folder)
        rows = pq.read_table(staged.table_path)
        findings = pq.read_table(staged.findings_path)
        rejected = pq.read_table(staged.rejected_path) if staged.rejected_path else None
    overlay = _overlay(rows, staged, kind)
    fired = screen_overlay(settings, {kind.dataset: overlay}, kind.not_screened,
                           narrowed=narrowed)
    verdicts = _verdicts(kind, rows, findings, fired.on_rows(kind.dataset, overlay),
                         fired.library, detail, rejected)
    return ScreeningResult(dataset, staged.file_name, staged.file_hash, verdicts,
                           time.perf_counter() - started, fired.not_run)


def screen_rows(settings: Settings, rows: Sequence[Mapping[str, str]],
                dataset: str = "payments", *, file_name: str = "rows.csv",
                detail: ExplanationDetail = "full") -> ScreeningResult:
    """Screen rows given as mappings (JSON), keyed by canonical column names or by any header
    the contract accepts; each row's number is its position + 1, as if row 1 were a header.

    The rows are written as a CSV file and screened as one, so every reader and normaliser
    applies as to a file; each row sent has a verdict (screening/json_rows.py).
    ColumnTwice when two keys of a row name one column.
    """
    table = as_table(rows, batch_kind(dataset).dataset)
    with work_folder(settings.engine_temp_dir, "screening-rows") as folder:
        path = folder / (Path(file_name).name or "rows.csv")
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(table.header)
            writer.writerows(table.lines)
        return every_row_judged(screen_file(settings, path, dataset, detail=detail), rows)


def _overlay(rows: pa.Table, staged: StagedBatch, kind: BatchKind) -> Overlay:
    """The staged rows as an overlay whose lineage names a file no committed file is named.

    Evidence rows are matched by file name, sheet and row: a clerk who screens
    `待发放清单.csv` every month, last month's ingested under the same name, would otherwise
    have row 12 held for what last month's row 12 is evidence of.
    """
    lineage_name = f"{staged.file_name}#screening-{staged.file_hash[:12]}"
    column = rows.schema.get_field_index("source_file")
    named = rows.set_column(column, "source_file",
                            pa.array([lineage_name] * rows.num_rows, pa.string()))
    return Overlay(named, staged.file_hash, lineage_name, kind.history_keys)


def _as_named(path: Path, file_name: str | None, folder: Path) -> Path:
    """The file under the name it was delivered under: a link in `folder`."""
    name = Path(file_name).name if file_name else ""
    if not name or name == path.name:
        return path
    folder.mkdir()
    named = folder / name
    named.symlink_to(path.resolve())
    return named


def _stage(settings: Settings, path: Path, kind: BatchKind, staging: Path) -> StagedBatch:
    """The file read, normalised and staged as ingestion would; BatchRefused if it would not."""
    [outcome] = prepare([(path, kind.dataset)], staging, load_catalog(settings.catalog),
                        ReadLimits.of(settings))
    if outcome.status == "refused" or outcome.batch is None:
        raise BatchRefused(outcome.message, outcome.chinese, outcome.headers)
    if others := outcome.batch.other_sheets:  # their rows would go to the bank unchecked
        raise BatchRefused(
            f"{path.name}: besides the first sheet, {', '.join(others)} also hold cells; "
            "screening reads the first sheet only: save each sheet as a file of its own and "
            "screen each",
            "工作簿中除第一个工作表外，" + "、".join(f"'{name}'" for name in others)
            + "也有数据；筛查只读第一个工作表，请把每个工作表另存为一个文件分别筛查")
    rows, most = outcome.batch.counts.data, settings.screen_max_rows
    if rows > most:
        raise BatchRefused(
            f"{path.name}: {rows:,} data rows, more than the {most:,} a batch screened at once "
            "may have (setting SUNLIGHT_SCREEN_MAX_ROWS); split it into smaller batches",
            f"{path.name}：共 {rows:,} 行数据，超过一次筛查允许的 {most:,} 行，请拆分后分批筛查")
    return outcome.batch


@dataclass(frozen=True)
class Fired:
    """What the screened models found with the overlays laid over the warehouse."""

    detections: list[Detection]
    library: dict[str, Model]
    not_run: dict[str, str]
    """Models skipped, each with why (the warehouse has no data for their inputs)."""

    def on_rows(self, dataset: str, overlay: Overlay) -> dict[int, list[Detection]]:
        """Per overlay row (its source_row): the detections it is evidence of, in library
        order.

        Money at risk (`paid`) or what shows it (`basis`) alike: the first payment of a
        duplicated period, the side of two exclusive programs not counted, is half of what
        fires, and ingesting it would make it evidence of the warning.
        """
        # An overlay's lineage names a file no committed file is named (a batch's: see
        # `_overlay`; an application's has no suffix ingestion reads), so the name alone
        # tells its rows.
        order = {code: index for index, code in enumerate(self.library)}
        found: dict[int, list[Detection]] = {}
        for detection in sorted(self.detections, key=lambda d: (order.get(d.model, 0), d.key)):
            for number in {row.row for row in detection.evidence
                           if row.dataset == dataset and row.file == overlay.file_name}:
                found.setdefault(number, []).append(detection)
        return found


def screen_overlay(settings: Settings, overlays: Mapping[str, Overlay],
                   not_screened: Collection[str] = (), *,
                   narrowed: Collection[str] = NARROWED) -> Fired:
    """Run every model but `not_screened` that reads an overlaid dataset over the warehouse with
    `overlays` laid over it (a model reading none of them cannot find one of their rows).

    Nothing is written. Each overlay's rows carry their lineage (`source_file` =
    `Overlay.file_name`, `source_sheet`, `source_row`), by which `Fired.on_rows` finds them
    in the evidence. The `narrowed` datasets hold only the rows about the overlaid rows'
    people and their households (contract/screening.yaml; () reads the whole warehouse, to
    the same verdicts). One engine per call.
    """
    library = shipped_library()
    models = [model for code, model in library.items() if code not in set(not_screened)
              and not relations_read(model.tables).isdisjoint(overlays)]
    overrides = load_overrides(settings.detection_parameters, library)
    engine = engine_for(settings)
    try:
        result = detect(engine, Warehouse(settings.warehouse_dir),
                        load_catalog(settings.catalog), models, overrides, overlays=overlays,
                        narrowed=narrowed)
    finally:
        engine.close()
    return Fired(result.detections, library,
                 {o.code: o.reason for o in result.outcomes if not o.ran})


def _verdicts(kind: BatchKind, rows: pa.Table, findings: pa.Table,
              fired: dict[int, list[Detection]], library: dict[str, Model],
              detail: ExplanationDetail, rejected: pa.Table | None = None) -> list[Verdict]:
    """A verdict per data row, in the batch's order: accepted rows by what fired (and what
    ingestion would note of them), rejected rows by their findings, with what of them could
    be read."""
    noted = _reasons(findings, "warning")
    read = ["source_row", *dict.fromkeys(c for columns in kind.verdict.values() for c in columns)]
    verdicts = [_judged(kind, row, fired.get(row["source_row"], []), library,
                        noted.get(row["source_row"], []), detail)
                for row in rows.select(read).to_pylist()]
    readable = _readable(rejected, findings, read)
    verdicts += [_unreadable(kind, number, reasons, readable.get(number, {}))
                 for number, reasons in _reasons(findings, "rejected").items()]
    return sorted(verdicts, key=lambda v: v.row)


def _readable(rejected: pa.Table | None, findings: pa.Table,
              read: list[str]) -> dict[int, dict[str, Any]]:
    """Per rejected row, its values that could be read; none of a row wider than its header,
    whose cells are out of place."""
    if rejected is None:
        return {}
    misshapen = set(findings.filter(pc.equal(findings.column("reason"), "bad_row_shape"))
                    .column("row").to_pylist())
    return {row["source_row"]: row for row in rejected.select(read).to_pylist()
            if row["source_row"] not in misshapen}


def _judged(kind: BatchKind, row: dict[str, Any], detections: list[Detection],
            library: dict[str, Model], noted: list[str], detail: ExplanationDetail) -> Verdict:
    """Each detection as its warning says it, after the model's Chinese name, one a line;
    then what ingestion notes of the row (a program the catalog does not know, which no
    model can judge, passes: the note says why)."""
    values = {name: _first_of(row, columns) for name, columns in kind.verdict.items()}
    codes = tuple(dict.fromkeys(d.model for d in detections))
    said = [f"【{library[code].spec.name_zh}】{text}"
            for code, text in told(detections, library, detail)]
    said += [f"【{TEXT_ZH['quality_note']}】{reason}" for reason in noted]
    return Verdict(int(row["source_row"]), values["id_number"], values["name"],
                   values["program"], values["period"], values["amount"],
                   HOLD if detections else PASS, codes, EXPLANATION_SEPARATOR.join(said))


def _first_of(row: dict[str, Any], columns: Sequence[str]) -> str:
    for column in columns:
        value = row.get(column)
        if value is not None and value != "":
            return f"{value:.2f}" if isinstance(value, Decimal) else str(value)
    return ""


def _reasons(findings: pa.Table, severity: str) -> dict[int, list[str]]:
    """Per row, the Chinese reason of each of its findings of a severity (`rejected`,
    `warning`), with the value as delivered."""
    reasons: dict[int, list[str]] = {}
    for finding in findings.filter(pc.equal(findings.column("severity"),
                                            severity)).to_pylist():
        reason = REASONS_ZH[finding["reason"]]
        value = str(finding["value"] or "")
        if value and finding["reason"] != "bad_row_shape":
            reason += f"（原值：{value[:_QUOTED_CHARS]}）"
        said = reasons.setdefault(int(finding["row"]), [])
        if reason not in said:
            said.append(reason)
    return reasons


def _unreadable(kind: BatchKind, row: int, reasons: list[str],
                readable: dict[str, Any]) -> Verdict:
    """The row's values that could be read (the bad ones, as delivered, are in the reasons)."""
    values = {name: _first_of(readable, columns) for name, columns in kind.verdict.items()}
    return Verdict(row, values["id_number"], values["name"], values["program"],
                   values["period"], values["amount"], UNREADABLE, (), "；".join(reasons))
