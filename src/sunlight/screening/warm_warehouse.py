"""The warehouse held warm in one engine, for screening one application at a time.

A batch is screened by laying it over the warehouse and running the models once; an
application must be answered in a fraction of a second, so what does not depend on it is
computed once per state of the warehouse: every dataset the models read is copied into the
engine, the committed payments and enrollments sorted by ID number (a lookup of one person
then reads one block), and the shared relations that read neither (`person`, `death`,
`holding`) materialised. Per application only the applicant's own rows are laid out: their
payments and enrollments with the application's, and the registry rows of their household.
The relations that read payments or enrollments (`paid`, `enrolled`, `declared_cover` ...)
stay views over those few rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import sqlglot

from sunlight.contract.catalog import Catalog
from sunlight.contract.datasets import DATASETS
from sunlight.models.catalog_tables import catalog_tables
from sunlight.models.registry import Model
from sunlight.models.runner import base_relations, tables_read
from sunlight.warehouse.engine import Engine
from sunlight.warehouse.store import Warehouse
from sunlight.warehouse.tables import Overlay, open_warehouse

LAID_OVER = ("payments", "enrollments")
"""The datasets an application adds a row to; every relation reading them is per application."""


def _literal(text: str) -> str:
    return sqlglot.exp.Literal.string(text).sql("duckdb")


def _own(name: str) -> str:
    """The table holding the applicant's rows of a dataset or relation."""
    return f"{name}__applicant"


def _whole(name: str) -> str:
    """The table holding the whole warehouse's rows of a dataset or relation."""
    return f"{name}__all"


class WarmWarehouse:
    """One engine with the warehouse prepared for the given models; `lay_over` per applicant."""

    def __init__(self, engine: Engine, warehouse: Warehouse, catalog: Catalog,
                 models: Sequence[Model]) -> None:
        self.engine = engine
        self.present = open_warehouse(engine, warehouse) | set(LAID_OVER)
        for name, table in catalog_tables(catalog).items():
            engine.register_table(name, table)
        read = _tables_read(models)
        per_applicant = _per_applicant_relations()
        for code in sorted(read & set(DATASETS) - set(LAID_OVER)):
            engine.materialise(code, f"SELECT * FROM {code}")  # shadows the Parquet view
        for code in LAID_OVER:
            engine.materialise(_whole(code), f"SELECT * FROM {code} ORDER BY id_number")
        relations = dict(base_relations())
        engine.materialise(_whole("person"), relations["person"])
        engine.create_view("person", f"SELECT * FROM {_whole('person')}")
        for name, sql in base_relations():
            if name in read and name != "person" and name not in per_applicant:
                engine.materialise(name, sql)
        # From here on the applicant's rows stand for the three tables they narrow.
        for name in (*LAID_OVER, "person"):
            engine.materialise(_own(name), f"SELECT * FROM {_whole(name)} LIMIT 0")
            engine.create_view(name, f"SELECT * FROM {_own(name)}")
        for name, sql in base_relations():
            if name in per_applicant:
                engine.create_view(name, sql)

    def lay_over(self, overlays: Mapping[str, Overlay], id_number: str) -> None:
        """Each overlay's rows beside the committed rows its keys select (as
        `warehouse.tables.open_warehouse` lays a batch over the warehouse), and the registry
        rows of the household of `id_number`, the person the rows are about."""
        if unknown := set(overlays) - set(LAID_OVER):
            raise ValueError(f"only {', '.join(LAID_OVER)} can be laid over, not {unknown}")
        for code in LAID_OVER:
            overlay = overlays.get(code)
            laid = f"{code}__laid"
            if overlay is None:
                self.engine.materialise(_own(code), f"SELECT * FROM {_whole(code)} LIMIT 0")
                continue
            self.engine.register_table(laid, overlay.rows)
            kept = " OR ".join(f"{key} IN (SELECT {key} FROM {laid} WHERE {key} IS NOT NULL)"
                               for key in overlay.keys) or "TRUE"
            self.engine.materialise(_own(code), f"SELECT * FROM {_whole(code)} WHERE {kept} "
                                                f"UNION ALL BY NAME SELECT * FROM {laid}")
        # Models reach other people only through the person's 户号 (a cadre, an asset's
        # owner, a holder of the household's land), so the household is all of the registry
        # they can join; anyone else is, to them, in a household of their own.
        key, whole = _literal(id_number), _whole("person")
        self.engine.materialise(_own("person"), (
            f"SELECT * FROM {whole} WHERE id_number = {key} OR household_id = "
            f"(SELECT household_id FROM {whole} WHERE id_number = {key} LIMIT 1)"))


def _tables_read(models: Sequence[Model]) -> set[str]:
    """Every table and relation the models read, directly or through relations."""
    inputs = {name: tables_read(sqlglot.parse_one(sql, read="duckdb"))
              for name, sql in base_relations()}
    wanted: set[str] = {"person"}  # the runner names the people of a warning with it
    for model in models:
        wanted |= tables_read(model.tree)
    for name, _ in reversed(base_relations()):  # later relations read only earlier ones
        if name in wanted:
            wanted |= inputs[name]
    return wanted


def _per_applicant_relations() -> set[str]:
    """The relations that read payments or enrollments, directly or through others."""
    found: set[str] = set()
    for name, sql in base_relations():
        read = tables_read(sqlglot.parse_one(sql, read="duckdb"))
        if read & (set(LAID_OVER) | found):
            found.add(name)
    return found
