"""Reporters' photos: re-encoded so that no EXIF (GPS, camera) survives, upright, in their own
format; anything else refused with a message in Chinese."""

from __future__ import annotations

import io

import pytest
from PIL import Image, PngImagePlugin

from sunlight.reports.photos import (
    MAX_BYTES,
    PhotoRefused,
    PhotoTooLarge,
    cleaned,
    read_limited,
    store,
)
from sunlight.stored_files import content_path
from tests.web.report_support import GPS, photo_with_gps


def test_a_photo_with_gps_exif_comes_out_without_it() -> None:
    original = photo_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825) == GPS
    clean = cleaned(original, 1)
    again = Image.open(io.BytesIO(clean.data))
    assert again.format == "JPEG" and clean.content_type == "image/jpeg"
    assert not again.getexif() and not again.getexif().get_ifd(0x8825)
    assert b"Exif" not in clean.data and b"PhoneMaker" not in clean.data
    assert "exif" not in again.info


def test_the_orientation_is_applied_before_the_exif_goes() -> None:
    clean = cleaned(photo_with_gps((40, 20), orientation=6), 1)
    assert (clean.width, clean.height) == (20, 40)


def test_a_png_keeps_its_format_and_loses_its_text_chunks() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Location", "34.2N 106.2E")
    out = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 255, 128)).save(out, "PNG", pnginfo=info)
    clean = cleaned(out.getvalue(), 2)
    assert clean.content_type == "image/png" and b"Location" not in clean.data
    assert Image.open(io.BytesIO(clean.data)).mode == "RGBA"


def test_big_photos_are_scaled_down() -> None:
    out = io.BytesIO()
    Image.new("RGB", (5000, 100)).save(out, "JPEG")
    assert cleaned(out.getvalue(), 1).width == 2560


@pytest.mark.parametrize("data", [b"%PDF-1.4", b"\xff\xd8\xff broken jpeg", b"GIF89a..."])
def test_anything_but_jpeg_or_png_is_refused(data: bytes) -> None:
    with pytest.raises(PhotoRefused, match="第 3 张照片不是 JPEG 或 PNG 图片"):
        cleaned(data, 3)


def test_a_gif_is_refused_even_when_valid() -> None:
    out = io.BytesIO()
    Image.new("P", (4, 4)).save(out, "GIF")
    with pytest.raises(PhotoRefused):
        cleaned(out.getvalue(), 1)


def test_size_is_checked_while_reading() -> None:
    with pytest.raises(PhotoTooLarge, match="第 2 张照片超过 5 MB"):
        read_limited(io.BytesIO(b"0" * (MAX_BYTES + 1)), 2)
    with pytest.raises(PhotoRefused, match="空文件"):
        read_limited(io.BytesIO(b""), 1)
    assert len(read_limited(io.BytesIO(b"0" * MAX_BYTES), 1)) == MAX_BYTES


def test_photos_are_stored_by_hash_once(tmp_path) -> None:
    clean = cleaned(photo_with_gps(), 1)
    assert store(clean, tmp_path) == store(clean, tmp_path) == clean.sha256
    assert content_path(tmp_path, clean.sha256).read_bytes() == clean.data
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [clean.sha256]
