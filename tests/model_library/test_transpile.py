"""Every model and shared relation transpiles to Spark SQL, so a Spark engine can run them."""

from __future__ import annotations

import pytest
import sqlglot
from sqlglot.errors import ErrorLevel

from sunlight.models.registry import load_library
from sunlight.models.runner import base_relations
from sunlight.models.sql_tree import output_columns

LIBRARY = load_library()


@pytest.mark.parametrize("code", sorted(LIBRARY))
def test_each_model_transpiles_to_spark(code: str) -> None:
    spark_sql = LIBRARY[code].render(dialect="spark")
    # What Spark receives must parse as Spark SQL, with every parameter filled in and every
    # output column kept.
    tree = sqlglot.parse_one(spark_sql, read="spark")
    assert not list(tree.find_all(sqlglot.exp.Placeholder))
    assert {"subject", "program", "period", "amount"} <= output_columns(tree)


@pytest.mark.parametrize(("name", "sql"), base_relations())
def test_each_shared_relation_transpiles_to_spark(name: str, sql: str) -> None:
    spark_sql = sqlglot.transpile(sql, read="duckdb", write="spark",
                                  unsupported_level=ErrorLevel.RAISE)[0]
    assert sqlglot.parse_one(spark_sql, read="spark").named_selects, name

