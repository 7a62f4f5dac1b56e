"""The warehouse as tables of an engine: every dataset of the contract, and the batches."""

from __future__ import annotations

import pyarrow as pa

from sunlight.contract.datasets import DATASETS
from sunlight.warehouse.engine import Engine
from sunlight.warehouse.store import BatchRecord, Warehouse


def open_warehouse(engine: Engine, warehouse: Warehouse) -> set[str]:
    """Register every dataset of the contract as a table; returns the datasets that have rows.

    Also `batches` (file_hash, dataset, file_name, delivered): the order files were ingested
    in, so that "the latest registry row" means the latest delivered, not the last file name.
    """
    batches = warehouse.batches()  # one read of the manifest for every dataset
    present = set()
    for code in DATASETS:
        files = warehouse.table_files(code, batches)
        engine.register_files(code, files, code)
        if files:
            present.add(code)
    engine.register_table("batches", batches_table(batches))
    return present


def batches_table(batches: list[BatchRecord]) -> pa.Table:
    """The committed batches in ingestion order (`delivered` counts from 1)."""
    return pa.table({
        "file_hash": pa.array([b.file_hash for b in batches], pa.string()),
        "dataset": pa.array([b.dataset for b in batches], pa.string()),
        "file_name": pa.array([b.file_name for b in batches], pa.string()),
        "delivered": pa.array(range(1, len(batches) + 1), pa.int32()),
    })
