"""Files kept under SUNLIGHT_HOME: copied in while hashed, never half-written under their name.

Case attachments and report photos are stored by content, as `<folder>/<first two hex
digits>/<sha256>` (the same file twice is one file); uploads keep the copy where ingestion
reads it.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

CHUNK = 1 << 20


@dataclass(frozen=True)
class Copied:
    """A stream copied to a temporary file beside where it will be kept."""

    path: Path
    sha256: str
    size: int
    head: bytes  # the first bytes, to check what kind of file it is


def copy_hashing(source: BinaryIO, folder: Path, max_bytes: int,
                 too_large: Callable[[], Exception]) -> Copied:
    """Copy `source` into a temporary file in `folder`, hashing as it goes.

    Raises `too_large()` as soon as more than `max_bytes` arrived; nothing is left behind.
    """
    folder.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=folder, prefix=".incoming-")
    temporary = Path(name)
    digest, size, head = hashlib.sha256(), 0, b""
    try:
        with os.fdopen(handle, "wb") as out:
            while chunk := source.read(CHUNK):
                head = head or chunk[:16]
                size += len(chunk)
                if size > max_bytes:
                    raise too_large()
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return Copied(temporary, digest.hexdigest(), size, head)


def content_path(folder: Path, sha256: str) -> Path:
    """Where a file stored by content lives."""
    return folder / sha256[:2] / sha256


def keep_by_content(copied: Copied, folder: Path) -> Path:
    """Move a copied file to its content's name in `folder`."""
    target = content_path(folder, copied.sha256)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(copied.path, target)  # same content, same name: replacing changes nothing
    return target


def write_by_content(data: bytes, folder: Path) -> str:
    """Write bytes under their hash (atomically, once); returns the hash."""
    sha256 = hashlib.sha256(data).hexdigest()
    target = content_path(folder, sha256)
    if target.is_file():
        return sha256
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(name, target)
    finally:
        Path(name).unlink(missing_ok=True)
    return sha256
