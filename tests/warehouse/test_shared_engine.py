"""An engine whose computed tables its sibling connections see (the warm application path
runs the models' queries on two), and one whose tables are its own."""

from __future__ import annotations

import pytest

from sunlight.warehouse.duckdb_engine import DuckDBEngine
from sunlight.warehouse.engine import EngineError, EngineFailed


def test_a_shared_engine_s_tables_are_seen_by_its_sibling_ahead_of_the_datasets() -> None:
    engine = DuckDBEngine(shared=True)
    try:
        engine.register_files("residents", [], "residents")  # an empty dataset
        engine.materialise("residents__one", "SELECT '110101199003070012' AS id_number")
        engine.create_view("residents", "SELECT * FROM residents__one")
        sibling = engine.sibling()
        seen = sibling.query_few("SELECT id_number FROM residents")
        sibling.close()
    finally:
        engine.close()
    assert seen.column("id_number").to_pylist() == ["110101199003070012"]


def test_a_private_engine_s_tables_are_its_own() -> None:
    engine = DuckDBEngine()
    try:
        engine.materialise("mine", "SELECT 1 AS n")
        sibling = engine.sibling()
        with pytest.raises(EngineError, match="mine"):
            sibling.query_few("SELECT n FROM mine")
        sibling.close()
    finally:
        engine.close()


@pytest.mark.parametrize("shared", [False, True])
def test_a_name_computed_again_may_change_from_view_to_table_and_back(shared: bool) -> None:
    engine = DuckDBEngine(shared=shared)
    try:
        engine.create_view("step", "SELECT 1 AS n")
        engine.materialise("step", "SELECT 2 AS n")
        as_table = engine.query("SELECT n FROM step").column("n").to_pylist()
        engine.create_view("step", "SELECT 3 AS n")
        as_view = engine.query("SELECT n FROM step").column("n").to_pylist()
        with pytest.raises(EngineError, match="missing"):  # a wrong query keeps the old one
            engine.materialise("step", "SELECT * FROM missing")
        kept = engine.query("SELECT n FROM step").column("n").to_pylist()
    finally:
        engine.close()
    assert (as_table, as_view, kept) == ([2], [3], [3])


def test_a_connection_apart_registers_datasets_of_its_own_and_shares_the_database() -> None:
    engine = DuckDBEngine()
    try:
        engine.register_files("residents", [], "residents")  # the database's: main.residents
        apart = engine.apart()
        apart.materialise("residents", "SELECT '110101199003070012' AS id_number")
        apart.register_files("deaths", [], "deaths")
        assert apart.query("SELECT count(*) AS n FROM residents").column("n")[0].as_py() == 1
        assert engine.query("SELECT count(*) AS n FROM residents").column("n")[0].as_py() == 0
        with pytest.raises(EngineError, match="deaths"):
            engine.query("SELECT count(*) AS n FROM deaths")  # never written where others read
        engine.con.execute("SET threads = 3")  # one database: its settings are the apart's too
        threads = apart.query("SELECT current_setting('threads') AS n").column("n")[0].as_py()
        assert int(threads) == 3
        apart.close()
    finally:
        engine.close()


def test_a_stopped_connection_refuses_what_it_is_asked_next() -> None:
    engine = DuckDBEngine()
    try:
        apart = engine.apart()
        apart.stop()  # between statements: an interrupt alone would be lost
        with pytest.raises(EngineFailed, match="stopped"):
            apart.query("SELECT 1 AS n")
        with pytest.raises(EngineFailed, match="stopped"):
            apart.materialise("t", "SELECT 1 AS n")
        assert engine.query("SELECT 1 AS n").num_rows == 1  # the other connection goes on
        apart.close()
    finally:
        engine.close()
