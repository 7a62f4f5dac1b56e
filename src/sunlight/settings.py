"""One typed settings object, read from the environment (prefix SUNLIGHT_)."""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import Field, NonNegativeFloat, PositiveFloat, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class HomeUnusable(RuntimeError):
    """SUNLIGHT_HOME cannot be made or written (a file of that name, no permission)."""


DEFAULT_SECRET = "sunlight-demo-secret-change-me"


class Settings(BaseSettings):
    """Where a deployment keeps its data and which catalog it follows."""

    model_config = SettingsConfigDict(env_prefix="SUNLIGHT_", extra="ignore")

    home: Path = Path("sunlight-home")
    catalog: Path | None = None
    time_limits: Path | None = None  # YAML: police case time limits (contract/time_limits.yaml)
    detection_parameters: Path | None = None  # YAML: model code → parameter → value
    database_url: str | None = None
    workers: int = 0  # 0 = one ingest worker per CPU core
    engine_memory: str = "3GB"  # what the analytical engine may hold before it spills to disk
    # `sunlight detect --engine spark`: the Spark master (local[N], spark://HOST:7077, or a
    # Spark Connect sc://HOST:15002), the memory of its driver and of each executor, and the
    # partitions of a shuffle (Spark's default, 200, is for far more rows than a county's).
    spark_master: str = "local[2]"
    spark_driver_memory: str = "2g"
    spark_executor_memory: str = "2g"
    spark_shuffle_partitions: Annotated[int, Field(ge=1, le=100_000)] = 8
    secret_key: str = DEFAULT_SECRET  # signs session tokens; `sunlight serve` refuses the default
    # Seals the audit log (sunlight.audit.key); unset, a key derived from secret_key.
    audit_key: str | None = Field(default=None, min_length=32)
    secure_cookies: bool = False  # set when the workbench is served over HTTPS
    session_hours: int = 12
    case_deadline_days: int = 30
    # A verdict (提交核实结论) is taken only once the case has at least one attachment.
    case_verdict_requires_attachment: bool = False
    upload_max_mb: int = 500  # also bounds every request's body (with 1 MB for the form)
    # Bounds of a delivered file as read (see sunlight.ingest.bounds): columns of a sheet or
    # CSV file (Excel's own limit is 16,384); what a zipped spreadsheet may unpack to; the
    # memory a process reading a spreadsheet may take beyond what it holds once started:
    # beyond it, it dies and the file is refused.
    ingest_max_columns: Annotated[int, Field(ge=1, le=16_384)] = 1_000
    ingest_sheet_max_unpacked_mb: Annotated[int, Field(ge=1)] = 1_024
    ingest_reader_memory_mb: Annotated[int, Field(ge=256)] = 2_048
    # Data rows a batch screened before payment may have (sunlight.screening): each row's
    # verdict is held in memory, and a larger batch is refused once read.
    screen_max_rows: Annotated[int, Field(ge=1)] = 200_000
    job_memory_mb: int = 6144  # memory a background job (an upload's ingest, a publication)
    # may take beyond its loaded program; past it the job's own process ends, never the server
    # Reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated);
    # from any other peer the header is ignored. None by default: nothing in front is trusted.
    trusted_proxies: str = ""
    portal_burst_per_minute: int = 6  # uses of one portal form per client address per minute
    check_failures_per_person: int = 5  # failed 查我家 per person in 30 days, then more proof
    # Staff searches by a whole ID number or account, per user in 10 minutes (each audited).
    id_searches_per_10_minutes: Annotated[int, Field(ge=1)] = 30
    # A reply to a 随手拍 report is due within this many working days (Monday to Friday):
    # the form, the confirmation and /track tell the reporter.
    report_reply_days: Annotated[int, Field(ge=1, le=90)] = 15
    # A request's body must arrive at this average rate once the grace period is over, or it
    # is refused with 408: a client trickling its body is cut off, a slow line is not.
    body_grace_seconds: NonNegativeFloat = 10
    body_min_rate_kb: PositiveFloat = 8  # KiB per second
    public_url: str | None = None  # the portal's address as villagers reach it (QR codes)
    # The screening API (POST /api/v1/screen): the largest JSON body and batch one call may
    # send (a 100,000-row batch is some 25 MB), calls per token per minute, and screenings
    # run at once by one server process (each holds its batch and an engine in memory).
    api_screen_max_mb: Annotated[int, Field(ge=1, le=1024)] = 32
    api_screen_max_rows: Annotated[int, Field(ge=1)] = 100_000
    api_screens_per_minute: Annotated[int, Field(ge=1)] = 30
    api_screenings_at_once: Annotated[int, Field(ge=1, le=64)] = 2
    api_applications_per_minute: Annotated[int, Field(ge=1)] = 120  # one application a call
    # Application screenings one server process holds at once, answered one at a time: more
    # are refused at once (503, Retry-After) rather than queued.
    api_applications_waiting: Annotated[int, Field(ge=1, le=256)] = 16

    @field_validator("public_url")
    @classmethod
    def _an_address(cls, value: str | None) -> str | None:
        """An http(s) address with a host, kept without its trailing slash."""
        if not value:
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
            raise ValueError(f"SUNLIGHT_PUBLIC_URL {value!r} is not an address like "
                             "https://gongshi.example.gov.cn")
        return value.strip().rstrip("/")
    web_workers: int = 0  # 0 = one web server process per CPU core
    portal_cache_mb: int = 32  # rendered portal pages kept per web server process; 0 = none
    # The portal's 公示期 and 异议期, in days from the day a version is published (that day
    # counting as the first): the rosters show both periods' last days.
    notice_days: Annotated[int, Field(ge=1, le=366)] = 7
    objection_days: Annotated[int, Field(ge=1, le=366)] = 7
    # A screening's verdict files (发放前筛查) are kept this many days, then removed: they hold
    # every payee's ID number; the batch file itself is deleted as soon as it is screened.
    screening_verdict_days: Annotated[int, Field(ge=1, le=366)] = 30

    @cached_property
    def warehouse_dir(self) -> Path:
        """Canonical Parquet tables, quality findings and the batch manifest."""
        return self.home / "warehouse"

    @property
    def engine_temp_dir(self) -> Path:
        """Where the analytical engine spills what does not fit in `engine_memory`."""
        return self.home / "tmp"

    @property
    def cache_dir(self) -> Path:
        """What a detection computed that the next may read again (the models' relations,
        rows and SQL): anything in it may be removed, it is computed again."""
        return self.home / "cache"

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
    def screenings_dir(self) -> Path:
        """Batches waiting to be screened and the verdict files of each screening."""
        return self.home / "screenings"

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
