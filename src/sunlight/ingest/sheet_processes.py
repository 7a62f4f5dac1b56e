"""Spreadsheets read in processes of their own, each with its memory capped.

calamine builds every cell of a sheet at once, in memory no check can foresee for every file
(an .xls, cells spread over a huge empty area). A process over the cap dies, not the caller:
the pool it was in breaks, and the files it took down with it are read again one at a time
in a process of their own, so that only the file that kills that one too is refused.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from types import TracebackType

from sunlight.ingest.bounds import ReadLimits, cap_memory, out_of_memory
from sunlight.ingest.errors import UnusableFile
from sunlight.ingest.rows import DeliveredFile, read_file, warm_up

Read = DeliveredFile | UnusableFile


def _capped_pool(workers: int, limits: ReadLimits) -> ProcessPoolExecutor:
    # spawn, not fork: DuckDB's threads do not survive a fork
    return ProcessPoolExecutor(max_workers=workers,
                               mp_context=multiprocessing.get_context("spawn"),
                               initializer=cap_memory, initargs=(limits.reader_memory_mb,))


class SheetReaders:
    """Processes reading spreadsheets under `limits.reader_memory_mb` each."""

    def __init__(self, workers: int, limits: ReadLimits) -> None:
        self._limits = limits
        self._pool = _capped_pool(workers, limits)
        self._alone: ProcessPoolExecutor | None = None
        # The processes start (and import) at once: a process is spawned per task while
        # none is idle.
        for _ in range(workers):
            self._pool.submit(warm_up)

    def submit(self, path: Path, digest: str, code: str) -> Future[Read]:
        return self._pool.submit(read_file, path, digest, code, self._limits)

    def result(self, future: Future[Read], path: Path, digest: str, code: str) -> Read:
        """What a submitted read came to; a read lost with a dead process is done again."""
        try:
            return future.result()
        except BrokenProcessPool:
            return self._read_alone(path, digest, code)

    def read(self, path: Path, digest: str, code: str) -> Read:
        try:
            future = self.submit(path, digest, code)
        except BrokenProcessPool:  # an earlier file killed its process
            return self._read_alone(path, digest, code)
        return self.result(future, path, digest, code)

    def _read_alone(self, path: Path, digest: str, code: str) -> Read:
        """Read a file in a process that reads nothing else: if it dies, the file killed it."""
        if self._alone is None:
            self._alone = _capped_pool(1, self._limits)
        try:
            return self._alone.submit(read_file, path, digest, code, self._limits).result()
        except BrokenProcessPool:
            self._alone.shutdown()
            self._alone = None
            return out_of_memory(self._limits)

    def close(self) -> None:
        self._pool.shutdown(cancel_futures=True)
        if self._alone is not None:
            self._alone.shutdown()

    def __enter__(self) -> SheetReaders:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()
