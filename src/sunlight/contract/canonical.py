"""The canonical tables of the warehouse, loaded from canonical.yaml: what each dataset's
table holds once ingested (columns and SQL types), whichever engine reads it."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import cast

from sunlight.contract.datasets import DATASETS, safe_load


@dataclass(frozen=True)
class TableColumn:
    """One column of a canonical table: its name and its type in SQL (DuckDB's spelling)."""

    name: str
    sql_type: str


def _columns(raw: dict[str, object]) -> tuple[TableColumn, ...]:
    return tuple(TableColumn(str(name), str(sql_type)) for name, sql_type in raw.items())


def _load() -> tuple[tuple[TableColumn, ...], dict[str, tuple[TableColumn, ...]]]:
    text = resources.files("sunlight.contract").joinpath("canonical.yaml").read_text("utf-8")
    raw = cast(dict[str, dict[str, dict[str, object]]], safe_load(text))
    lineage = _columns(cast(dict[str, object], raw["lineage"]))
    tables = {code: _columns(columns) for code, columns in raw["datasets"].items()}
    if unknown := set(tables) ^ set(DATASETS):
        raise ValueError(f"canonical.yaml and datasets.yaml disagree on {sorted(unknown)}")
    return lineage, tables


LINEAGE_COLUMNS, _DATA_COLUMNS = _load()
"""Where each row came from: file hash and name, sheet, row number as a person counts it."""


def data_columns(dataset: str) -> tuple[TableColumn, ...]:
    """The columns ingestion writes for a dataset, without the lineage."""
    return _DATA_COLUMNS[dataset]


def table_columns(dataset: str) -> tuple[TableColumn, ...]:
    """Every column of a dataset's canonical table, lineage last."""
    return _DATA_COLUMNS[dataset] + LINEAGE_COLUMNS
