"""Ingest a delivery: every file read in parallel, committed together or not at all."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Literal

from sunlight.contract.catalog import load_catalog
from sunlight.contract.datasets import DATASETS, dataset
from sunlight.ingest.batch import PreparedBatch, file_hash, prepare_batch
from sunlight.ingest.errors import UnusableFile
from sunlight.ingest.readers import SUPPORTED_SUFFIXES
from sunlight.warehouse.store import Warehouse

Status = Literal["ingested", "already_ingested", "refused"]
Progress = Callable[[str], None]


class UnusableDelivery(Exception):
    """A delivery folder that does not follow the contract's layout."""


class IngestRefused(Exception):
    """At least one file was refused: nothing of the delivery was written."""

    def __init__(self, outcomes: list[FileOutcome]) -> None:
        super().__init__("; ".join(o.message for o in outcomes if o.status == "refused"))
        self.outcomes = outcomes


@dataclass
class FileOutcome:
    """What happened to one delivered file."""

    path: Path
    dataset: str
    status: Status
    message: str = ""
    batch: PreparedBatch | None = None
    replaced: list[str] = field(default_factory=list)


def plan_delivery(root: Path) -> list[tuple[Path, str]]:
    """(file, dataset) for every data file under `<root>/<dataset>/`."""
    if not root.is_dir():
        raise UnusableDelivery(f"{root} is not a folder")
    plan: list[tuple[Path, str]] = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if path.suffix.lower() not in SUPPORTED_SUFFIXES or path.name.startswith(("~$", ".")):
            continue
        folder = path.relative_to(root).parts[0]
        if folder not in DATASETS:
            raise UnusableDelivery(
                f"{path.relative_to(root)}: folder {folder!r} is not a dataset of the contract; "
                f"expected <root>/<dataset>/<file> with dataset one of: {', '.join(DATASETS)}"
            )
        plan.append((path, folder))
    if not plan:
        raise UnusableDelivery(f"{root} holds no .xlsx or .csv file under a dataset folder")
    return plan


def _prepare(path: str, dataset_code: str, catalog_path: str | None, staging: str,
             digest: str, threads: int) -> PreparedBatch:
    catalog = load_catalog(Path(catalog_path) if catalog_path else None)
    return prepare_batch(Path(path), dataset(dataset_code), catalog, Path(staging), digest,
                         threads)


def _refusal(path: Path, code: str, exc: Exception) -> FileOutcome:
    return FileOutcome(path, code, "refused", f"{path.name} ({code}): {exc}")


def ingest(
    warehouse: Warehouse,
    files: Iterable[tuple[Path, str]],
    catalog_path: Path | None = None,
    replace: bool = False,
    workers: int = 1,
    progress: Progress | None = None,
) -> list[FileOutcome]:
    """Ingest files into the warehouse, all or nothing; raise IngestRefused on a bad file."""
    load_catalog(catalog_path)  # a bad catalog is refused before any file is read
    outcomes: list[FileOutcome] = []
    pending: list[tuple[Path, str, str]] = []
    seen: dict[str, Path] = {}
    for path, code in files:
        digest = file_hash(path)
        earlier = warehouse.batch_by_hash(digest)
        if earlier is not None or digest in seen:
            first = earlier.file_name if earlier else seen[digest].name
            outcomes.append(FileOutcome(path, code, "already_ingested",
                                        f"{path.name}: same bytes as {first}, already ingested"))
            if progress:
                progress(path.name)
            continue
        seen[digest] = path
        pending.append((path, code, digest))
    with warehouse.writing() as transaction:
        prepared = _prepare_all(pending, catalog_path, transaction.staging, workers, progress)
        if any(o.status == "refused" for o in prepared):
            raise IngestRefused(outcomes + prepared)
        earlier_batches = warehouse.batches()
        for outcome in prepared:
            assert outcome.batch is not None
            if replace:
                outcome.replaced = [b.file_hash for b in earlier_batches
                                    if b.dataset == outcome.dataset
                                    and b.file_name == outcome.path.name]
            transaction.add(outcome.batch, outcome.replaced)
    return outcomes + prepared


def _prepare_all(pending: list[tuple[Path, str, str]], catalog_path: Path | None,
                 staging: Path, workers: int, progress: Progress | None) -> list[FileOutcome]:
    catalog = str(catalog_path) if catalog_path else None
    if workers <= 1 or len(pending) <= 1:
        outcomes = []
        for path, code, digest in pending:
            outcomes.append(_outcome(path, code, partial(
                _prepare, str(path), code, catalog, str(staging), digest, 0)))
            if progress:
                progress(path.name)
        return outcomes
    threads = max(1, (os.cpu_count() or 1) // workers)
    context = multiprocessing.get_context("spawn")  # DuckDB's threads do not survive fork
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [(path, code, pool.submit(_prepare, str(path), code, catalog, str(staging),
                                            digest, threads))
                   for path, code, digest in pending]
        outcomes = []
        for path, code, future in futures:
            outcomes.append(_outcome(path, code, future.result))
            if progress:
                progress(path.name)
        return outcomes


def _outcome(path: Path, code: str, run: Callable[[], PreparedBatch]) -> FileOutcome:
    try:
        batch = run()
    except UnusableFile as exc:
        return _refusal(path, code, exc)
    summary = (f"{path.name}: {batch.counts.accepted} rows accepted, "
               f"{batch.counts.rejected} rejected, {batch.counts.doubtful} doubtful")
    return FileOutcome(path, code, "ingested", summary, batch)
