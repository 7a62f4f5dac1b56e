"""Connecting to the app database and migrating it."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError

from sunlight.appdb import database
from sunlight.appdb.database import alembic_config, database_url, make_engine, upgrade
from sunlight.appdb.revision import new_revision
from sunlight.appdb.schema import Base
from sunlight.settings import Settings

TABLES = set(Base.metadata.tables)


def test_default_url_is_a_sqlite_file_in_home(home: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("SUNLIGHT_DATABASE_URL", raising=False)
    assert not home.exists()
    assert database_url() == f"sqlite:///{home}/sunlight.db"
    assert home.is_dir()


def test_url_from_the_environment(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SUNLIGHT_DATABASE_URL", "postgresql+psycopg://app@db/sunlight")
    assert database_url() == "postgresql+psycopg://app@db/sunlight"
    assert database_url(Settings(database_url="sqlite:///x.db")) == "sqlite:///x.db"


def test_plain_postgresql_url_means_psycopg_3():
    assert make_engine("postgresql://app@db/sunlight").dialect.driver == "psycopg"


def test_sqlite_connections_enforce_foreign_keys_and_wait(tmp_path: Path):
    engine = make_engine(f"sqlite:///{tmp_path}/app.db")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()


def schema_diff(engine: Engine) -> list[Any]:
    with engine.connect() as connection:
        return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))


def test_migrations_build_exactly_the_models(empty_url: str):
    engine = make_engine(empty_url)
    missing = {diff[1].name for diff in schema_diff(engine) if diff[0] == "add_table"}
    assert missing == TABLES  # the comparison does look at this database
    upgrade(empty_url)
    assert set(inspect(engine).get_table_names()) >= TABLES
    assert schema_diff(engine) == []
    engine.dispose()


def test_upgrade_again_is_a_no_op_and_downgrade_empties(empty_url: str):
    upgrade(empty_url)
    upgrade(empty_url)
    engine = make_engine(empty_url)
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "base")
    assert not TABLES & set(inspect(engine).get_table_names())
    engine.dispose()


def test_the_newest_revision_read_from_the_files_is_alembics_head(engine: Engine):
    with engine.connect() as connection:
        heads = ScriptDirectory.from_config(alembic_config(connection)).get_heads()
    assert [database.newest_revision()] == heads


def test_upgrade_after_a_downgrade_migrates_again(empty_url: str):
    upgrade(empty_url)
    engine = make_engine(empty_url)
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "-1")
    upgrade(empty_url)  # the version table no longer says newest: alembic runs
    with engine.connect() as connection:
        stored = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    assert stored == database.newest_revision()
    assert schema_diff(engine) == []
    engine.dispose()


def test_foreign_keys_hold(engine: Engine):
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO warning_changes (warning_pk, at, field, old_value, new_value)"
            " VALUES (99, CURRENT_TIMESTAMP, 'status', 'open', 'closed')"))


def test_a_new_revision_is_numbered_and_empty_when_models_match(tmp_path: Path):
    migrations = tmp_path / "migrations"
    shutil.copytree(database.MIGRATIONS, migrations, ignore=shutil.ignore_patterns("__pycache__"))
    newest = max(p.name[:4] for p in (migrations / "versions").glob("0*.py"))
    path = new_revision("add reports", migrations)
    assert path.parent == migrations / "versions"
    assert path.name.startswith(f"{int(newest) + 1:04d}_add_reports")
    source = path.read_text("utf-8")
    assert f"down_revision = '{newest}'" in source
    assert "op." not in source.split("def upgrade")[1]
    compile(source, path.name, "exec")
