"""The memory limit of a job's child process, and telling a failure for want of memory."""

from __future__ import annotations

import errno
import resource

from sunlight.process_memory import address_space, peak_address_space

MEMORY_HINTS = ("bad_alloc", "cannot allocate memory", "out of memory", "can't start new thread",
                "failed to allocate", "memory allocation", "failed to map segment",
                # Arrow's thread pool, when a new thread's stack does not fit under the cap
                "failed to launch worker thread")


def limit_memory(extra_mb: int) -> int:
    """Allow the process `extra_mb` of address space beyond what it holds now (the
    interpreter with the job's libraries loaded); returns the limit in bytes.

    RLIMIT_AS is what the kernel enforces without a cgroup: past it an allocation fails
    (MemoryError, or an abort inside a library) and the process ends, never the server.
    """
    limit = address_space() + (extra_mb << 20)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return limit


def for_want_of_memory(exc: BaseException) -> bool:
    """Whether an exception says an allocation failed (Python's, Arrow's, DuckDB's)."""
    if isinstance(exc, MemoryError) or type(exc).__name__ == "OutOfMemoryException":
        return True
    if isinstance(exc, OSError) and exc.errno == errno.ENOMEM:
        return True
    text = str(exc).lower()
    return any(hint in text for hint in MEMORY_HINTS)


def memory_reason(memory_mb: int) -> str:
    return (f"任务所需内存超出了后台任务的内存上限（{memory_mb} MB），已被停止。"
            "如确需处理这样大的文件，请系统管理员调高该上限")


def peak_memory() -> int:
    """The most address space the process has held, in bytes (0 where /proc cannot say)."""
    return peak_address_space()
