"""The warehouse as tables of an engine: every dataset of the contract, and the batches."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from sunlight.contract.canonical import table_columns
from sunlight.contract.datasets import DATASETS
from sunlight.warehouse.engine import Engine
from sunlight.warehouse.store import BatchRecord, Warehouse


@dataclass(frozen=True)
class Overlay:
    """Rows laid over a dataset as if their file had just been ingested, written nowhere.

    `rows` are canonical rows with their lineage (one file: `file_hash`, `file_name`).
    `keys`: the dataset's committed rows are kept only where one of these columns holds a
    value of the overlay's rows (a payment batch needs only its payees' and accounts'
    history); empty keeps them all.
    """

    rows: pa.Table
    file_hash: str
    file_name: str
    keys: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if missing := [key for key in self.keys if key not in self.rows.column_names]:
            raise ValueError(f"overlay keys {missing} are not columns of its rows")


def open_warehouse(engine: Engine, warehouse: Warehouse,
                   overlays: Mapping[str, Overlay] | None = None) -> set[str]:
    """Register every dataset of the contract as a table; returns the datasets that have rows.

    Also `batches` (file_hash, dataset, file_name, delivered): the order files were ingested
    in, so that "the latest registry row" means the latest delivered, not the last file name.
    An overlaid dataset is its committed rows (those `keys` select) and the overlay's, whose
    file comes last in `batches`; a committed file of the same bytes is left out, as ingesting
    it again would change nothing.
    """
    overlays = overlays or {}
    hashes = {overlay.file_hash for overlay in overlays.values()}
    batches = [b for b in warehouse.batches() if b.file_hash not in hashes]
    present = set()
    for code in DATASETS:
        files = warehouse.table_files(code, batches)
        overlay = overlays.get(code)
        if overlay is None:
            engine.register_files(code, files, code)
        else:
            _register_overlaid(engine, code, files, overlay)
        if files or (overlay is not None and overlay.rows.num_rows):
            present.add(code)
    order = batches_table(batches)
    for code, overlay in overlays.items():
        order = pa.concat_tables([order, pa.table({
            "file_hash": [overlay.file_hash], "dataset": [code], "file_name": [overlay.file_name],
            "delivered": pa.array([order.num_rows + 1], pa.int32())})])
    engine.register_table("batches", order)
    return present


def _register_overlaid(engine: Engine, code: str, files: list[Path], overlay: Overlay) -> None:
    """`code` as the committed rows the overlay's keys select, then the overlay's own.

    A canonical column the overlay's rows lack is null in them (an application names no
    account).
    """
    committed, laid = f"{code}__committed", f"{code}__overlay"
    engine.register_files(committed, files, code)
    engine.register_table(laid, overlay.rows)
    columns = table_columns(code)
    ours = ", ".join(f"CAST({c.name if c.name in overlay.rows.column_names else 'NULL'} "
                     f"AS {c.sql_type}) AS {c.name}" for c in columns)
    theirs = ", ".join(f"CAST({c.name} AS {c.sql_type}) AS {c.name}" for c in columns)
    kept = " OR ".join(f"{key} IN (SELECT {key} FROM {laid} WHERE {key} IS NOT NULL)"
                       for key in overlay.keys)
    engine.materialise(code, f"SELECT {theirs} FROM {committed}"
                             + (f" WHERE {kept}" if kept else "")
                             + f" UNION ALL SELECT {ours} FROM {laid}")


def batches_table(batches: list[BatchRecord]) -> pa.Table:
    """The committed batches in ingestion order (`delivered` counts from 1)."""
    return pa.table({
        "file_hash": pa.array([b.file_hash for b in batches], pa.string()),
        "dataset": pa.array([b.dataset for b in batches], pa.string()),
        "file_name": pa.array([b.file_name for b in batches], pa.string()),
        "delivered": pa.array(range(1, len(batches) + 1), pa.int32()),
    })
