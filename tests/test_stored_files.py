"""Files taken in under SUNLIGHT_HOME: hashed as copied, never half-kept, stored once."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from sunlight.stored_files import (
    content_path,
    copy_hashing,
    keep_by_content,
    write_by_content,
)


class Refused(Exception):
    pass


def test_a_copy_is_hashed_as_it_goes_and_kept_under_its_content(tmp_path: Path):
    data = b"%PDF-1.4 scan" * 100_000  # more than one chunk
    copied = copy_hashing(io.BytesIO(data), tmp_path, len(data), lambda: Refused())
    assert (copied.sha256, copied.size, copied.head) == (
        hashlib.sha256(data).hexdigest(), len(data), data[:16])
    kept = keep_by_content(copied, tmp_path)
    assert kept == content_path(tmp_path, copied.sha256) and kept.read_bytes() == data
    assert [p for p in tmp_path.iterdir() if p.is_file()] == []  # no temporary file left


def test_over_the_limit_raises_at_once_and_leaves_nothing(tmp_path: Path):
    with pytest.raises(Refused):
        copy_hashing(io.BytesIO(b"x" * 5_000_000), tmp_path, 1_000_000, lambda: Refused())
    assert list(tmp_path.iterdir()) == []


def test_the_same_content_twice_is_one_file(tmp_path: Path):
    first, second = write_by_content(b"photo", tmp_path), write_by_content(b"photo", tmp_path)
    assert first == second
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [first]
