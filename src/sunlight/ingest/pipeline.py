"""Ingest a delivery: every file read in parallel, committed together or not at all."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, NamedTuple

from sunlight.contract.catalog import Catalog, load_catalog
from sunlight.contract.datasets import DATASETS, dataset
from sunlight.ingest.batch import file_hash, read_file, stage_batches
from sunlight.ingest.bounds import ReadLimits
from sunlight.ingest.errors import HeaderReport, UnusableFile
from sunlight.ingest.readers import SPREADSHEET_SUFFIXES, SUPPORTED_SUFFIXES
from sunlight.ingest.rows import DeliveredFile
from sunlight.ingest.sheet_processes import SheetReaders
from sunlight.settings import get_settings
from sunlight.warehouse.batch import StagedBatch
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
    batch: StagedBatch | None = None
    replaced: list[str] = field(default_factory=list)
    same_name: bool = False  # an earlier batch of the dataset has this file name
    again: bool = False  # already ingested under the same name: the very file, once more
    chinese: str = ""  # a refusal's reason for the workbench
    headers: HeaderReport | None = None  # a refusal for the header: the row looked at


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


def _hashes(paths: list[Path], pools: Pools) -> list[str]:
    """The sha256 of every file, in threads: hashlib works outside the GIL."""
    if pools.threads is None:
        return [file_hash(path) for path in paths]
    return list(pools.threads.map(file_hash, paths))


def _refusal(path: Path, code: str, exc: UnusableFile) -> FileOutcome:
    return FileOutcome(path, code, "refused", f"{path.name} ({code}): {exc}",
                       chinese=exc.chinese, headers=exc.headers)


def ingest(
    warehouse: Warehouse,
    files: Iterable[tuple[Path, str]],
    catalog_path: Path | None = None,
    replace: bool = False,
    workers: int = 1,
    progress: Progress | None = None,
    stage: Stage | None = None,
    limits: ReadLimits | None = None,
) -> list[FileOutcome]:
    """Ingest files into the warehouse, all or nothing; raise IngestRefused on a bad file.

    `progress` is told each file's name once it is done; `stage` each step as it begins.
    Files are read within `limits` (by default the settings').
    """
    tell = stage or (lambda _step: None)
    limits = limits or ReadLimits.of(get_settings())
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
    with _pools([path for path, _ in files], workers, limits) as pools:
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
                                    tell, limits)
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


def prepare(files: Iterable[tuple[Path, str]], staging: Path, catalog: Catalog,
            limits: ReadLimits, workers: int = 1) -> list[FileOutcome]:
    """Read, normalise and stage files into `staging` as ingestion would, committing nothing.

    Every file is staged as a batch of its own (`FileOutcome.batch`), or refused; same bytes
    given twice are staged once. What screening reads a batch with.
    """
    files = list(files)
    with _pools([path for path, _ in files], workers, limits) as pools:
        pending: dict[str, tuple[Path, str, str]] = {}
        for (path, code), digest in zip(files, _hashes([path for path, _ in files], pools),
                                        strict=True):
            pending.setdefault(digest, (path, code, digest))
        return _prepare_all(list(pending.values()), catalog, staging, pools, None,
                            lambda _step: None, limits)


def _prepare_all(pending: list[tuple[Path, str, str]], catalog: Catalog,
                 staging: Path, pools: Pools, progress: Progress | None, tell: Stage,
                 limits: ReadLimits) -> list[FileOutcome]:
    """Read every file, then normalise and stage the files of a dataset together, in chunks.

    In parallel, files are read one by one, largest chunk first, and a chunk is normalised as
    soon as all its files are read: reading is spread evenly over the workers, while each
    chunk's distinct texts go through DuckDB only once.
    """
    chunks = _chunks(pending)
    results: dict[Path, FileOutcome] = {}

    def collect(chunk: Chunk, prepared: list[StagedBatch | UnusableFile]) -> None:
        code, files = chunk
        for (path, _), result in zip(files, prepared, strict=True):
            results[path] = _outcome(path, code, result)
            if progress:
                progress(path.name)

    in_threads, sheets, workers = pools
    if in_threads is None or len(pending) <= 1:
        for code, files in chunks:
            tell(READING)
            read = [sheets.read(path, digest, code) if sheets and _is_spreadsheet(path)
                    else read_file(path, digest, code, limits) for path, digest in files]
            tell(NORMALISING)
            collect((code, files), stage_batches(read, dataset(code), catalog, staging))
        return [results[path] for path, _, _ in pending]
    threads = max(1, (os.cpu_count() or 1) // workers)  # DuckDB threads per chunk

    def submit(path: Path, digest: str, code: str) -> Future[DeliveredFile | UnusableFile]:
        if sheets and _is_spreadsheet(path):
            return sheets.submit(path, digest, code)
        return in_threads.submit(read_file, path, digest, code, limits)

    def result(future: Future[DeliveredFile | UnusableFile], path: Path, digest: str,
               code: str) -> DeliveredFile | UnusableFile:
        return sheets.result(future, path, digest, code) if sheets else future.result()

    reads = [[submit(path, digest, code) for path, digest in files] for code, files in chunks]
    staged = {}
    for (code, files), futures in zip(chunks, reads, strict=True):
        # chunks are read in this order
        read = [result(future, path, digest, code)
                for future, (path, digest) in zip(futures, files, strict=True)]
        tell(NORMALISING)  # in parallel: the first chunk is read, others may still be
        staged[in_threads.submit(stage_batches, read, dataset(code), catalog, staging,
                                 threads)] = (code, files)
    for future in as_completed(staged):
        collect(staged[future], future.result())
    return [results[path] for path, _, _ in pending]


def _is_spreadsheet(path: Path) -> bool:
    return path.suffix.lower() in SPREADSHEET_SUFFIXES


class Pools(NamedTuple):
    threads: ThreadPoolExecutor | None  # None: files are read and staged one after another
    spreadsheets: SheetReaders | None  # None when no file is a spreadsheet
    workers: int


@contextmanager
def _pools(paths: list[Path], workers: int, limits: ReadLimits) -> Iterator[Pools]:
    """Threads, and memory-capped processes for reading spreadsheets.

    Threads hash and read CSV and normalise: pyarrow and DuckDB work outside the GIL, and a
    thread costs nothing to start. Spreadsheets are read in processes, even one file alone:
    calamine holds the GIL while it builds a sheet's cells, so threads would wait on each
    other, and a process capped in memory is what a spreadsheet bomb may kill. The processes
    are started at once: each takes a while to import what it reads with.
    """
    parallel = workers > 1 and len(paths) > 1
    with ExitStack() as stack:
        threads = (stack.enter_context(ThreadPoolExecutor(max_workers=workers))
                   if parallel else None)
        sheets = (stack.enter_context(SheetReaders(workers if parallel else 1, limits))
                  if any(map(_is_spreadsheet, paths)) else None)
        yield Pools(threads, sheets, workers)


def _outcome(path: Path, code: str, result: StagedBatch | UnusableFile) -> FileOutcome:
    if isinstance(result, UnusableFile):
        return _refusal(path, code, result)
    summary = (f"{path.name}: {result.counts.accepted} rows accepted, "
               f"{result.counts.rejected} rejected, {result.counts.doubtful} doubtful")
    return FileOutcome(path, code, "ingested", summary, result)
