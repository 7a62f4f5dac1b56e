"""Receiving an uploaded file: its name and type checked, its bytes streamed to disk and hashed.

The file is copied in chunks, never held whole in memory, and refused as soon as it passes
the size limit; nothing of a refused file is kept.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sunlight.stored_files import copy_hashing

ALLOWED_SUFFIXES = (".xlsx", ".xls", ".csv")
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


class RefusedFile(ValueError):
    """A file the upload form does not take; the message says why, in Chinese."""


class FileTooLarge(RefusedFile):
    """Over the upload size limit (answered with 413)."""


@dataclass(frozen=True)
class Received:
    """A file stored in the incoming folder, waiting for its upload row."""

    path: Path
    filename: str
    size: int
    sha256: str


def clean_name(raw: str) -> str:
    """The file's own name as the browser sent it, without folders or characters a file
    system or a spreadsheet would trip on; refuse a type ingestion does not read."""
    name = _UNSAFE.sub("_", raw.replace("\\", "/").rsplit("/", 1)[-1]).strip(" .")
    if not name:
        raise RefusedFile("请选择要上传的文件")
    stem, suffix = os.path.splitext(name)
    if suffix.lower() not in ALLOWED_SUFFIXES:
        raise RefusedFile(f"不支持的文件类型“{suffix or '无扩展名'}”（{name}）：只接受 Excel "
                          "（.xlsx、.xls）或 CSV（.csv）文件")
    return stem[: 200 - len(suffix)] + suffix.lower()


def receive(source: BinaryIO, raw_name: str, incoming: Path, max_bytes: int) -> Received:
    """Copy an uploaded stream into `incoming`, hashing as it goes; RefusedFile if it is not
    a data file, is empty or is larger than `max_bytes`."""
    filename = clean_name(raw_name)
    copied = copy_hashing(source, incoming, max_bytes, lambda: FileTooLarge(
        f"文件 {filename} 超过上传大小上限 {max_bytes // (1 << 20)} MB，未保存"))
    if copied.size == 0:
        copied.path.unlink()
        raise RefusedFile(f"文件 {filename} 是空文件，未保存")
    return Received(copied.path, filename, copied.size, copied.sha256)


def place(received: Received, uploads_dir: Path, upload_id: int) -> Path:
    """Move a received file to its upload's own folder, under the name it was sent with
    (ingestion records the file name: the quality report names the file the officer sent)."""
    return place_in(received, uploads_dir / str(upload_id))


def place_in(received: Received, folder: Path) -> Path:
    """Move a received file into `folder` (made if need be), under the name it was sent with."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / received.filename
    os.replace(received.path, path)
    return path


def stored_path(uploads_dir: Path, upload_id: int, filename: str) -> Path:
    return uploads_dir / str(upload_id) / filename
