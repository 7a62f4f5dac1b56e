"""App databases for tests: SQLite, and PostgreSQL in a schema of the test session's own.

PostgreSQL: `SUNLIGHT_TEST_POSTGRES_URL` (default the local `test` database, trust auth). The
schema is named at random per test session and dropped at its end, so parallel runs and other
users of the database do not meet. Unreachable, the PostgreSQL tests are skipped, or fail where
`CI` is set: CI must not pass without them.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from sunlight.appdb.database import make_engine, upgrade

POSTGRES_URL = os.environ.get(
    "SUNLIGHT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


@dataclass(frozen=True)
class Schema:
    """The test session's own PostgreSQL schema."""

    admin: Engine
    name: str

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


@pytest.fixture(params=BACKENDS)
def empty_url(request: pytest.FixtureRequest, tmp_path: os.PathLike[str]) -> str:
    """An empty database: a new SQLite file, or the session's PostgreSQL schema emptied."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/app.db"
    schema: Schema = request.getfixturevalue("postgres")
    schema.reset()
    return schema.url


@pytest.fixture
def db_url(empty_url: str) -> str:
    """A database migrated to the newest revision."""
    upgrade(empty_url)
    return empty_url
