"""Where the app database is, how to connect to it, and bringing its schema up to date."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import Connection, Engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from sunlight.settings import HomeUnusable, Settings, get_settings

if TYPE_CHECKING:  # alembic is imported where a migration runs: it takes a while to import
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
IMMEDIATE = "sunlight_immediate"
"""Execution option: on SQLite, begin by taking the write lock (see `writing`)."""
BUSY_TIMEOUT_S = 30
"""How long a SQLite writer waits for another (a detection run, the web app) to finish."""


def database_url(settings: Settings | None = None) -> str:
    """SUNLIGHT_DATABASE_URL, or a SQLite file in SUNLIGHT_HOME (created if need be)."""
    settings = settings or get_settings()
    if settings.database_url:
        return settings.database_url
    try:
        settings.home.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise HomeUnusable(f"SUNLIGHT_HOME {settings.home} cannot be used: "
                           f"{error.strerror or error}") from error
    return URL.create("sqlite", database=str(settings.database_path)).render_as_string()


def make_engine(url: str) -> Engine:
    """An engine for SQLite (foreign keys on, WAL, busy timeout) or PostgreSQL (psycopg 3)."""
    parsed = _with_driver(make_url(url))
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(parsed, pool_pre_ping=True)
    engine = sa.create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_S})
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose objects stay readable after commit (a CLI prints what it just stored)."""
    return sessionmaker(engine, expire_on_commit=False)


def writing(session: Session) -> Session:
    """Begin the session's transaction as a writer: SQLite takes its write lock at once.

    Call it before the session's first statement; PostgreSQL needs nothing of the kind.
    """
    session.connection(execution_options={IMMEDIATE: True})
    return session


def reading(session: Session) -> Session:
    """Begin the session's transaction as a reader and one snapshot, however long it reads,
    whatever its engine's default (a web POST's is to write): SQLite's deferred transaction
    is a snapshot already (WAL) and leaves the write lock to others; PostgreSQL's is REPEATABLE
    READ. Call it before the transaction's first statement."""
    options: dict[str, object] = {IMMEDIATE: False}
    if session.get_bind().dialect.name == "postgresql":
        options["isolation_level"] = "REPEATABLE READ"
    session.connection(execution_options=options)
    return session


def upgrade(url: str) -> None:
    """Run the migrations up to the newest, in one transaction."""
    # Every start of serve, detect and publish comes here, and most find the schema newest:
    # then alembic, and its loading of every migration file, is not worth half a second.
    if not _at_newest(url):
        _migrate(url, upgrade_connection)


def downgrade(url: str, revision: str) -> None:
    """Undo the migrations after `revision` ("base": all of them), in one transaction."""
    from alembic import command

    _migrate(url, lambda config: command.downgrade(config, revision))


_REVISION = re.compile(r'^revision = "(\w+)"$', re.MULTILINE)
_DOWN_REVISION = re.compile(r'^down_revision = (?:None|"(\w+)")$', re.MULTILINE)


def newest_revision(migrations: Path = MIGRATIONS) -> str | None:
    """The newest migration's revision, read from the files' text without running them;
    None when they are not all written the plain way (then alembic decides)."""
    revisions, earlier = set(), set()
    for path in (migrations / "versions").glob("*.py"):
        text = path.read_text("utf-8")
        revision, down = _REVISION.search(text), _DOWN_REVISION.search(text)
        if revision is None or down is None:
            return None
        revisions.add(revision[1])
        earlier.add(down[1])
    newest = revisions - earlier
    return newest.pop() if len(newest) == 1 else None


def _at_newest(url: str) -> bool:
    """The database exists and says it is at the newest revision."""
    newest = newest_revision()
    if newest is None:
        return False
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            stored = connection.exec_driver_sql("SELECT version_num FROM alembic_version")
            return list(stored.scalars()) == [newest]
    except sa.exc.DBAPIError:  # no version table yet: a new database
        return False
    finally:
        engine.dispose()


def _migrate(url: str, step: Callable[[Config], None]) -> None:
    from alembic.migration import MigrationContext

    engine = make_engine(url)
    try:
        with (engine.connect() as connection, _foreign_keys_checked_at_the_end(connection),
              connection.begin()):
            before = MigrationContext.configure(connection).get_current_revision()
            step(alembic_config(connection))
            # Every start of serve, detect and publish comes here; most change nothing.
            if MigrationContext.configure(connection).get_current_revision() != before:
                _check_foreign_keys(connection)
    finally:
        engine.dispose()


@contextmanager
def _foreign_keys_checked_at_the_end(connection: Connection) -> Iterator[None]:
    """On SQLite, foreign keys off while migrations run, as SQLite's way of changing a table
    asks: a column is dropped by rebuilding its table, and dropping the old one would
    otherwise delete the rows of every table that refers to it. They can only be switched
    outside a transaction."""
    if connection.dialect.name != "sqlite":
        yield
        return
    driver = connection.connection.driver_connection
    assert driver is not None
    driver.execute("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:
        driver.execute("PRAGMA foreign_keys = ON")


def _check_foreign_keys(connection: Connection) -> None:
    """Refuse (and so roll back) migrations that left a reference pointing nowhere."""
    if connection.dialect.name != "sqlite":
        return  # PostgreSQL checks every statement
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"the migration left {len(broken)} broken reference(s), e.g. "
                           f"{tuple(broken[0])}; nothing was changed")


def upgrade_connection(config: Config) -> None:
    """Run the migrations up to the newest on the connection in `config`."""
    from alembic import command

    command.upgrade(config, "head")


def alembic_config(connection: Connection, migrations: Path = MIGRATIONS) -> Config:
    """Alembic's configuration without an ini file: the migrations shipped in the package."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations))
    # Revision files sort by their number: 0001_warnings.py, 0002_users.py, ...
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    config.attributes["connection"] = connection
    return config


def _with_driver(url: URL) -> URL:
    # `postgresql://` would mean psycopg2, which Sunlight does not install.
    if url.drivername in ("postgresql", "postgres"):
        return url.set(drivername="postgresql+psycopg")
    return url


def _sqlite_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # The driver would begin transactions itself, only before writes: reads would see no
    # snapshot and DDL would run outside any transaction. SQLAlchemy says BEGIN instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    # Readers (the web app) then never block a detection run, nor it them.
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    # A transaction that will write asks for the write lock up front (`immediate`): a deferred
    # one that read first fails outright, instead of waiting, when another writer got in since.
    immediate = connection.get_execution_options().get(IMMEDIATE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
