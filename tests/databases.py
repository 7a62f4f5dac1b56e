"""App databases for tests: SQLite, and PostgreSQL in a schema of the test session's own.

PostgreSQL: `SUNLIGHT_TEST_POSTGRES_URL` (default the local `test` database, trust auth). The
schema is named at random per test session (per pytest-xdist worker) and dropped at its end, so
parallel runs and other users of the database do not meet. Unreachable, the PostgreSQL tests
are skipped, or fail where `CI` is set: CI must not pass without them.

Migrating takes about a second, and hundreds of tests want a migrated database: the migrations
run once per session and backend, and each test gets a copy (SQLite) or the session's schema
emptied of rows (PostgreSQL) -- the schema's structure checked against the one the migrations
made, and migrated afresh when a test changed it.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, ProgrammingError

from sunlight.appdb.database import make_engine, upgrade

POSTGRES_URL = os.environ.get(
    "SUNLIGHT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]

_STRUCTURE = text("""
    SELECT string_agg(part, E'\\n' ORDER BY part) FROM (
        SELECT 'relation ' || relname || ' ' || CAST(relkind AS text) FROM pg_class
         WHERE relnamespace = CAST(:namespace AS regnamespace)
        UNION ALL
        SELECT 'column ' || c.relname || '.' || a.attname || ' '
               || format_type(a.atttypid, a.atttypmod) || ' ' || CAST(a.attnotnull AS text) || ' '
               || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
          FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
          LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE c.relnamespace = CAST(:namespace AS regnamespace) AND a.attnum > 0
               AND NOT a.attisdropped
        UNION ALL
        SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = :schema
        UNION ALL
        SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' '
               || pg_get_constraintdef(oid) FROM pg_constraint
         WHERE connamespace = CAST(:namespace AS regnamespace)
        UNION ALL
        SELECT 'trigger ' || pg_get_triggerdef(t.oid) FROM pg_trigger t
          JOIN pg_class c ON c.oid = t.tgrelid
         WHERE c.relnamespace = CAST(:namespace AS regnamespace) AND NOT t.tgisinternal
        UNION ALL
        SELECT 'function ' || proname || ' ' || md5(prosrc) FROM pg_proc
         WHERE pronamespace = CAST(:namespace AS regnamespace)
        UNION ALL
        SELECT 'view ' || viewname || ' ' || definition FROM pg_views WHERE schemaname = :schema
    ) AS parts (part)
""")
"""Everything the migrations make in a schema, as text: two schemas that give the same text
differ at most in their rows."""


@dataclass
class Schema:
    """The test session's own PostgreSQL schema."""

    admin: Engine
    name: str
    migrated: str | None = field(default=None, repr=False)
    """The structure (_STRUCTURE) and revision the migrations left, once they ran."""

    @property
    def url(self) -> str:
        """The test database with this schema first on the search path."""
        url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={self.name}"})
        return url.render_as_string(hide_password=False)

    def reset(self) -> None:
        """Empty it: drop and create again."""
        with self.admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{self.name}" CASCADE'))
            connection.execute(text(f'CREATE SCHEMA "{self.name}"'))

    def reset_migrated(self) -> None:
        """As `reset` and then `upgrade`, but cheaper: when the schema is as the migrations left
        it but for its rows, its tables are emptied and their sequences restarted instead."""
        with self.admin.begin() as connection:
            if self.migrated is not None and self._made(connection) == self.migrated:
                self._empty(connection)
                return
        self.reset()
        upgrade(self.url)
        with self.admin.begin() as connection:
            self.migrated = self._made(connection)

    def _made(self, connection: Connection) -> str:
        named = {"schema": self.name, "namespace": self.name}
        structure = connection.execute(_STRUCTURE, named).scalar_one()
        try:
            with connection.begin_nested():
                revision = connection.execute(
                    text(f'SELECT version_num FROM "{self.name}".alembic_version')).scalars()
                return f"{structure}\nrevision {sorted(revision)}"
        except ProgrammingError:  # no version table: not migrated
            return f"{structure}\nno revision"

    def _empty(self, connection: Connection) -> None:
        tables = connection.execute(text(
            "SELECT quote_ident(tablename) FROM pg_tables "
            "WHERE schemaname = :schema AND tablename <> 'alembic_version'"),
            {"schema": self.name}).scalars().all()
        named = [f'"{self.name}".{table}' for table in tables]
        try:
            # DELETE takes milliseconds where TRUNCATE, which makes every table's files anew,
            # takes a second; it needs the triggers off (foreign keys, the append-only audit
            # log), which only a superuser may switch.
            with connection.begin_nested():
                connection.execute(text("SET LOCAL session_replication_role = replica"))
        except ProgrammingError:
            if named:
                connection.execute(text(f"TRUNCATE {', '.join(named)} CASCADE"))
        else:
            for table in named:
                connection.execute(text(f"DELETE FROM {table}"))
            connection.execute(text("SET LOCAL session_replication_role = DEFAULT"))
        sequences = connection.execute(text(
            "SELECT quote_ident(sequencename) FROM pg_sequences WHERE schemaname = :schema"),
            {"schema": self.name}).scalars().all()
        for sequence in sequences:
            connection.execute(text(f'ALTER SEQUENCE "{self.name}".{sequence} RESTART'))


@pytest.fixture(scope="session")
def postgres() -> Iterator[Schema]:
    admin = make_engine(make_url(POSTGRES_URL).update_query_dict({"connect_timeout": "3"})
                        .render_as_string(hide_password=False))
    schema = Schema(admin, f"sunlight_test_{secrets.token_hex(6)}")
    try:
        schema.reset()
    except OperationalError as error:
        admin.dispose()
        reason = f"PostgreSQL unreachable at {POSTGRES_URL}: {str(error).splitlines()[0]}"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI is set: the PostgreSQL tests must run)")
        pytest.skip(reason)
    yield schema
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema.name}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite app database migrated to the newest revision, once; tests copy it."""
    path = tmp_path_factory.mktemp("migrated") / "app.db"
    upgrade(f"sqlite:///{path}")
    # Whatever the write-ahead log still holds goes into the file, which is all a copy takes.
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return path


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The app database's kind: every test that asks for a database runs on both."""
    return str(request.param)


@pytest.fixture
def empty_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a new SQLite file, or the session's PostgreSQL schema emptied."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path}/app.db"
    schema: Schema = request.getfixturevalue("postgres")
    schema.reset()
    return schema.url


@pytest.fixture
def db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database migrated to the newest revision, holding no rows."""
    if backend == "sqlite":
        template: Path = request.getfixturevalue("migrated_sqlite")
        shutil.copyfile(template, tmp_path / "app.db")
        return f"sqlite:///{tmp_path}/app.db"
    schema: Schema = request.getfixturevalue("postgres")
    schema.reset_migrated()
    return schema.url
