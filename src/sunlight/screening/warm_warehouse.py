"""The warehouse held warm in one engine, for screening one application at a time.

A batch is screened by laying it over the warehouse and running the models once; an
application must be answered in a fraction of a second, so what does not depend on it is
done once per state of the warehouse: every dataset the models read is copied into the engine
sorted by the person it is about (a lookup of one person then reads one block), and the
shared relations that read neither payments nor enrollments (`person`, `death`, `holding`)
are computed there.

Per application, the models see only the applicant's household: the person, the registry rows
of their 户号, and of every other dataset the rows about those people; payments and
enrollments are the applicant's own with the application's rows laid beside them. That is
exact, not an approximation, because the models reach a person other than the payee only
through the payee's 户号 (a cadre, an asset's owner, a holder of the household's land) or the
payee's ID (a death, a certificate, an office): anyone outside the household is, to them, in a
household of their own and can never join. The test that holds this screener to the
screening core's cold path (the whole warehouse) guards that assumption for every model.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from sunlight.contract.catalog import Catalog
from sunlight.contract.datasets import DATASETS
from sunlight.models.catalog_tables import catalog_tables
from sunlight.models.duty_tables import duty_tables
from sunlight.models.registry import Model
from sunlight.models.runner import (
    base_relations,
    needed_relations,
    relation_inputs,
    relations_read,
)
from sunlight.warehouse.engine import Engine
from sunlight.warehouse.store import Warehouse
from sunlight.warehouse.tables import Overlay, open_warehouse

LAID_OVER = ("payments", "enrollments")
"""The datasets an application adds a row to; every relation reading them is per application."""


def sql_literal(value: str | date) -> str:
    """A DuckDB literal of a text (quotes doubled; a standard string has no other escape) or
    a date. Written out: rendering it through sqlglot cost about 2 ms per application."""
    if isinstance(value, date):
        return f"DATE '{value.isoformat()}'"
    return "'" + value.replace("'", "''") + "'"


def sql_list(values: Iterable[str]) -> str:
    """`(…)` of the distinct texts, for an IN."""
    return "(" + ", ".join(sql_literal(value) for value in sorted(set(values))) + ")"


def _whole(name: str) -> str:
    """The table holding the whole warehouse's rows of a dataset or relation."""
    return f"{name}__all"


def _own(name: str) -> str:
    """The table holding the rows of a dataset or relation the models see for one person."""
    return f"{name}__applicant"


def _person_column(code: str) -> str | None:
    """The column of a dataset holding the ID of the person a row is about; None for a
    dataset about companies (enterprise_payments, insured_headcount)."""
    columns = [c.name for c in DATASETS[code].columns if c.kind == "id"]
    if len(columns) > 1:
        raise ValueError(f"{code}: more than one ID column ({', '.join(columns)})")
    return columns[0] if columns else None


def whole(name: str) -> str:
    """The table holding the whole warehouse's rows of a dataset or relation, with the
    `_household` key of each row, sorted by it."""
    return _whole(name)


class WarmWarehouse:
    """One engine with the warehouse prepared for the given models; `lay_over` per applicant.

    Each table the models read is kept whole as `<name>__all` with `_household`, the key of
    the household its row is about as the models compute it (the registry's 户号, else '?'
    and the ID), sorted by it: one household's rows are then one block to read.
    """

    def __init__(self, engine: Engine, warehouse: Warehouse, catalog: Catalog,
                 models: Sequence[Model]) -> None:
        self.engine = engine
        self.present = open_warehouse(engine, warehouse) | set(LAID_OVER)
        for name, table in {**catalog_tables(catalog), **duty_tables()}.items():
            # Copied into the engine: a scan of an Arrow table is bound afresh in every query,
            # which cost about 10 ms per application over the models' dozen queries.
            engine.register_table(f"{name}__arrow", table)
            engine.materialise(name, f"SELECT * FROM {name}__arrow")
        per_applicant = _per_applicant_relations()
        read = _tables_read(models, per_applicant)
        relations = dict(base_relations())
        engine.create_view("person", relations["person"])  # over the Parquet views
        engine.materialise("person__ids", "SELECT id_number, household_id FROM person "
                                          "ORDER BY id_number")
        self._narrowed: list[str] = []
        self._computed: list[tuple[str, str]] = []
        self._last_households: tuple[str, list[str]] = ("", [])
        for code in sorted(_read_directly(models, per_applicant) & set(DATASETS)):
            self._keep_whole(code, code, _person_column(code))
        for name, sql in base_relations():
            if name in read and name not in per_applicant:
                engine.create_view(name, sql)
                # A relation about people names them by id_number; `company`, by each
                # company's legal representative, whose household an application reaches.
                self._keep_whole(name, name, "id_number", "rep_id_number")
        self.lay_over({}, "")
        for name in self._narrowed:  # from here on, each stands for its narrowed rows
            engine.create_view(name, f"SELECT * FROM {_own(name)}")
        # As the runner does: a relation several models read is computed once, per applicant
        # here (each model's query then binds a table, not the relation's whole plan again).
        shared = {name for name, _, once in needed_relations(models) if once}
        for name, sql in base_relations():
            if name in per_applicant and name in shared:
                self._computed.append((name, sql))
                engine.materialise(name, sql)  # in order: a view is bound when made
            elif name in per_applicant:
                engine.create_view(name, sql)

    def _keep_whole(self, name: str, source: str, *people: str | None) -> None:
        """Keep `source` whole as `name`, each row keyed by its household: its own column,
        else that of the person in the first of the `people` columns it has."""
        columns = self.engine.query(f"SELECT * FROM {source} LIMIT 0").column_names
        person = next((column for column in people if column in columns), None)
        if "household" in columns:
            key, joined = "t.household", ""
        elif "household_id" in columns:
            key, joined = "coalesce(t.household_id, '?' || t.id_number)", ""
        elif person is None:
            # A company's payments and insured headcount are no household's: an application,
            # a person's, reaches none of them.
            key, joined = "CAST(NULL AS VARCHAR)", ""
        else:
            key = f"coalesce(p.household_id, '?' || t.{person})"
            joined = f"LEFT JOIN person__ids AS p ON p.id_number = t.{person}"
        self.engine.materialise(_whole(name), f"SELECT t.*, {key} AS _household "
                                              f"FROM {source} AS t {joined} ORDER BY _household")
        self._narrowed.append(name)

    def lay_over(self, overlays: Mapping[str, Overlay], id_number: str) -> None:
        """The warehouse as the models see it for the person `id_number`: the rows of their
        household, and each overlay's rows beside the committed rows its keys select (as
        `warehouse.tables.open_warehouse` lays a batch over the warehouse)."""
        if unknown := set(overlays) - set(LAID_OVER):
            raise ValueError(f"only {', '.join(LAID_OVER)} can be laid over, not {unknown}")
        households = self.households(id_number)
        for name in self._narrowed:
            overlay = overlays.get(name)
            kept = f" AND ({_keys(overlay)})" if overlay is not None else ""
            # One select per household key: each reads the one block of its key.
            narrowed = " UNION ALL ".join(
                f"SELECT * EXCLUDE (_household) FROM {_whole(name)} "
                f"WHERE _household = {sql_literal(key)}{kept}" for key in households
            ) or f"SELECT * EXCLUDE (_household) FROM {_whole(name)} LIMIT 0"
            if overlay is not None:
                laid = f"{name}__laid"
                self.engine.register_table(laid, overlay.rows)
                narrowed = f"({narrowed}) UNION ALL BY NAME SELECT * FROM {laid}"
            # A table, not a view: the models read some of these several times per query.
            self.engine.materialise(_own(name), narrowed)
        self._compute()

    def _compute(self) -> None:
        for name, sql in self._computed:
            self.engine.materialise(name, sql)

    def counts(self, names: Iterable[str]) -> dict[str, int]:
        """How many rows each of these tables holds for the household laid over last."""
        wanted = sorted(set(names))
        if unknown := set(wanted) - set(self._narrowed):
            raise ValueError(f"not narrowed to a household: {', '.join(sorted(unknown))}")
        if not wanted:
            return {}
        found = self.engine.query_few(
            "SELECT " + ", ".join(f"(SELECT count(*) FROM {_own(name)}) AS {name}"
                                  for name in wanted))
        return {name: int(found.column(name)[0].as_py()) for name in wanted}

    @property
    def narrowed(self) -> tuple[str, ...]:
        """The tables and relations the models see narrowed to the applicant's household."""
        return tuple(self._narrowed)

    def households(self, id_number: str) -> list[str]:
        """The keys the person's household has to the models: their 户号 if the registry holds
        them, and '?' + ID (how the models key someone the registry does not hold)."""
        if not id_number:
            return []
        if self._last_households[0] != id_number:  # asked again when laid over
            found = self.engine.query_few(
                f"SELECT household_id FROM person__ids WHERE id_number = {sql_literal(id_number)}"
            ).column("household_id").to_pylist()
            self._last_households = (id_number, [h for h in found[:1] if h is not None]
                                     + ["?" + id_number])
        return list(self._last_households[1])


def _keys(overlay: Overlay) -> str:
    """The committed rows an overlay's keys select: those sharing a key value with its rows."""
    tests = []
    for key in overlay.keys:
        values = [v for v in overlay.rows.column(key).to_pylist() if v is not None]
        tests.append(f"{key} IN {sql_list(values)}" if values else "FALSE")
    return " OR ".join(tests) or "TRUE"


def _read_directly(models: Sequence[Model], per_applicant: set[str]) -> set[str]:
    """What the models and the per-application relations read: the tables that must show
    the applicant's household only."""
    inputs = relation_inputs()
    wanted: set[str] = {"person"}  # the runner names the people of a warning with it
    for model in models:
        wanted |= model.tables
    for name, _ in reversed(base_relations()):  # later relations read only earlier ones
        if name in wanted and name in per_applicant:
            wanted |= inputs[name]
    return wanted


def _tables_read(models: Sequence[Model], per_applicant: set[str]) -> set[str]:
    """Every table and relation the models read, directly or through relations."""
    return relations_read(_read_directly(models, per_applicant))


def _per_applicant_relations() -> set[str]:
    """The relations that read payments or enrollments, directly or through others."""
    found: set[str] = set()
    for name, read in relation_inputs().items():  # in the order they are defined
        if read & (set(LAID_OVER) | found):
            found.add(name)
    return found
