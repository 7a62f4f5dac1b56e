"""A reporter's photos: checked, re-encoded by Pillow (so EXIF, GPS and any other metadata
are gone), stored by the hash of the clean file under SUNLIGHT_HOME, never by the sender's
file name.

Re-encoding decodes the pixels and writes a fresh file: whatever the original carried besides
the picture (camera, time, location, comments) is not copied. The EXIF orientation is applied
to the pixels first so that the photo still stands the right way up.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from PIL import Image, ImageOps, UnidentifiedImageError

from sunlight.stored_files import write_by_content

MAX_BYTES = 5 * 1024 * 1024
MAX_PHOTOS = 3
MAX_PIXELS = 40_000_000
"""Larger pictures are refused before decoding (a small file can decode to gigabytes)."""
LONGEST_SIDE = 2560
"""Bigger photos are scaled down: staff read them on a screen."""
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png"}


class PhotoRefused(Exception):
    """The photo cannot be taken; the message says why, for the reporter."""


class PhotoTooLarge(PhotoRefused):
    """Over MAX_BYTES."""


@dataclass(frozen=True)
class CleanPhoto:
    data: bytes
    content_type: str
    width: int
    height: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def read_limited(stream: BinaryIO, number: int) -> bytes:
    """The upload's bytes, refusing it once it passes MAX_BYTES (the rest is not read)."""
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise PhotoTooLarge(f"第 {number} 张照片超过 {MAX_BYTES // (1024 * 1024)} MB，"
                            "请压缩后重新选择。")
    if not data:
        raise PhotoRefused(f"第 {number} 张照片是空文件，请重新选择。")
    return data


def cleaned(data: bytes, number: int) -> CleanPhoto:
    """The photo re-encoded in its own format (JPEG or PNG) without any metadata."""
    refused = PhotoRefused(f"第 {number} 张照片不是 JPEG 或 PNG 图片，请重新选择。")
    try:
        with Image.open(io.BytesIO(data)) as original:
            kind = original.format or ""
            if kind not in FORMATS:
                raise refused
            if original.width * original.height > MAX_PIXELS:
                raise PhotoRefused(f"第 {number} 张照片像素过多，请缩小后重新选择。")
            upright = ImageOps.exif_transpose(original) or original
            upright.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
            picture = _plain(upright, kind)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError):
        raise refused from None
    out = io.BytesIO()
    if kind == "JPEG":
        picture.save(out, "JPEG", quality=85, optimize=True)
    else:
        picture.save(out, "PNG", optimize=True)
    return CleanPhoto(out.getvalue(), FORMATS[kind], picture.width, picture.height)


def _plain(picture: Image.Image, kind: str) -> Image.Image:
    """A copy holding pixels only: a mode the format takes, and no info carried along."""
    if kind == "JPEG":
        mode = "L" if picture.mode in ("L", "1") else "RGB"
    else:
        mode = picture.mode if picture.mode in ("1", "L", "LA", "RGB", "RGBA", "P") else "RGBA"
    plain = picture.convert(mode)
    plain.info = {}
    return plain


def store(photo: CleanPhoto, folder: Path) -> str:
    """Write the clean photo under its hash (atomically); returns the hash."""
    return write_by_content(photo.data, folder)
