"""The layers hold: import-linter's contracts, no import hidden in a function to dodge a cycle,
and no DuckDB outside the engine (see ARCHITECTURE.md, "Layers")."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "src" / "sunlight"

# The command line imports its commands' modules when a command runs: `sunlight --help`
# should not wait for DuckDB, FastAPI and the models.
LAZY_IMPORTS_ALLOWED = ("cli",)

# Where DuckDB may be imported: the engine's implementation, and ingestion's normalisers,
# which run per distinct cell text on connections of their own (one per worker thread).
DUCKDB_ALLOWED = ("warehouse/duckdb_engine.py", "ingest/distinct.py", "ingest/normalise.py")

# What DuckDB's module offers besides its shared module-level connection.
DUCKDB_NOT_A_QUERY = frozenset({"connect", "DuckDBPyConnection", "DuckDBPyRelation", "Error",
                                "OutOfMemoryException", "CatalogException", "IOException",
                                "InterruptException", "InvalidInputException", "__version__"})


def modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path.relative_to(PACKAGE).as_posix(), ast.parse(path.read_text("utf-8"))


def imported(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        return ["." * node.level + (node.module or "")]
    return []


def test_the_import_linter_contracts_are_kept():
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    linter = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(linter), "--no-cache", "--no-logo"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def in_function_imports(tree: ast.Module) -> Iterator[tuple[int, str]]:
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(function):
                for name in imported(node):
                    if name.startswith(("sunlight", ".")):
                        yield node.lineno, name


def test_no_module_outside_the_cli_imports_sunlight_inside_a_function():
    found = [f"{path}:{line} imports {name}" for path, tree in modules()
             if not path.startswith(LAZY_IMPORTS_ALLOWED)
             for line, name in in_function_imports(tree)]
    assert found == []


def test_the_scan_sees_an_import_inside_a_method():
    tree = ast.parse("class A:\n    def f(self):\n        from sunlight.models import runner\n")
    assert list(in_function_imports(tree)) == [(3, "sunlight.models")]


def duckdb_uses(path: str, tree: ast.Module) -> Iterator[str]:
    """Imports of DuckDB where it is not allowed, and anywhere a use of its shared module-level
    connection (`duckdb.sql`, `duckdb.execute`, `duckdb.read_parquet` ...)."""
    for node in ast.walk(tree):
        if path not in DUCKDB_ALLOWED and any(name.split(".")[0] == "duckdb"
                                              for name in imported(node)):
            yield f"{path}:{node.lineno} imports duckdb"
        if isinstance(node, ast.ImportFrom) and node.module == "duckdb":
            yield from (f"{path}:{node.lineno} imports duckdb.{alias.name}"
                        for alias in node.names if alias.name not in DUCKDB_NOT_A_QUERY)
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id == "duckdb" and node.attr not in DUCKDB_NOT_A_QUERY):
            yield f"{path}:{node.lineno} uses duckdb.{node.attr}"


def test_only_the_engine_and_the_normalisers_use_duckdb_and_never_its_shared_connection():
    found = [use for path, tree in modules() for use in duckdb_uses(path, tree)]
    assert found == []


@pytest.mark.parametrize(("path", "source"), [
    ("quality/report.py", "import duckdb\n"),
    ("warehouse/duckdb_engine.py", "import duckdb\nduckdb.sql('SELECT 1')\n"),
    ("ingest/distinct.py", "from duckdb import execute\n"),
])
def test_the_scan_sees_duckdb_where_it_does_not_belong(path: str, source: str):
    assert list(duckdb_uses(path, ast.parse(source)))


# Where Spark may be imported: its engine alone, inside functions (an optional extra: the
# package must import without it).
SPARK_ALLOWED = "warehouse/spark_engine.py"
SPARK_MODULES = ("pyspark", "py4j")


def spark_imports(path: str, tree: ast.Module) -> Iterator[str]:
    """Imports of PySpark anywhere but the Spark engine's functions (type hints excepted)."""
    inside = {id(node) for function in ast.walk(tree)
              if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
              for node in ast.walk(function)}
    hinted = {id(node) for block in ast.walk(tree)
              if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
              for node in ast.walk(block)}
    for node in ast.walk(tree):
        if any(name.split(".")[0] in SPARK_MODULES for name in imported(node)) and not (
                path == SPARK_ALLOWED and (id(node) in inside or id(node) in hinted)):
            yield f"{path}:{node.lineno} imports Spark"


def test_only_the_spark_engine_imports_pyspark_and_only_when_used():
    assert [use for path, tree in modules() for use in spark_imports(path, tree)] == []


@pytest.mark.parametrize(("path", "source"), [
    ("detect.py", "from pyspark.sql import SparkSession\n"),
    ("warehouse/spark_engine.py", "import pyspark\n"),
])
def test_the_scan_sees_spark_where_it_does_not_belong(path: str, source: str):
    assert list(spark_imports(path, ast.parse(source)))


def test_the_package_imports_without_pyspark():
    code = ("import sys; sys.modules['pyspark'] = None; "
            "import sunlight.detect, sunlight.cli.detect, sunlight.warehouse.spark_engine")
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
