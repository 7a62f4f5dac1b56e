"""One typed settings object, read from the environment (prefix SUNLIGHT_)."""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class HomeUnusable(RuntimeError):
    """SUNLIGHT_HOME cannot be made or written (a file of that name, no permission)."""


DEFAULT_SECRET = "sunlight-demo-secret-change-me"


class Settings(BaseSettings):
    """Where a deployment keeps its data and which catalog it follows."""

    model_config = SettingsConfigDict(env_prefix="SUNLIGHT_", extra="ignore")

    home: Path = Path("sunlight-home")
    catalog: Path | None = None
    detection_parameters: Path | None = None  # YAML: model code → parameter → value
    database_url: str | None = None
    workers: int = 0  # 0 = one ingest worker per CPU core
    engine_memory: str = "3GB"  # what the analytical engine may hold before it spills to disk
    secret_key: str = DEFAULT_SECRET  # signs session tokens; `sunlight serve` refuses the default
    secure_cookies: bool = False  # set when the workbench is served over HTTPS
    session_hours: int = 12
    case_deadline_days: int = 30
    upload_max_mb: int = 500
    web_workers: int = 0  # 0 = one web server process per CPU core
    portal_cache_mb: int = 32  # rendered portal pages kept per web server process; 0 = none

    @cached_property
    def warehouse_dir(self) -> Path:
        """Canonical Parquet tables, quality findings and the batch manifest."""
        return self.home / "warehouse"

    @property
    def engine_temp_dir(self) -> Path:
        """Where the analytical engine spills what does not fit in `engine_memory`."""
        return self.home / "tmp"

    @property
    def database_path(self) -> Path:
        """The embedded SQLite app database, used unless `database_url` is set."""
        return self.home / "sunlight.db"

    @property
    def attachments_dir(self) -> Path:
        """Files attached to cases, by content hash."""
        return self.home / "attachments"

    @property
    def report_photos_dir(self) -> Path:
        """Photos of citizens' reports, re-encoded and stored by hash."""
        return self.home / "report_photos"

    @property
    def uploads_dir(self) -> Path:
        """Department uploads, kept as received."""
        return self.home / "uploads"

    @property
    def ingest_workers(self) -> int:
        return self.workers if self.workers > 0 else max(1, os.cpu_count() or 1)

    @property
    def web_processes(self) -> int:
        """How many processes `sunlight serve` runs on its one listening socket."""
        return self.web_workers if self.web_workers > 0 else max(1, os.cpu_count() or 1)


def get_settings() -> Settings:
    """Settings as the environment says now (not cached: tests change the environment)."""
    return Settings()
