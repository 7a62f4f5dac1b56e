"""A pair's kept state merged with new payments' is the state of all its rows."""

from __future__ import annotations

import pyarrow as pa

from sunlight.entities import pairs
from sunlight.warehouse.duckdb_engine import DuckDBEngine

COLUMNS = ("account", "id_number", "period", "name", "township", "village", "program_code",
           "program")

KEPT = [  # rows the snapshot's state was made from
    ("A1", "P1", "2024-05", "王芳", "城关镇", "东村", "DIBAO", "低保"),
    ("A1", "P1", "2024-06", None, "城关镇", None, "DIBAO", "低保"),
    ("A1", "P2", "2024-06", "李四", None, "西村", None, "五保"),
    ("A2", "P3", None, "张三", "河口镇", "南村", "DIBAO", "低保"),
]
NEW = [  # a month later: a continued payroll, another program, a new payee, no period
    ("A1", "P1", "2024-07", "王芳", "河口镇", "北村", "DIBAO", "低保"),
    ("A1", "P2", "2024-07", None, None, None, "YANGLAO", "养老"),
    ("A1", "P4", "2024-07", "赵六", "城关镇", "东村", "DIBAO", "低保"),
    ("A2", "P3", None, "张三丰", None, "南村", "DIBAO", "低保"),
]
STATE = ("SELECT account, id, w, tp, vp, last, list_sort(programs) AS programs FROM {} "
         "ORDER BY account, id")


def _rows(rows: list[tuple[str | None, ...]]) -> pa.Table:
    return pa.table({column: [row[i] for row in rows] for i, column in enumerate(COLUMNS)})


def test_the_kept_state_merged_with_a_month_is_the_state_of_all_rows() -> None:
    engine = DuckDBEngine(threads=1)
    try:
        engine.register_table("kept_rows", _rows(KEPT))
        engine.register_table("new_rows", _rows(NEW))
        engine.register_table("all_rows", _rows(KEPT + NEW))
        engine.materialise("s_old_pairs", pairs.state("kept_rows"))
        engine.materialise("s_new_pairs", pairs.state("new_rows"))
        engine.materialise("s_merged_pairs", pairs.MERGED)
        engine.materialise("s_all_pairs", pairs.state("all_rows"))
        merged = engine.query(STATE.format("s_merged_pairs")).to_pylist()
        whole = engine.query(STATE.format("s_all_pairs")).to_pylist()
    finally:
        engine.close()
    assert merged == whole
    assert len(merged) == 4 and merged[1]["programs"] == ["YANGLAO", "五保"]
