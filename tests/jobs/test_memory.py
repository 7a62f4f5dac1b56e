"""A job's failure is told apart as one for want of memory, whichever library ran short."""

from __future__ import annotations

import errno

import pyarrow as pa
import pytest

from sunlight.jobs.memory import for_want_of_memory


@pytest.mark.parametrize("failure", [
    MemoryError(),
    OSError(errno.ENOMEM, "Cannot allocate memory"),
    RuntimeError("std::bad_alloc"),
    pa.ArrowException("Unknown error: Failed to launch worker thread: "
                      "Resource temporarily unavailable"),
    RuntimeError("can't start new thread"),
], ids=["python", "oserror", "c++", "arrow-thread", "python-thread"])
def test_a_failed_allocation_is_told_as_memory(failure: BaseException) -> None:
    assert for_want_of_memory(failure)


@pytest.mark.parametrize("failure", [
    ValueError("bad date"), OSError(errno.ENOENT, "No such file"), KeyError("township"),
])
def test_other_failures_are_not_blamed_on_memory(failure: BaseException) -> None:
    assert not for_want_of_memory(failure)
