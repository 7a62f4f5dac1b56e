"""The warehouse as tables of an engine: every dataset of the contract, and the batches."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from sunlight.clock import local_today
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
                   overlays: Mapping[str, Overlay] | None = None,
                   narrowed: Collection[str] = (),
                   batches: Sequence[BatchRecord] | None = None) -> set[str]:
    """Register every dataset of the contract as a table; returns the datasets that have rows.

    Also `batches` (file_hash, dataset, file_name, delivered): the order files were ingested
    in, so that "the latest registry row" means the latest delivered, not the last file name.
    An overlaid dataset is its committed rows (those `keys` select) and the overlay's, whose
    file comes last in `batches`; a committed file of the same bytes is left out, as ingesting
    it again would change nothing. With overlays, each `narrowed` dataset not overlaid holds
    only the rows about the overlaid rows' people and their households (`_narrow`).
    `batches`: the manifest as the caller read it, so that what it registers is what the
    caller records (an ingest may commit meanwhile); by default read now.
    """
    overlays = overlays or {}
    hashes = {overlay.file_hash for overlay in overlays.values()}
    listed = warehouse.batches() if batches is None else batches
    batches = [b for b in listed if b.file_hash not in hashes]
    narrowed = [code for code in narrowed if code not in overlays] if overlays else []
    present = set()
    for code in DATASETS:
        files = warehouse.table_files(code, batches)
        overlay = overlays.get(code)
        if overlay is not None:
            _register_overlaid(engine, code, files, overlay)
        else:
            engine.register_files(_whole(code) if code in narrowed else code, files, code)
        if files or (overlay is not None and overlay.rows.num_rows):
            present.add(code)
    if narrowed:
        _narrow(engine, list(overlays), narrowed)
    order = batches_table(batches)
    for code, overlay in overlays.items():
        order = pa.concat_tables([order, pa.table({
            "file_hash": [overlay.file_hash], "dataset": [code], "file_name": [overlay.file_name],
            "delivered": pa.array([order.num_rows + 1], pa.int32()),
            # screened as if ingested now
            "ingested_on": pa.array([local_today()], pa.date32())})])
    engine.register_table("batches", order)
    return present


def _whole(code: str) -> str:
    return f"{code}__whole"


def _narrow(engine: Engine, overlaid: list[str], narrowed: list[str]) -> None:
    """Each narrowed dataset as its rows about the companies and people the overlaid
    datasets' rows are about.

    The companies: the overlaid rows' credit codes. The people: the overlaid rows' IDs, the
    legal representatives any registry row of those companies names, and everyone the
    registry ever placed in one of their households. Everyone's rows whole, every registry
    row included: `person` and `company` still keep each one's latest. A dataset is narrowed
    only when a model reaches a person or company in it through a payee's ID, 户号 or credit
    code alone (contract/screening.yaml says which); then what the models find on the
    overlaid rows is what they find over the whole warehouse, faster.
    """
    def whole(code: str) -> str:
        return _whole(code) if code in narrowed else code

    companies = [f"SELECT {DATASETS[code].company} AS credit_code FROM {code}"
                 for code in overlaid if DATASETS[code].company]
    engine.materialise("screened_companies", " UNION ".join(companies) if companies
                       else "SELECT NULL::VARCHAR AS credit_code WHERE false")
    # Who a company is about: the person column of a dataset about companies and people
    # (the business registry's legal representative), on any of its rows.
    concerned = [f"SELECT {DATASETS[code].person} AS id_number FROM {code}"
                 for code in overlaid if DATASETS[code].person]
    concerned += [f"SELECT {DATASETS[code].person} AS id_number FROM {whole(code)} "
                  f"WHERE {DATASETS[code].company} IN (SELECT credit_code FROM screened_companies)"
                  for code in DATASETS
                  if companies and DATASETS[code].person and DATASETS[code].company]
    registry = whole("residents")
    engine.materialise("screened_people", f"""
        WITH concerned AS ({" UNION ".join(concerned) or "SELECT NULL::VARCHAR AS id_number"}),
        homes AS (SELECT DISTINCT household_id FROM {registry}
                  WHERE id_number IN (SELECT id_number FROM concerned))
        SELECT id_number FROM concerned WHERE id_number IS NOT NULL
        UNION
        SELECT id_number FROM {registry}
        WHERE household_id IN (SELECT household_id FROM homes)""")
    for code in narrowed:
        about = _about(code)
        if not about:
            raise ValueError(f"{code} is about no one: it cannot be narrowed")
        # A table, not a view: a few relations and models read each of them.
        engine.materialise(code, f"SELECT * FROM {_whole(code)} WHERE {' OR '.join(about)}")


def _about(code: str) -> list[str]:
    """The conditions keeping a row of `code` about a screened person or company."""
    person, company = DATASETS[code].person, DATASETS[code].company
    return ([f"{person} IN (SELECT id_number FROM screened_people)"] if person else []) + (
        [f"{company} IN (SELECT credit_code FROM screened_companies)"] if company else [])


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
    """The committed batches in ingestion order (`delivered` counts from 1), with the day
    each was ingested (`ingested_on`)."""
    return pa.table({
        "file_hash": pa.array([b.file_hash for b in batches], pa.string()),
        "dataset": pa.array([b.dataset for b in batches], pa.string()),
        "file_name": pa.array([b.file_name for b in batches], pa.string()),
        "delivered": pa.array(range(1, len(batches) + 1), pa.int32()),
        "ingested_on": pa.array([b.ingested_on for b in batches], pa.date32()),
    })
