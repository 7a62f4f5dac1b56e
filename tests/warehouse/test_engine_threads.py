"""A month's entity index runs on one thread; whatever follows gets the engine's threads back."""

from __future__ import annotations

import pytest

from sunlight.warehouse.duckdb_engine import DuckDBEngine
from sunlight.warehouse.engine import EngineError

THREADS = "SELECT current_setting('threads') AS n"


def test_one_thread_inside_and_the_engine_s_threads_after_even_a_failed_statement() -> None:
    engine = DuckDBEngine(threads=2)
    try:
        with pytest.raises(EngineError), engine.one_thread():
            inside = engine.query(THREADS).column("n")[0].as_py()
            engine.query("SELECT * FROM no_such_table")
        after = engine.query(THREADS).column("n")[0].as_py()
    finally:
        engine.close()
    assert (inside, after) == (1, 2)
