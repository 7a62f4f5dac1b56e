"""Ingest a delivery: every file read in parallel, committed together or not at all."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, NamedTuple

from sunlight.contract.catalog import Catalog, load_catalog
from sunlight.contract.datasets import DATASETS, dataset
from sunlight.ingest.batch import PreparedBatch, file_hash, read_file, stage_batches
from sunlight.ingest.errors import UnusableFile
from sunlight.ingest.readers import SPREADSHEET_SUFFIXES, SUPPORTED_SUFFIXES
from sunlight.ingest.rows import warm_up
from sunlight.warehouse.store import Warehouse

Status = Literal["ingested", "already_ingested", "refused"]
Progress = Callable[[str], None]
Stage = Callable[[str], None]
"""Told which step a delivery has reached: `reading`, `normalising`, `writing`."""
READING, NORMALISING, WRITING = "reading", "normalising", "writing"


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
    same_name: bool = False  # an earlier batch of the dataset has this file name
    again: bool = False  # already ingested under the same name: the very file, once more


def _is_data_file(path: Path) -> bool:
    # ~$ files are the lock files Excel leaves beside an open workbook.
    return path.suffix.lower() in SUPPORTED_SUFFIXES and not path.name.startswith(("~$", "."))


def skipped_files(root: Path) -> list[tuple[Path, str]]:
    """Files under a delivery folder that ingestion does not read, each with why."""
    readable = "/".join(sorted(SUPPORTED_SUFFIXES))
    return [(path, "an Excel lock file, left while the workbook was open"
             if path.name.startswith("~$") else f"not a data file: only {readable} are read")
            for path in sorted(root.rglob("*"))
            if path.is_file() and not _is_data_file(path) and not path.name.startswith(".")]


def plan_delivery(root: Path) -> list[tuple[Path, str]]:
    """(file, dataset) for every data file under `<root>/<dataset>/`."""
    if root.is_file():
        raise UnusableDelivery(f"{root} is a file: give its dataset, "
                               f"e.g. `sunlight ingest --dataset payments {root}`")
    if not root.exists():
        raise UnusableDelivery(f"{root} does not exist")
    if not root.is_dir():
        raise UnusableDelivery(f"{root} is not a folder")
    plan: list[tuple[Path, str]] = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if not _is_data_file(path):
            continue
        parts = path.relative_to(root).parts
        if len(parts) == 1:
            raise UnusableDelivery(
                f"{path.name} lies at the top of the delivery: put each file in a folder named "
                f"after its dataset (<root>/<dataset>/<file>), one of: {', '.join(DATASETS)}"
                + _wrong_folder_hint(root))
        folder = parts[0]
        if folder not in DATASETS:
            raise UnusableDelivery(
                f"{path.relative_to(root)}: folder {folder!r} is not a dataset of the contract; "
                f"expected <root>/<dataset>/<file> with dataset one of: {', '.join(DATASETS)}"
                + _wrong_folder_hint(root))
        plan.append((path, folder))
    if not plan:
        raise UnusableDelivery(f"{root} holds no .xlsx or .csv file under a dataset folder")
    return plan


def _wrong_folder_hint(root: Path) -> str:
    """What the person probably meant, when the folder given is next to the delivery."""
    if root.name in DATASETS:
        return (f". {root} is the folder of one dataset: ingest the folder above it, "
                f"{root.parent}, or one file with `--dataset {root.name} FILE`")
    inside = [child for child in sorted(root.iterdir()) if child.is_dir()
              and any(grandchild.name in DATASETS for grandchild in child.iterdir()
                      if grandchild.is_dir())]
    return f". Did you mean {inside[0]}?" if inside else ""


Chunk = tuple[str, list[tuple[Path, str]]]  # dataset code, [(file, sha256)]
# Files of one dataset are normalised together up to about this many bytes: enough to spread
# DuckDB's fixed cost per query over many rows, small enough to keep memory in bounds.
_CHUNK_BYTES = 64 << 20


def _chunks(pending: list[tuple[Path, str, str]]) -> list[Chunk]:
    """Files grouped by dataset into chunks, largest first, so that the chunks normalised last
    are small and the workers finish together.

    Reading is shared out file by file, so chunks are only as many as memory asks for: each
    chunk costs DuckDB queries of its own, and a text that recurs across its files (a payee's
    ID every month) is normalised once per chunk.
    """
    chunks: list[tuple[int, Chunk]] = []
    for code in dict.fromkeys(code for _, code, _ in pending):
        size, files = 0, list[tuple[Path, str]]()
        for path, file_code, digest in pending:
            if file_code != code:
                continue
            if files and size + path.stat().st_size > _CHUNK_BYTES:
                chunks.append((size, (code, files)))
                size, files = 0, []
            files.append((path, digest))
            size += path.stat().st_size
        chunks.append((size, (code, files)))
    return [chunk for _, chunk in sorted(chunks, key=lambda c: -c[0])]


def _hashes(paths: list[Path], pools: Pools | None) -> list[str]:
    """The sha256 of every file, in threads: hashlib works outside the GIL."""
    if pools is None:
        return [file_hash(path) for path in paths]
    return list(pools.threads.map(file_hash, paths))


def _refusal(path: Path, code: str, exc: Exception) -> FileOutcome:
    return FileOutcome(path, code, "refused", f"{path.name} ({code}): {exc}")


def ingest(
    warehouse: Warehouse,
    files: Iterable[tuple[Path, str]],
    catalog_path: Path | None = None,
    replace: bool = False,
    workers: int = 1,
    progress: Progress | None = None,
    stage: Stage | None = None,
) -> list[FileOutcome]:
    """Ingest files into the warehouse, all or nothing; raise IngestRefused on a bad file.

    `progress` is told each file's name once it is done; `stage` each step as it begins.
    """
    tell = stage or (lambda _step: None)
    tell(READING)
    catalog = load_catalog(catalog_path)  # a bad catalog is refused before any file is read
    outcomes: list[FileOutcome] = []
    pending: list[tuple[Path, str, str]] = []
    seen: dict[str, Path] = {}
    earlier_batches = warehouse.batches()
    by_hash = {batch.file_hash: batch for batch in earlier_batches}  # one read of the manifest

    def namesakes(code: str, name: str, keep: str) -> list[str]:
        return [b.file_hash for b in earlier_batches
                if b.dataset == code and b.file_name == name and b.file_hash != keep]

    files = list(files)
    # Reader processes start (and import) while the files are hashed.
    with _pools([path for path, _ in files], workers) as pools:
        for (path, code), digest in zip(files, _hashes([path for path, _ in files], pools),
                                        strict=True):
            earlier = by_hash.get(digest)
            if earlier is not None or digest in seen:
                first = earlier.file_name if earlier else seen[digest].name
                again = earlier is not None and first == path.name
                outcome = FileOutcome(
                    path, code, "already_ingested",
                    f"{path.name}: already ingested" if again
                    else f"{path.name}: same bytes as {first}, already ingested", again=again)
                if replace and earlier is not None:
                    # --replace after the fact: this version stays, its namesakes go.
                    outcome.replaced = namesakes(code, earlier.file_name, digest)
                outcomes.append(outcome)
                if progress:
                    progress(path.name)
                continue
            seen[digest] = path
            pending.append((path, code, digest))
        with warehouse.writing() as transaction:
            prepared = _prepare_all(pending, catalog, transaction.staging, pools, progress,
                                    tell)
            if any(o.status == "refused" for o in prepared):
                raise IngestRefused(outcomes + prepared)
            tell(WRITING)
            for outcome in outcomes:
                transaction.drop(outcome.replaced)
            for outcome in prepared:
                assert outcome.batch is not None
                same_name = namesakes(outcome.dataset, outcome.path.name, outcome.batch.file_hash)
                if replace:
                    outcome.replaced = same_name
                outcome.same_name = bool(same_name) and not replace
                transaction.add(outcome.batch, outcome.replaced)
        return outcomes + prepared


def _prepare_all(pending: list[tuple[Path, str, str]], catalog: Catalog,
                 staging: Path, pools: Pools | None,
                 progress: Progress | None, tell: Stage) -> list[FileOutcome]:
    """Read every file, then normalise and stage the files of a dataset together, in chunks.

    In parallel, files are read one by one, largest chunk first, and a chunk is normalised as
    soon as all its files are read: reading is spread evenly over the workers, while each
    chunk's distinct texts go through DuckDB only once.
    """
    chunks = _chunks(pending)
    results: dict[Path, FileOutcome] = {}

    def collect(chunk: Chunk, prepared: list[PreparedBatch | UnusableFile]) -> None:
        code, files = chunk
        for (path, _), result in zip(files, prepared, strict=True):
            results[path] = _outcome(path, code, result)
            if progress:
                progress(path.name)

    if pools is None or len(pending) <= 1:
        for code, files in chunks:
            tell(READING)
            read = [read_file(path, digest, code) for path, digest in files]
            tell(NORMALISING)
            collect((code, files), stage_batches(read, dataset(code), catalog, staging))
        return [results[path] for path, _, _ in pending]
    in_threads, in_processes, workers = pools
    threads = max(1, (os.cpu_count() or 1) // workers)  # DuckDB threads per chunk

    def reader(path: Path) -> Executor:
        return in_processes if path.suffix.lower() in SPREADSHEET_SUFFIXES else in_threads

    reads = [[reader(path).submit(read_file, path, digest, code) for path, digest in files]
             for code, files in chunks]
    staged = {}
    for chunk, futures in zip(chunks, reads, strict=True):
        read = [future.result() for future in futures]  # chunks are read in this order
        tell(NORMALISING)  # in parallel: the first chunk is read, others may still be
        staged[in_threads.submit(stage_batches, read, dataset(chunk[0]), catalog, staging,
                                 threads)] = chunk
    for future in as_completed(staged):
        collect(staged[future], future.result())
    return [results[path] for path, _, _ in pending]


class Pools(NamedTuple):
    threads: ThreadPoolExecutor
    spreadsheets: Executor  # processes, or the threads when there is no spreadsheet
    workers: int


@contextmanager
def _pools(paths: list[Path], workers: int) -> Iterator[Pools | None]:
    """Threads, and processes for reading spreadsheets; None to work serially.

    Threads hash and read CSV and normalise: pyarrow and DuckDB work outside the GIL, and a
    thread costs nothing to start. Spreadsheets are read in processes: calamine holds the GIL
    while it builds a sheet's cells, so threads would wait on each other. The processes are
    started at once: each takes a while to import what it reads with.
    """
    if workers <= 1 or len(paths) <= 1:
        yield None
        return
    with ThreadPoolExecutor(max_workers=workers) as in_threads:
        if not any(path.suffix.lower() in SPREADSHEET_SUFFIXES for path in paths):
            yield Pools(in_threads, in_threads, workers)
            return
        # spawn, not fork: DuckDB's threads do not survive a fork
        with ProcessPoolExecutor(max_workers=workers,
                                 mp_context=multiprocessing.get_context("spawn")) as in_processes:
            for _ in range(workers):  # a process is spawned per task while none is idle
                in_processes.submit(warm_up)
            yield Pools(in_threads, in_processes, workers)


def _outcome(path: Path, code: str, result: PreparedBatch | UnusableFile) -> FileOutcome:
    if isinstance(result, UnusableFile):
        return _refusal(path, code, result)
    summary = (f"{path.name}: {result.counts.accepted} rows accepted, "
               f"{result.counts.rejected} rejected, {result.counts.doubtful} doubtful")
    return FileOutcome(path, code, "ingested", summary, result)
