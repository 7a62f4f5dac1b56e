"""How big a delivered file may be once read, and the checks that hold it to that.

A spreadsheet is a zip (xlsx, xlsm, xlsb, ods) whose few MB can unpack to GBs of XML, and
calamine builds every cell of a sheet before the first row can be looked at: a bomb is
refused by what its zip actually inflates to, counted as it streams, before calamine opens
it. What no check can see beforehand (an .xls, a sheet whose cells spread over a huge empty
area) is read in a process whose memory is capped (`cap_memory`), so that only that process
dies.
"""

from __future__ import annotations

import functools
import re
import resource
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from sunlight.ingest.errors import UnusableFile
from sunlight.ingest.file_kinds import damaged
from sunlight.process_memory import address_space

if TYPE_CHECKING:  # pydantic is no import for reader processes, which are given their limits
    from sunlight.settings import Settings

# What Excel itself allows in a sheet.
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
ZIP_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xlsb", ".ods"})
_MB = 1 << 20
_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature ... name length, extra length
_LOCAL_SIGNATURE = b"PK\x03\x04"
_STORED, _DEFLATED = zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED


@dataclass(frozen=True)
class ReadLimits:
    """The bounds a file is read within (see the settings of the same names)."""

    max_columns: int
    sheet_max_unpacked_mb: int
    reader_memory_mb: int

    @classmethod
    def of(cls, settings: Settings) -> ReadLimits:
        return cls(settings.ingest_max_columns, settings.ingest_sheet_max_unpacked_mb,
                   settings.ingest_reader_memory_mb)


# The settings' defaults, whatever the environment says. Written out rather than read from
# Settings: reader processes do not import pydantic; a test holds the two equal.
DEFAULT_LIMITS = ReadLimits(max_columns=1_000, sheet_max_unpacked_mb=1_024,
                            reader_memory_mb=2_048)


def default_limits() -> ReadLimits:
    """The limits a file is read within when the caller names none: the settings' defaults."""
    return DEFAULT_LIMITS


def too_wide(width: int, limits: ReadLimits, *, cell: bool = False) -> UnusableFile:
    """The refusal of a sheet or CSV file with more columns than allowed (or, with `cell`,
    a cell in a column beyond them)."""
    has = f"a cell in column {width:,}" if cell else f"{width:,} columns"
    has_zh = f"第 {width:,} 列有单元格" if cell else f"文件有 {width:,} 列"
    return UnusableFile(
        f"the file has {has}, more than the {limits.max_columns:,} columns allowed "
        "(setting SUNLIGHT_INGEST_MAX_COLUMNS)",
        chinese=f"{has_zh}，超过允许的 {limits.max_columns:,} 列")


def check_dimensions(height: int, width: int, limits: ReadLimits) -> None:
    """Refuse a sheet taller than Excel allows or wider than the limit."""
    if height > EXCEL_MAX_ROWS:
        raise UnusableFile(
            f"the sheet has {height:,} rows, more than Excel allows ({EXCEL_MAX_ROWS:,})",
            chinese=f"表格有 {height:,} 行，超过 Excel 允许的 {EXCEL_MAX_ROWS:,} 行")
    if width > min(limits.max_columns, EXCEL_MAX_COLUMNS):
        raise too_wide(width, limits)


def out_of_memory(limits: ReadLimits) -> UnusableFile:
    """The refusal of a spreadsheet whose cells need more memory than a reader may take."""
    return UnusableFile(
        f"reading the spreadsheet needs more than the {limits.reader_memory_mb:,} MB of memory "
        "a reader may use (setting SUNLIGHT_INGEST_READER_MEMORY_MB): its cells spread over "
        "too large an area. Save the data alone in a new workbook, or as CSV",
        chinese=f"读取该表格所需内存超过允许的 {limits.reader_memory_mb:,} MB（单元格分布的"
                "范围过大）。请把数据另存到一个新的工作簿，或另存为 CSV 文件")


def check_unpacked_size(path: Path, limits: ReadLimits) -> None:
    """Refuse a zipped spreadsheet that inflates to more than the limit, or whose xlsx sheet
    has a cell beyond Excel's rows or the column limit.

    The sizes a zip declares are not trusted (a bomb lies in its local headers and its
    central directory alike): every entry is inflated from where its data starts until its
    deflate stream ends, counting the bytes, and stops as soon as the count passes the limit.
    """
    cap = limits.sheet_max_unpacked_mb * _MB
    try:
        with zipfile.ZipFile(path) as archive, path.open("rb") as handle:
            total = 0
            for entry in archive.infolist():
                scan = (_FarCells(limits) if entry.filename.startswith("xl/worksheets/")
                        and entry.filename.endswith(".xml") else None)
                total += _inflated_size(handle, entry, cap - total, scan)
    except (zipfile.BadZipFile, zlib.error, struct.error, OSError) as exc:
        raise damaged(f"damaged zip: {exc}") from exc
    except _TooBig as exc:
        raise UnusableFile(
            f"the spreadsheet unpacks to more than {limits.sheet_max_unpacked_mb:,} MB "
            f"(setting SUNLIGHT_INGEST_SHEET_MAX_UNPACKED_MB; {exc} grows past it). Split it into "
            "smaller files or save it as CSV",
            chinese=f"该表格解压后超过 {limits.sheet_max_unpacked_mb:,} MB，文件过大或已损坏。"
                    "请拆分成较小的文件，或另存为 CSV 文件") from exc


class _TooBig(Exception):
    """An entry inflated past what was left of the limit."""


class _FarCells:
    """Refuses, as its XML inflates, an xlsx sheet with a cell beyond the allowed area.

    Only references long enough to be out of bounds are looked at (a column of as many
    letters as the limit's, a row of seven digits): a sheet of usual width has none, so the
    search costs about as much as the inflating.
    """

    _OVERLAP = 64  # a reference cut between two pieces is found in the next

    def __init__(self, limits: ReadLimits) -> None:
        self._limits = limits
        self._widest = min(limits.max_columns, EXCEL_MAX_COLUMNS)
        self._pattern = _far_reference(len(_column_letters(self._widest)))
        self._tail = b""

    def __call__(self, piece: bytes) -> None:
        text = self._tail + piece
        self._tail = text[-self._OVERLAP:]
        for found in self._pattern.finditer(text):
            if not _in_cell_tag(text, found.start()):
                continue  # text in a cell that reads like a reference
            letters, row, far_row = found.groups()
            if letters and _column_number(letters) > self._widest:
                raise too_wide(_column_number(letters), self._limits, cell=True)
            check_dimensions(int(row or far_row or 0), 0, self._limits)


def _in_cell_tag(text: bytes, at: int) -> bool:
    """Whether `at` is inside a <c ...> or <row ...> tag (or where that is cut off)."""
    opening, closing = text.rfind(b"<", 0, at), text.rfind(b">", 0, at)
    return opening == -1 or (opening > closing
                             and _CELL_OR_ROW_TAG.match(text, opening + 1) is not None)


_CELL_OR_ROW_TAG = re.compile(rb"(?:c|row)\s")


@functools.cache
def _far_reference(letters: int) -> re.Pattern[bytes]:
    """A reference with at least this many column letters, or a row of seven digits."""
    # XML allows either quote and spaces around "=": calamine reads them all.
    return re.compile(rb'\sr\s*=\s*["\'](?:([A-Z]{%d,})(\d*)|[A-Z]*(\d{7,}))' % letters)


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - ord("A") + 1
    return number


def _inflated_size(handle: BinaryIO, entry: zipfile.ZipInfo, left: int,
                   scan: Callable[[bytes], None] | None) -> int:
    """What one entry really inflates to, at most `left` bytes (beyond: _TooBig); `scan`
    sees each piece as it comes."""
    handle.seek(entry.header_offset)
    signature, name_length, extra_length = _LOCAL_HEADER.unpack(handle.read(30))
    if signature != _LOCAL_SIGNATURE:
        raise zipfile.BadZipFile(f"no entry where {entry.filename} should start")
    handle.seek(name_length + extra_length, 1)
    if entry.compress_type == _STORED:
        # Stored bytes are no more than the file holds after them, whatever the headers say.
        start = handle.tell()
        size = min(max(entry.compress_size, entry.file_size), handle.seek(0, 2) - start)
        if size > left:
            raise _TooBig(entry.filename)
        handle.seek(start)
        while scan is not None and (piece := handle.read(min(_MB, start + size - handle.tell()))):
            scan(piece)
        return size
    if entry.compress_type != _DEFLATED:
        raise zipfile.BadZipFile(f"{entry.filename} is compressed with method "
                                 f"{entry.compress_type}, which spreadsheets do not use")
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    size = 0
    while not inflater.eof:
        pending = handle.read(64 << 10)
        if not pending:
            break  # cut short: calamine will say so
        while pending and not inflater.eof:
            # At most a MB out per call, so a bomb's output never piles up in memory.
            piece = inflater.decompress(pending, _MB)
            size += len(piece)
            if size > left:
                raise _TooBig(entry.filename)
            if scan is not None:
                scan(piece)
            pending = inflater.unconsumed_tail
    return size


def cap_memory(megabytes: int) -> None:
    """Cap this process's address space at what it holds now plus `megabytes`: an
    allocation beyond it fails, and the process dies or raises MemoryError.

    What it holds now counts as already spent: with spawn, a process has imported what its
    parent's main module imports before it gets here, pyarrow's allocator reserving 1 GiB of
    address space on the way. Run first thing in a process that reads spreadsheets, never in
    the parent.
    """
    limit = address_space() + megabytes * _MB
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    # Never looser than a cap the process was started with (a worker's, a test's).
    limit = min([limit, *(cap for cap in (soft, hard) if cap != resource.RLIM_INFINITY)])
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
