"""Ingest a delivery: every file read in parallel, committed together or not at all."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from sunlight.contract.catalog import load_catalog
from sunlight.contract.datasets import DATASETS, dataset
from sunlight.ingest.batch import PreparedBatch, file_hash, prepare_batches
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


Chunk = tuple[str, list[tuple[Path, str]]]  # dataset code, [(file, sha256)]
# Files of one dataset are normalised together up to about this many bytes: enough to spread
# DuckDB's fixed cost per query over many rows, small enough to keep memory in bounds.
_CHUNK_BYTES = 64 << 20


def _prepare_chunk(code: str, files: list[tuple[str, str]], catalog_path: str | None,
                   staging: str, threads: int) -> list[PreparedBatch | UnusableFile]:
    catalog = load_catalog(Path(catalog_path) if catalog_path else None)
    return prepare_batches([(Path(p), d) for p, d in files], dataset(code), catalog,
                           Path(staging), threads)


def _chunks(pending: list[tuple[Path, str, str]], workers: int) -> list[Chunk]:
    """Files grouped by dataset into chunks, largest first, so that workers share the load."""
    total = sum(path.stat().st_size for path, _, _ in pending)
    limit = max(1 << 20, min(_CHUNK_BYTES, total // max(1, workers * 2)))
    chunks: list[tuple[int, Chunk]] = []
    for code in dict.fromkeys(code for _, code, _ in pending):
        size, files = 0, list[tuple[Path, str]]()
        for path, file_code, digest in pending:
            if file_code != code:
                continue
            if files and size + path.stat().st_size > limit:
                chunks.append((size, (code, files)))
                size, files = 0, []
            files.append((path, digest))
            size += path.stat().st_size
        chunks.append((size, (code, files)))
    return [chunk for _, chunk in sorted(chunks, key=lambda c: -c[0])]


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
    chunks = _chunks(pending, workers)
    results: dict[Path, FileOutcome] = {}

    def collect(chunk: Chunk, prepared: list[PreparedBatch | UnusableFile]) -> None:
        code, files = chunk
        for (path, _), result in zip(files, prepared, strict=True):
            results[path] = _outcome(path, code, result)
            if progress:
                progress(path.name)

    if workers <= 1 or len(chunks) <= 1:
        for chunk in chunks:
            code, files = chunk
            collect(chunk, _prepare_chunk(code, [(str(p), d) for p, d in files], catalog,
                                          str(staging), 0))
    else:
        threads = max(1, (os.cpu_count() or 1) // workers)
        context = multiprocessing.get_context("spawn")  # DuckDB's threads do not survive fork
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = {pool.submit(_prepare_chunk, chunk[0], [(str(p), d) for p, d in chunk[1]],
                                   catalog, str(staging), threads): chunk for chunk in chunks}
            for future in as_completed(futures):
                collect(futures[future], future.result())
    return [results[path] for path, _, _ in pending]


def _outcome(path: Path, code: str, result: PreparedBatch | UnusableFile) -> FileOutcome:
    if isinstance(result, UnusableFile):
        return _refusal(path, code, result)
    summary = (f"{path.name}: {result.counts.accepted} rows accepted, "
               f"{result.counts.rejected} rejected, {result.counts.doubtful} doubtful")
    return FileOutcome(path, code, "ingested", summary, result)
