"""The warehouse on disk: Parquet per dataset, quality findings, and the batch manifest.

Layout under the warehouse folder (Spark reads `<dataset>/*.parquet` as one table):

    manifest.json              the committed batches; the single source of truth
    <dataset>/<batch>.parquet  canonical rows of one delivered file
    quality/<batch>.parquet    data-quality findings of one delivered file
    _staging/                  batches being prepared (never read)

A commit computes everything in the staging folder first, then moves the files into place
and replaces manifest.json atomically, under a lock. Only a crash between the moves and the
manifest can leave files no manifest lists; Sunlight reads through the manifest, so it never
sees them, and they are removed the next time the warehouse is opened for writing. (A reader
of the bare folders, such as Spark, should take its file list from the manifest too.)
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sunlight.clock import LOCAL_TIME
from sunlight.contract.datasets import DATASETS
from sunlight.warehouse.batch import StagedBatch
from sunlight.warehouse.cross_checks import CHECKED, write_cross_checks

MANIFEST = "manifest.json"
QUALITY_DIR = "quality"


@dataclass(frozen=True)
class BatchRecord:
    """A committed batch as the manifest keeps it."""

    data: dict[str, Any]

    @property
    def file_hash(self) -> str:
        return str(self.data["file_hash"])

    @property
    def dataset(self) -> str:
        return str(self.data["dataset"])

    @property
    def file_name(self) -> str:
        return str(self.data["file_name"])

    @property
    def table_file(self) -> str:
        return str(self.data["table_file"])

    @property
    def ingested_on(self) -> date | None:
        """The county's day (Beijing) it was ingested; None in a manifest without one."""
        ingested_at = self.data.get("ingested_at")
        return (datetime.fromisoformat(ingested_at).astimezone(LOCAL_TIME).date()
                if ingested_at else None)

    @property
    def findings_file(self) -> str:
        return str(self.data["findings_file"])


class Warehouse:
    """Canonical tables and their lineage under one folder."""

    def __init__(self, root: Path) -> None:
        self.root = root

    # Reading -----------------------------------------------------------------------------

    def _manifest(self) -> dict[str, Any]:
        path = self.root / MANIFEST
        if not path.exists():
            return {"batches": []}
        manifest: dict[str, Any] = json.loads(path.read_text("utf-8"))
        return manifest

    def batches(self) -> list[BatchRecord]:
        return [BatchRecord(b) for b in self._manifest()["batches"]]

    def cross_checks_file(self) -> str | None:
        """Findings across files (e.g. death dates that disagree), recomputed every commit."""
        name = self._manifest().get("cross_checks_file")
        return str(name) if name else None

    def batch_by_hash(self, file_hash: str) -> BatchRecord | None:
        return next((b for b in self.batches() if b.file_hash == file_hash), None)

    def table_files(self, dataset: str, batches: list[BatchRecord] | None = None) -> list[Path]:
        """The Parquet files that make up a dataset's canonical table.

        `batches`: the manifest as already read, so that a caller asking for every dataset
        reads it once.
        """
        listed = self.batches() if batches is None else batches
        return [self.root / b.table_file for b in listed if b.dataset == dataset]

    def findings_files(self) -> list[Path]:
        files = [self.root / b.findings_file for b in self.batches()]
        cross = self.cross_checks_file()
        return [*files, self.root / cross] if cross else files

    # Writing -----------------------------------------------------------------------------

    @contextmanager
    def writing(self) -> Iterator[Transaction]:
        """Exclusive write access; what the block stages is committed only if it succeeds."""
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / ".lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            self._remove_unlisted()
            shutil.rmtree(self.root / "_staging", ignore_errors=True)
            staging = Path(tempfile.mkdtemp(prefix="batch-", dir=self._staging_root()))
            transaction = Transaction(self, staging)
            try:
                yield transaction
                transaction.commit()
            finally:
                shutil.rmtree(staging, ignore_errors=True)
                with suppress(OSError):  # left in place while another write stages in it
                    staging.parent.rmdir()

    def remove(self, file_hash: str) -> bool:
        """Take one committed batch out (its rows and findings), all or nothing, as a commit
        does: the cross-file findings are recomputed and the manifest replaced. False if no
        batch has that hash."""
        with self.writing() as transaction:
            if self.batch_by_hash(file_hash) is None:
                return False
            transaction.drop([file_hash])
        return True

    def _staging_root(self) -> Path:
        path = self.root / "_staging"
        path.mkdir(exist_ok=True)
        return path

    def _remove_unlisted(self) -> None:
        """Delete Parquet files no committed batch lists (replaced, or left by a crash)."""
        batches = self.batches()
        listed = {b.table_file for b in batches} | {b.findings_file for b in batches}
        listed.add(self.cross_checks_file() or "")
        for folder in [*DATASETS, QUALITY_DIR]:
            for path in (self.root / folder).glob("*.parquet"):
                if f"{folder}/{path.name}" not in listed:
                    path.unlink()

    def _write_manifest(self, batches: list[dict[str, Any]], cross_checks_file: str) -> None:
        path = self.root / MANIFEST
        tmp = path.with_suffix(".json.tmp")
        manifest = {"version": 1, "batches": batches, "cross_checks_file": cross_checks_file}
        with tmp.open("w", encoding="utf-8") as handle:
            json.dump(manifest, handle, ensure_ascii=False, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)


class Transaction:
    """Batches staged for one commit, and earlier batches they replace."""

    def __init__(self, warehouse: Warehouse, staging: Path) -> None:
        self.warehouse = warehouse
        self.staging = staging
        self.added: list[StagedBatch] = []
        self.replaced: set[str] = set()

    def add(self, batch: StagedBatch, replaces: list[str] | None = None) -> None:
        self.added.append(batch)
        self.replaced.update(replaces or [])

    def drop(self, file_hashes: list[str]) -> None:
        """Remove committed batches (a file replaced by another version of it)."""
        self.replaced.update(file_hashes)

    def commit(self) -> None:
        """Stage everything, then move it into place, then switch the manifest."""
        if not self.added and not self.replaced:
            return
        root = self.warehouse.root
        now = datetime.now(UTC).isoformat(timespec="seconds")
        moves: list[tuple[Path, str]] = []
        records = []
        for batch in self.added:
            table_file = f"{batch.dataset}/{batch.file_hash[:16]}.parquet"
            findings_file = f"{QUALITY_DIR}/{batch.file_hash[:16]}.parquet"
            moves += [(Path(batch.table_path), table_file),
                      (Path(batch.findings_path), findings_file)]
            record = batch.to_json()
            record.pop("table_path")
            record.pop("findings_path")
            record.pop("rejected_path")  # staged for screening, not kept
            records.append({**record, "table_file": table_file,
                            "findings_file": findings_file, "ingested_at": now})
        kept = [b.data for b in self.warehouse.batches() if b.file_hash not in self.replaced]
        cross_checks_file = f"{QUALITY_DIR}/cross-{uuid.uuid4().hex[:16]}.parquet"
        staged_cross = self.staging / "cross-checks.parquet"
        self._write_cross_checks(kept, dict(moves), staged_cross, {
            record["file_hash"]: BatchRecord(record).ingested_on for record in kept + records})
        moves.append((staged_cross, cross_checks_file))
        for staged, destination in moves:
            (root / destination).parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, root / destination)
        self.warehouse._write_manifest(kept + records, cross_checks_file)
        self.warehouse._remove_unlisted()

    def _write_cross_checks(self, kept: list[dict[str, Any]], staged: dict[Path, str],
                            out: Path, ingest_days: dict[str, date | None]) -> None:
        """Cross-file findings over the warehouse as it will be, computed before any move."""
        root = self.warehouse.root

        def files(dataset: str) -> list[Path]:
            return ([root / b["table_file"] for b in kept if b["dataset"] == dataset]
                    + [path for path, final in staged.items()
                       if final.startswith(f"{dataset}/")])

        write_cross_checks({dataset: files(dataset) for dataset in CHECKED}, out,
                           {file_hash: day for file_hash, day in ingest_days.items() if day})
