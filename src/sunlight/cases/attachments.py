"""Files attached to a case: checked, stored by content hash, never by the sender's file name.

A file lands in `<attachments_dir>/<first two hex digits>/<sha256>`; the same scan attached
twice is stored once. The name the person gave is kept only in the database, to be offered
back when the file is downloaded.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import BinaryIO

from sqlalchemy.orm import Session

from sunlight.appdb.account_tables import User
from sunlight.appdb.case_tables import Case, CaseAttachment
from sunlight.audit.chain import append
from sunlight.stored_files import copy_hashing, keep_by_content

MAX_BYTES = 20 * 1024 * 1024
ZIP = (b"PK\x03\x04",)
OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)  # the container of .doc and .xls


@dataclass(frozen=True)
class FileKind:
    content_type: str
    magic: tuple[bytes, ...]
    """What the file must begin with; empty for plain text, which has no signature."""


KINDS: dict[str, FileKind] = {
    ".jpg": FileKind("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": FileKind("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": FileKind("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".pdf": FileKind("application/pdf", (b"%PDF-",)),
    ".xlsx": FileKind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ZIP),
    ".docx": FileKind("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                      ZIP),
    ".xls": FileKind("application/vnd.ms-excel", OLE),
    ".doc": FileKind("application/msword", OLE),
    ".csv": FileKind("text/csv", ()),
    ".txt": FileKind("text/plain", ()),
}
ACCEPTED = "、".join(sorted({ext.lstrip(".").upper() for ext in KINDS} - {"JPEG"}))
"""What the upload form tells people it takes."""


class AttachmentRefused(Exception):
    """The file cannot be attached; the message says why, in words for the sender."""


class TooLarge(AttachmentRefused):
    """Over the size limit (the rest of it was not read)."""


def clean_name(filename: str) -> str:
    """The last part of the sender's file name, without control characters, at most 200."""
    base = PureWindowsPath(PurePosixPath(filename or "").name).name
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    if len(base) > 200:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: 200 - len(ext) - 1] + dot + ext) if dot and len(ext) < 10 else base[:200]
    return base


def attach(session: Session, case: Case, uploader: User, filename: str, data: BinaryIO,
           folder: Path, *, address: str = "", max_bytes: int = MAX_BYTES) -> CaseAttachment:
    """Check the file, store it by its SHA-256, record it on the case and in the audit log."""
    name = clean_name(filename)
    if not name:
        raise AttachmentRefused("请选择要上传的文件")
    kind = KINDS.get(Path(name).suffix.lower())
    if kind is None:
        raise AttachmentRefused(f"不支持此文件类型（{name}）。可上传：{ACCEPTED}")
    sha256, size = _store(data, folder, kind, name, max_bytes)
    attachment = CaseAttachment(case_id=case.id, at=datetime.now(UTC), uploader_id=uploader.id,
                                filename=name, content_type=kind.content_type, size=size,
                                sha256=sha256)
    session.add(attachment)
    session.flush()
    append(session, actor=uploader.username, action="case.attach", target=case.case_no,
           details={"attachment": attachment.id, "filename": name, "size": size,
                    "sha256": sha256}, address=address)
    return attachment


def _store(data: BinaryIO, folder: Path, kind: FileKind, name: str,
           max_bytes: int) -> tuple[str, int]:
    """Copy to a temporary file while hashing, check it, then keep it by its content."""
    copied = copy_hashing(data, folder, max_bytes, lambda: TooLarge(
        f"文件超过 {max_bytes // (1024 * 1024)} MB，未保存：{name}"))
    try:
        if copied.size == 0:
            raise AttachmentRefused(f"文件是空的：{name}")
        if kind.magic and not copied.head.startswith(kind.magic):
            raise AttachmentRefused(f"文件内容与扩展名不符（{name}），请确认文件未损坏")
        keep_by_content(copied, folder)
    finally:
        copied.path.unlink(missing_ok=True)
    return copied.sha256, copied.size
