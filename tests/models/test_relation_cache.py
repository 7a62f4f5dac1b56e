"""The shared relations kept between runs: a run reading them finds what a run computing them
finds, an ingest (of the relation's datasets or of those behind them) is never answered
from old rows, and a damaged or unwritable cache only costs the time to compute again."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sunlight.contract.catalog import load_catalog
from sunlight.ingest.pipeline import ingest, plan_delivery
from sunlight.models.detection import Detection
from sunlight.models.registry import load_library
from sunlight.models.relation_cache import RelationCache, RelationKeys, RunInputs, _publish
from sunlight.models.runner import _run_keys, cached_relations, detect, select
from sunlight.settings import Settings
from sunlight.warehouse.duckdb_engine import DuckDBEngine
from sunlight.warehouse.store import BatchRecord, Warehouse
from sunlight.warehouse.tables import open_warehouse
from tests.models.county import County, months

CODES = ("UNREGISTERED_PAYEE", "DECEASED_PAID", "DUPLICATE_PAYMENT", "AREA_OVER_DECLARED",
         "NAME_MISMATCH")

first = County()
wang = first.person("王芳", born="1950-03-05")
first.pay(wang, "低保", months("2024-01", "2024-03"), 500, file="低保-一季度.csv")
# Paid, not (yet) registered: UNREGISTERED_PAYEE until the registry delivered later names him.
ghost = first.person("钟无名", born="1955-05-15", registered=False)
first.pay(ghost, "低保", ["2024-01", "2024-02"], 500, file="低保-一季度.csv")
# Paid after death, and paid twice for one month.
li = first.person("李建国", born="1940-07-01")
first.death(li, "2024-01-20")
first.pay(li, "低保", months("2024-01", "2024-03"), 500, file="低保-一季度.csv")
first.pay(li, "低保", "2024-02", 500, file="低保-补发.csv")
# Paid by area beyond what was declared.
zhao = first.person("赵田", born="1962-04-04")
first.enroll(zhao, "耕地地力保护补贴", "2023-01", declared_area="5")
first.land(zhao, "耕地", "3")
first.pay(zhao, "耕地地力保护补贴", "2024", 1500)

# A month later: the registry names the unregistered payee (his name as paid differs: NAME
# MISMATCH, read from `paid`), and a month of payments.
later = County()
later.add("residents", file="户籍-四月.csv", id_number=ghost.id, name="钟无铭",
          household_id="H900", township=ghost.township, village=ghost.village)
later.pay(wang, "低保", "2024-04", 500, file="低保-四月.csv")
later.pay(li, "低保", "2024-04", 500, file="低保-四月.csv")


def _ingest(county: County, home: Path, name: str) -> Warehouse:
    warehouse = Warehouse(Settings(home=home).warehouse_dir)
    ingest(warehouse, plan_delivery(county.deliver(home.parent / name)), workers=2)
    return warehouse


def _detect(home: Path, cached: bool) -> list[Detection]:
    warehouse = Warehouse(Settings(home=home).warehouse_dir)
    engine = DuckDBEngine()
    try:
        cache = RelationCache(Settings(home=home).cache_dir) if cached else None
        result = detect(engine, warehouse, load_catalog(), select(load_library(), list(CODES)),
                        cache=cache)
    finally:
        engine.close()
    for outcome in result.outcomes:
        assert outcome.ran, f"{outcome.code} did not run: {outcome.reason}"
    return sorted(result.detections, key=repr)


def _kept(home: Path) -> dict[str, int]:
    """The relations' files and the models' rows kept, by name."""
    folder = Settings(home=home).cache_dir
    return {path.name: path.stat().st_mtime_ns for path in [
        *folder.glob("relations/*.parquet"), *folder.glob("results/*.arrow")]}


def _rows(path: Path) -> list[str]:
    """A kept file's rows, in no order (a query without ORDER BY has none)."""
    if path.suffix == ".parquet":
        table = pq.read_table(path)
    else:
        with pa.OSFile(str(path)) as source:
            table = pa.ipc.open_file(source).read_all()
    return sorted(repr(row) for row in table.to_pylist())


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    _ingest(first, home, "delivery-1")
    return home


def test_a_rerun_reads_the_kept_relations_and_finds_the_same(home: Path) -> None:
    computed = _detect(home, cached=False)
    assert {d.model for d in computed} >= {"UNREGISTERED_PAYEE", "DECEASED_PAID",
                                            "DUPLICATE_PAYMENT"}
    assert _detect(home, cached=True) == computed  # computed and kept
    kept = _kept(home)
    assert any(name.startswith("paid-") for name in kept)
    assert any(name.startswith("person-") for name in kept)
    assert any(name.startswith("differing_name-") for name in kept), "NAME_MISMATCH's names"
    assert {name.split("-")[0] for name in kept if name.endswith(".arrow")} == set(CODES)
    assert _detect(home, cached=True) == computed  # read back
    assert set(_kept(home)) == set(kept), "a rerun wrote other files"


def test_an_ingest_is_never_answered_from_old_rows(home: Path) -> None:
    before = _detect(home, cached=True)
    assert any(d.model == "UNREGISTERED_PAYEE" and d.subject == ghost.id for d in before)
    kept = set(_kept(home))
    _ingest(later, home, "delivery-2")

    after = _detect(home, cached=True)

    assert after == _detect(home, cached=False)
    assert not any(d.model == "UNREGISTERED_PAYEE" and d.subject == ghost.id for d in after)
    assert any(d.model == "NAME_MISMATCH" and d.subject == ghost.id for d in after)
    assert any(d.model == "DECEASED_PAID" and d.period_to == "2024-04" for d in after)
    new = set(_kept(home)) - kept
    assert any(name.startswith("person-") for name in new), "the registry changed: person"
    # paid was computed again whole (the registry behind it changed): one part per batch
    batches = [b for b in Warehouse(Settings(home=home).warehouse_dir).batches()
               if b.dataset == "payments"]
    assert len([name for name in new if name.startswith("paid-")]) == len(batches) == 4


def test_a_month_of_payments_computes_its_own_part_alone(home: Path) -> None:
    _detect(home, cached=True)
    kept = set(_kept(home))
    month = County()
    month.pay(li, "低保", "2024-05", 500, file="低保-五月.csv")
    _ingest(month, home, "delivery-3")

    after = _detect(home, cached=True)

    assert after == _detect(home, cached=False)
    assert any(d.model == "DECEASED_PAID" and d.period_to == "2024-05" for d in after)
    new = set(_kept(home)) - kept
    assert len([name for name in new if name.startswith("paid-")]) == 1
    assert not any(name.startswith("person-") for name in new), "the registry is as it was"
    # Read by one model each (relations.yaml `keep`), kept all the same, and read by the month.
    assert {name.split("-")[0] for name in kept} >= {"death", "holding"}
    assert not any(name.startswith(("death-", "holding-")) for name in new)
    # every model here reads the payments: none answered from the month before
    assert {name.split("-")[0] for name in new if name.endswith(".arrow")} == set(CODES)


def test_a_month_bringing_a_name_written_otherwise_keeps_the_earlier_rows(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A name's key is of the name alone: a month whose roster writes a payee's name
    otherwise adds its rows to NAME_MISMATCH's kept ones, found as a whole run finds them."""
    _detect(home, cached=True)
    month = County()
    month.pay(wang, "低保", "2024-05", 500, file="低保-五月.csv", name="王方")
    _ingest(month, home, "delivery-3")
    statements: list[str] = []
    query_few = DuckDBEngine.query_few

    def recorded(engine: DuckDBEngine, sql: str) -> pa.Table:
        statements.append(sql)
        return query_few(engine, sql)

    monkeypatch.setattr(DuckDBEngine, "query_few", recorded)
    after = _detect(home, cached=True)
    monkeypatch.undo()

    assert any(d.model == "NAME_MISMATCH" and d.subject == wang.id for d in after)
    assert after == _detect(home, cached=False)
    name_mismatch = load_library()["NAME_MISMATCH"].render()
    assert [sql for sql in statements if name_mismatch in sql and "source_file_hash IN" in sql], \
        "computed over the month's batch alone"


@pytest.mark.parametrize("kind", ["relations/paid-*.parquet", "results/DECEASED_PAID-*"])
@pytest.mark.parametrize("damage", ["truncated", "garbage", "another key", "empty"])
def test_a_damaged_file_is_computed_again(home: Path, kind: str, damage: str) -> None:
    computed = _detect(home, cached=False)
    _detect(home, cached=True)
    folder = Settings(home=home).cache_dir
    damaged = sorted(folder.glob(kind))[0]
    other = next(folder.glob(kind.replace("paid-", "person-").replace(
        "DECEASED_PAID", "UNREGISTERED_PAYEE")))
    data = damaged.read_bytes()
    rows = _rows(damaged)
    if damage == "truncated":
        damaged.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        damaged.write_bytes(data[:4] + b"\0" * 100 + data[:4])
    elif damage == "another key":
        damaged.write_bytes(other.read_bytes())  # a valid file of other rows
    else:
        damaged.write_bytes(b"")

    assert _detect(home, cached=True) == computed
    assert _rows(damaged) == rows, "the file was not written again"


def test_a_cache_folder_that_cannot_be_written_only_costs_time(home: Path) -> None:
    computed = _detect(home, cached=False)
    folder = Settings(home=home).cache_dir / "relations"
    folder.parent.mkdir(parents=True)
    folder.write_text("not a folder")  # mkdir fails as on a read-only home

    assert _detect(home, cached=True) == computed


def test_a_key_changes_with_the_tables_a_relation_reads_and_no_other(home: Path) -> None:
    warehouse = Warehouse(Settings(home=home).warehouse_dir)
    catalog = {"programs": pa.table({"code": ["a"], "subject": ["person"]})}

    def keys(tables: dict[str, pa.Table]) -> RelationKeys:
        return RelationKeys(cached_relations(), RunInputs(warehouse, warehouse.batches(),
                                                          tables))

    one = keys(catalog)
    other = keys({"programs": pa.table({"code": ["b"], "subject": ["person"]})})
    assert one.key("person") == other.key("person")
    assert one.key("paid") != other.key("paid")
    assert one.key("declared_cover") is None, "program_standards is not given: no key"
    # a model's rows: by its SQL as rendered (parameters filled) and what it reads
    sql = "SELECT * FROM paid WHERE amount > 100"
    assert one.query("M", sql, {"paid"}) != other.query("M", sql, {"paid"})
    assert one.query("M", sql, {"paid"}) != one.query("M", sql.replace("100", "200"), {"paid"})
    assert one.query("M", sql, {"paid", "a_table_no_one_registered"}) is None
    # the day a query runs: known to the key, or no key
    dated = "SELECT * FROM paid WHERE period_end <= current_date"
    today = RelationKeys(cached_relations(), RunInputs(warehouse, warehouse.batches(),
                                                       catalog, "2026-12-07"))
    tomorrow = RelationKeys(cached_relations(), RunInputs(warehouse, warehouse.batches(),
                                                          catalog, "2026-12-08"))
    assert one.query("M", dated, {"paid"}) is None
    assert today.query("M", dated, {"paid"}) != tomorrow.query("M", dated, {"paid"})
    # `death` is judged against the days its files were ingested, not the day it runs
    assert today.key("death") == tomorrow.key("death")
    redated = [BatchRecord({**batch.data, "ingested_at": "2024-01-02T03:04:05+00:00"})
               if batch.dataset == "residents" else batch for batch in warehouse.batches()]
    assert RelationKeys(cached_relations(), RunInputs(warehouse, redated, catalog, "2026-12-07")
                        ).key("death") != today.key("death")
    assert today.key("person") == tomorrow.key("person")
    for volatile in ("SELECT random() AS r FROM paid", "SELECT now() AS t FROM paid",
                     "SELECT * FROM read_csv('/tmp/x.csv')"):
        assert today.query("M", volatile, {"paid"}) is None


def test_no_key_when_an_ingest_committed_after_the_warehouse_was_registered(home: Path
                                                                          ) -> None:
    warehouse = Warehouse(Settings(home=home).warehouse_dir)
    engine = DuckDBEngine()
    try:
        open_warehouse(engine, warehouse)
        cache = Settings(home=home).cache_dir
        assert _run_keys(engine, warehouse, RelationCache(cache)) is not None
        _ingest(later, home, "delivery-2")  # the engine still reads the files of before
        assert _run_keys(engine, warehouse, RelationCache(cache)) is None
    finally:
        engine.close()


def test_kept_rows_are_private_to_the_homes_owner(home: Path) -> None:
    _detect(home, cached=True)
    folder = Settings(home=home).cache_dir
    for kept in (folder / "relations", folder / "results"):
        assert kept.stat().st_mode & 0o777 == 0o700
        files = list(kept.iterdir())
        assert files and all(path.stat().st_mode & 0o777 == 0o600 for path in files)


def test_rows_computed_across_midnight_are_not_kept(home: Path) -> None:
    cache = RelationCache(Settings(home=home).cache_dir)
    rows = pa.table({"id_number": ["1"]})

    assert cache.rows("k" * 64, "M", lambda: rows, still_valid=lambda: False) == rows
    assert not list(cache.results.glob("M-*")), "the day changed while computing: not kept"
    cache.rows("k" * 64, "M", lambda: rows)
    assert len(list(cache.results.glob("M-*"))) == 1


def test_a_file_another_run_kept_first_is_left_as_it_is(home: Path) -> None:
    cache = RelationCache(Settings(home=home).cache_dir)
    key = "k" * 64
    first_rows = pa.table({"id_number": ["1"]})
    cache.rows(key, "M", lambda: first_rows)
    (kept,) = cache.results.glob("M-*")
    inode = kept.stat().st_ino

    # Two runs computing one key at once: the second's file is not put over the first's,
    # whose readers would be handed other bytes under the footer they read.
    second = kept.with_name("second.tmp")
    second.write_bytes(b"the second run's file")
    _publish(second, kept, usable=lambda: True)
    assert kept.stat().st_ino == inode and _rows(kept) == _rows_of(first_rows)
    # A damaged file in the way is replaced.
    _publish(second, kept, usable=lambda: False)
    assert kept.read_bytes() == b"the second run's file"


def _rows_of(table: pa.Table) -> list[str]:
    return sorted(repr(row) for row in table.to_pylist())


def test_a_batch_taken_out_of_the_warehouse_takes_its_kept_rows_with_it(home: Path) -> None:
    _detect(home, cached=True)
    cache = RelationCache(Settings(home=home).cache_dir)
    assert _kept(home)

    cache.forget()

    assert not _kept(home)
