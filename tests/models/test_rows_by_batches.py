"""Models whose rows follow the payment rows one by one (`rows_of: payments`): after more
batches of payments, their rows of the earlier batches are read back and only the new
batches' rows computed, and what they find is what a run over everything finds, row for row."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from sunlight.contract.catalog import load_catalog
from sunlight.contract.datasets import DATASETS
from sunlight.ingest.pipeline import ingest, plan_delivery
from sunlight.models.registry import Model, load_library
from sunlight.models.relation_cache import TOUCHED, RelationCache, _joined
from sunlight.models.runner import DetectionResult, cached_relations, detect, prepare, select
from sunlight.settings import Settings
from sunlight.synth import generate_county
from sunlight.warehouse.duckdb_engine import DuckDBEngine
from sunlight.warehouse.store import Warehouse

PERSONS, SEED = 1500, 23
LATER = ("2024年下半年", "2024年发放")
"""The payment files delivered a second time round: the second half of 2024 and the yearly
programs' 2024, several batches at once."""
BOUND = "WITH payments AS (SELECT * FROM main.payments WHERE source_file_hash IN ("


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("county")
    generate_county(out, PERSONS, SEED, file_format="csv")
    later = out / "later" / "payments"
    later.mkdir(parents=True)
    for path in sorted((out / "delivery" / "payments").iterdir()):
        if any(part in path.name for part in LATER):
            path.rename(later / path.name)
    assert len(list(later.iterdir())) >= 5
    return out


def _ingest(home: Path, folder: Path) -> None:
    ingest(Warehouse(Settings(home=home).warehouse_dir), plan_delivery(folder), workers=2)


def _run(home: Path, cached: bool, queries: list[str] | None = None,
         kept: dict[str, pa.Table] | None = None,
         monkeypatch: pytest.MonkeyPatch | None = None) -> DetectionResult:
    """Every model, with the home's cache or without; the statements run and the rows the
    cache gave each `rows_of` model recorded where asked."""
    if monkeypatch is not None and queries is not None and kept is not None:
        query, query_few = DuckDBEngine.query, DuckDBEngine.query_few
        by_batches = RelationCache.rows_by_batches

        def counted(engine: DuckDBEngine, sql: str) -> pa.Table:
            queries.append(sql)
            return query(engine, sql)

        def counted_few(engine: DuckDBEngine, sql: str) -> pa.Table:  # the models' statements
            queries.append(sql)
            return query_few(engine, sql)

        def recorded(cache: RelationCache, *args: Any, **kwargs: Any) -> pa.Table:
            rows = by_batches(cache, *args, **kwargs)
            kept[args[2]] = rows  # the label: the model's code
            return rows

        monkeypatch.setattr(DuckDBEngine, "query", counted)
        monkeypatch.setattr(DuckDBEngine, "query_few", counted_few)
        monkeypatch.setattr(RelationCache, "rows_by_batches", recorded)
    engine = DuckDBEngine()
    try:
        return detect(engine, Warehouse(Settings(home=home).warehouse_dir), load_catalog(),
                      select(load_library(), None),
                      cache=RelationCache(Settings(home=home).cache_dir) if cached else None)
    finally:
        engine.close()


def _writes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The statements whose rows are written to Parquet (the relations kept), from now on."""
    written: list[str] = []
    write = DuckDBEngine.write_parquet

    def recorded(engine: DuckDBEngine, sql: str, *args: Any) -> None:
        written.append(sql)
        write(engine, sql, *args)

    monkeypatch.setattr(DuckDBEngine, "write_parquet", recorded)
    return written


def _whole(home: Path, models: list[Model]) -> Iterator[tuple[str, pa.Table]]:
    """Each model's rows computed over everything, with no cache."""
    engine = DuckDBEngine()
    try:
        prepare(engine, Warehouse(Settings(home=home).warehouse_dir), load_catalog(),
                select(load_library(), None))
        for model in models:
            yield model.code, engine.query(model.render())
    finally:
        engine.close()


def _relation(home: Path, name: str, cached: bool) -> pa.Table:
    """A shared relation's rows as a run of every model sees them."""
    engine = DuckDBEngine()
    try:
        prepare(engine, Warehouse(Settings(home=home).warehouse_dir), load_catalog(),
                select(load_library(), None),
                cache=RelationCache(Settings(home=home).cache_dir) if cached else None)
        return engine.query(f"SELECT * FROM {name}")
    finally:
        engine.close()


def _rows(table: pa.Table) -> list[str]:
    return sorted(repr(row) for row in table.to_pylist())


def _detected_once(county: Path, tmp_path: Path) -> Path:
    """A home of the first delivery, detected once with its cache."""
    home = tmp_path / "home"
    _ingest(home, county / "delivery")
    _run(home, cached=True)
    return home


def _by_batches() -> list[Model]:
    """The models kept batch by batch: `rows_of`, or `grouped_by`."""
    return [m for m in load_library().values() if m.spec.rows_of or m.spec.grouped_by]


def _assert_as_whole(home: Path, kept: dict[str, pa.Table]) -> None:
    """The rows the cache gave each model kept batch by batch are a whole run's, row for
    row."""
    for code, whole in _whole(home, _by_batches()):
        assert whole.num_rows > 0, f"{code} finds nothing here: the test would prove nothing"
        assert _rows(kept[code]) == _rows(whole), f"{code}: other rows than a whole run's"


def test_a_month_computes_the_new_batches_alone_and_finds_what_a_whole_run_finds(
        county: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = _detected_once(county, tmp_path)
    _ingest(home, county / "later")
    queries: list[str] = []
    kept: dict[str, pa.Table] = {}
    written = _writes(monkeypatch)
    after = _run(home, cached=True, queries=queries, kept=kept, monkeypatch=monkeypatch)
    monkeypatch.undo()

    by_rows = [m for m in load_library().values() if m.spec.rows_of == "payments"]
    assert len(by_rows) >= 10
    assert set(kept) == {m.code for m in _by_batches()}
    bound = [sql for sql in queries if sql.startswith(BOUND)]
    assert len(bound) == len(by_rows), "each computed over the new batches alone"
    assert all("paid AS (\nSELECT * FROM read_parquet(" in sql for sql in bound), \
        "the new batches' kept part of `paid` read, not computed again"
    assert any(row["source_dataset"] == "enterprise_payments"
               for row in kept["OVER_STANDARD"].to_pylist()), \
        "OVER_STANDARD judges a company's payment too: its rows are computed again, once"
    _assert_as_whole(home, kept)
    assert sorted(after.detections, key=repr) == sorted(
        _run(home, cached=False).detections, key=repr)
    # NAME_MISMATCH's names, kept and grown by the month's rows (the run's name_keys)
    assert [sql for sql in written if "differing_name-" in sql and "UNION ALL BY NAME" in sql
            and BOUND in sql], "the kept names read, and the month's added"
    names = _relation(home, "differing_name", cached=True)
    assert names.num_rows > 0
    assert _rows(names) == _rows(_relation(home, "differing_name", cached=False))


def test_a_relation_read_row_by_row_grows_by_the_new_batches_rows(
        county: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`declared_cover` (rows_of: payments, kept whole): a month writes the rows kept for
    the earlier batches with the new batches' own, and they are a whole run's."""
    home = _detected_once(county, tmp_path)
    # The programs paid by area last, one batch each: the one computed alone after a month
    # and the one before it hold rows of the relation (a batch too many or too few shows).
    months = [tmp_path / name / "payments" for name in ("rest", "grazing", "farmland")]
    for folder in months:
        folder.mkdir(parents=True)
    for path in (county / "later" / "payments").iterdir():
        folder = (months[1] if "草原禁牧" in path.name
                  else months[2] if "耕地地力" in path.name else months[0])
        shutil.copy(path, folder / path.name)
    for folder in months[:2]:
        _ingest(home, folder.parent)
        _run(home, cached=True)
    _ingest(home, months[2].parent)
    written = _writes(monkeypatch)
    grown = _relation(home, "declared_cover", cached=True)
    monkeypatch.undo()

    assert [sql for sql in written if "UNION ALL BY NAME" in sql and BOUND in sql]
    assert grown.num_rows > 0
    assert _rows(grown) == _rows(_relation(home, "declared_cover", cached=False))


def test_the_rows_kept_for_all_batches_are_read_back_on_a_rerun(
        county: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    _ingest(home, county / "delivery")
    _ingest(home, county / "later")
    first = _run(home, cached=True)
    queries: list[str] = []
    kept: dict[str, pa.Table] = {}

    def not_again(*args: Any) -> str:
        raise AssertionError("declared_cover is kept for every batch: nothing to grow")

    monkeypatch.setattr(RelationCache, "_grown", not_again)
    again = _run(home, cached=True, queries=queries, kept=kept, monkeypatch=monkeypatch)

    by_rows = _by_batches()
    assert set(kept) == {m.code for m in by_rows}
    assert not [m.code for m in by_rows if any(m.render() in sql for sql in queries)]
    assert sorted(again.detections, key=repr) == sorted(first.detections, key=repr)


def test_batches_of_one_file_name_are_computed_whole(
        county: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A row is told by its file's name, sheet and row: a month delivered under last month's
    file names could pair rows a query over each batch alone would not."""
    home = _detected_once(county, tmp_path)
    earlier = sorted((county / "delivery" / "payments").iterdir())
    renamed = tmp_path / "renamed" / "payments"
    renamed.mkdir(parents=True)
    for path, name in zip(sorted((county / "later" / "payments").iterdir()), earlier,
                          strict=False):
        shutil.copy(path, renamed / name.name)
    _ingest(home, renamed.parent)
    queries: list[str] = []
    kept: dict[str, pa.Table] = {}

    _run(home, cached=True, queries=queries, kept=kept, monkeypatch=monkeypatch)
    monkeypatch.undo()

    assert not [sql for sql in queries if sql.startswith(BOUND)]
    _assert_as_whole(home, kept)


def test_a_failure_over_the_new_batches_computes_whole(
        county: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A kept part gone or damaged under the query only costs the time to compute whole."""
    home = _detected_once(county, tmp_path)
    _ingest(home, county / "later")
    monkeypatch.setattr(RelationCache, "_over",
                        lambda *args: "SELECT * FROM read_parquet('/nonexistent/part.parquet')")
    queries: list[str] = []
    kept: dict[str, pa.Table] = {}

    _run(home, cached=True, queries=queries, kept=kept, monkeypatch=monkeypatch)
    monkeypatch.undo()

    assert any("/nonexistent/part.parquet" in sql for sql in queries)
    _assert_as_whole(home, kept)


def test_every_row_by_row_declaration_names_a_dataset() -> None:
    for relation in cached_relations().values():
        for dataset in (relation.parts, relation.rows_of):
            assert dataset is None or dataset in DATASETS, relation.name


def test_a_model_whose_other_data_changed_is_computed_whole(
        county: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows of earlier batches are kept only while all else the model reads is as it was: a
    death registered with the month's payments computes DECEASED_PAID whole, no other."""
    home = _detected_once(county, tmp_path)
    payments = Settings(home=home).warehouse_dir / "payments" / "*.parquet"
    engine = DuckDBEngine()
    try:  # a payee of the first half of 2024, paid on in the second
        person = engine.query(
            f"SELECT id_number, name FROM read_parquet('{payments}') WHERE period = '2024-06' "
            "AND name IS NOT NULL ORDER BY id_number LIMIT 1").to_pylist()[0]
    finally:
        engine.close()
    deaths = tmp_path / "month" / "deaths"
    deaths.mkdir(parents=True)
    (deaths / "死亡信息_补录.csv").write_text(
        f"死亡日期,姓名,来源,身份证号\n2024年8月1日,{person['name']},火化,{person['id_number']}\n",
        encoding="utf-8")
    shutil.copytree(county / "later" / "payments", tmp_path / "month" / "payments")
    _ingest(home, tmp_path / "month")
    queries: list[str] = []
    kept: dict[str, pa.Table] = {}

    _run(home, cached=True, queries=queries, kept=kept, monkeypatch=monkeypatch)
    monkeypatch.undo()

    by_rows = [m for m in load_library().values() if m.spec.rows_of]
    bound = {m.code for m in by_rows
             if any(sql.startswith(BOUND) and m.render() in sql for sql in queries)}
    assert bound == {m.code for m in by_rows} - {"DECEASED_PAID"}
    _assert_as_whole(home, kept)


def test_a_month_touching_earlier_groups_computes_those_groups_again(
        county: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """DUPLICATE_PAYMENT (grouped by payee, program and period): a back payment of earlier
    months makes their groups the month's to compute; the others are kept as they were."""
    home = _detected_once(county, tmp_path)
    earlier = sorted(path for path in (county / "delivery" / "payments").iterdir()
                     if "2024年上半年" in path.name)[0]
    found = dict(_whole(home, [load_library()["DUPLICATE_PAYMENT"]]))["DUPLICATE_PAYMENT"]
    paid_again = next(row for row in found.to_pylist() if row["source_dataset"] == "payments")
    again = county / "delivery" / "payments" / paid_again["source_file"]
    back = tmp_path / "back" / "payments"
    back.mkdir(parents=True)  # rows as written (each file's own encoding): the first rows of
    lines = earlier.read_bytes().splitlines()  # a file, and a payment already paid twice
    (back / "补发_2024年上半年.csv").write_bytes(b"\n".join(lines[:40]) + b"\n")
    lines = again.read_bytes().splitlines()
    (back / "补发_重复.csv").write_bytes(
        b"\n".join([lines[0], lines[paid_again["source_row"] - 1]]) + b"\n")
    _ingest(home, back.parent)
    queries: list[str] = []
    kept: dict[str, pa.Table] = {}

    _run(home, cached=True, queries=queries, kept=kept, monkeypatch=monkeypatch)
    monkeypatch.undo()

    assert [sql for sql in queries if f"FROM {TOUCHED} AS t" in sql]
    duplicates = kept["DUPLICATE_PAYMENT"].to_pylist()
    assert any(row["source_file"] == back.joinpath("补发_2024年上半年.csv").name
               for row in duplicates), "the back payment duplicates what was paid"
    assert any(row["source_file"] != "补发_2024年上半年.csv" and row["fact_first_file"]
               != earlier.name for row in duplicates), "and groups it does not touch are kept"
    _assert_as_whole(home, kept)


def test_joined_rows_keep_a_basis_row_once_every_paid_row_and_other_data_once() -> None:
    # A payment row, its basis rows (approvals), and a company's payment: data of its own,
    # which the query over the new batches computed again whole.
    earlier = pa.table({"role": ["paid", "basis", "basis", "paid"],
                        "source_dataset": ["payments", "approvals", "approvals",
                                           "enterprise_payments"],
                        "source_row": [1, 2, 3, 9]})
    later = pa.table({"role": ["basis", "paid", "paid", "basis", "basis", "paid"],
                      "source_dataset": ["approvals", "payments", "payments", "approvals",
                                         "approvals", "enterprise_payments"],
                      "source_row": [2, 1, 4, 5, 3, 9]})

    joined = _joined(earlier, {"enterprise_payments"}, later)

    assert joined is not None
    assert [(row["role"], row["source_row"]) for row in joined.to_pylist()] == [
        ("paid", 1), ("basis", 2), ("basis", 3), ("paid", 1), ("paid", 4), ("basis", 5),
        ("paid", 9)]
    assert _joined(earlier, {"enterprise_payments"},
                   later.rename_columns(["role", "source_dataset", "row"])) is None
    # Without the company rows declared recomputed, every earlier row stands.
    assert _joined(earlier, (), later.slice(0, 0)).num_rows == earlier.num_rows  # type: ignore[union-attr]
