"""Opening the app database for a command, with errors a county IT person can act on."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from sqlalchemy import exc as sa_errors
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from sunlight.appdb.database import database_url, make_engine, session_factory, upgrade
from sunlight.audit.key import AuditKeyMismatch, bind
from sunlight.cli.console import errors
from sunlight.cli.exit_codes import BAD_INPUT
from sunlight.settings import HomeUnusable, Settings

_UNUSABLE = (HomeUnusable, sa_errors.ArgumentError, sa_errors.NoSuchModuleError,
             sa_errors.OperationalError, sa_errors.InterfaceError, ModuleNotFoundError)


def shown_url(url: str) -> str:
    """The URL with any password hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except sa_errors.ArgumentError:
        return url


@contextmanager
def usable(settings: Settings) -> Iterator[None]:
    """Turn a database (or SUNLIGHT_HOME) that cannot be used, or an audit key other than the
    one the audit log is sealed with, into a refusal (exit 2) naming it and why."""
    location = settings.database_url or str(settings.database_path)
    try:
        yield
    except _UNUSABLE as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        errors.print(f"[red]cannot use the app database[/red] {shown_url(location)} "
                     f"(SUNLIGHT_DATABASE_URL, default a SQLite file in SUNLIGHT_HOME): {reason}")
        raise typer.Exit(BAD_INPUT) from error
    except AuditKeyMismatch as error:
        errors.print(f"[red]refused:[/red] {error}; nothing was written")
        raise typer.Exit(BAD_INPUT) from error


def embedded_file_missing(settings: Settings) -> Path | None:
    """The embedded SQLite file when it does not exist yet (nothing was ever detected)."""
    if settings.database_url is None and not settings.database_path.exists():
        return settings.database_path
    return None


@contextmanager
def open_session(settings: Settings) -> Iterator[Session]:
    """A session on the app database, its schema brought up to date first."""
    with usable(settings):
        url = database_url(settings)
        upgrade(url)
        engine = make_engine(url)
        try:
            with bind(session_factory(engine), settings)() as session:
                yield session
        finally:
            engine.dispose()
