"""DuckDB's SQL as Spark runs it: sqlglot's transpiler, and what it does not carry over alike."""

from __future__ import annotations

from functools import lru_cache

import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel


@lru_cache(maxsize=512)
def to_spark(sql: str) -> str:
    """One statement of DuckDB's dialect in Spark's; a construct sqlglot cannot say in Spark
    raises rather than running as something else."""
    tree = sqlglot.parse_one(sql, read="duckdb")
    return tree.sql(dialect="spark", unsupported_level=ErrorLevel.RAISE)


__all__ = ["exp", "to_spark"]
