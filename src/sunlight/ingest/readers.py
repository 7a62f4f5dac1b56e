"""Readers: a department file (xlsx/xls/ods or csv) as a table of cell texts with row numbers.

Every cell becomes text exactly as a person would read it in the sheet, so that one set of SQL
normalisers serves every format. `source_row` is the row number as a person counts it.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from python_calamine import CalamineError, CalamineWorkbook

from sunlight.collector import no_cyclic_gc
from sunlight.ingest.bounds import (
    ZIP_SUFFIXES,
    ReadLimits,
    check_dimensions,
    check_unpacked_size,
    default_limits,
    out_of_memory,
    too_wide,
)
from sunlight.ingest.errors import UnusableFile
from sunlight.ingest.file_kinds import (
    Kind,
    csv_holding_a_workbook,
    kind_of,
    not_a_spreadsheet,
    unreadable_workbook,
    wrong_content,
)
from sunlight.ingest.other_sheets import other_sheets_with_cells

SPREADSHEET_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"})
CSV_SUFFIXES = frozenset({".csv"})
SUPPORTED_SUFFIXES = SPREADSHEET_SUFFIXES | CSV_SUFFIXES
# Cell texts are dictionary-encoded: a column repeats a few texts (programs, villages, periods)
# many times, and everything downstream works per distinct text.
CELL_TEXT = pa.dictionary(pa.int32(), pa.string())
# Below this a whole number is written without a decimal point (302010001.0 → 302010001);
# above it, in exponent form: an 18-digit ID stored as a number has lost its last digits.
# Values handed to Arrow carry their type: from a bare Python value, pyarrow tries to import
# pandas and dateutil on every call, which costs more than the conversion when they are absent.
_WHOLE_NUMBER_LIMIT = pa.scalar(1e15, pa.float64())
_NOUGHT = pa.scalar(0.0, pa.float64())


@dataclass(frozen=True)
class RawSheet:
    """The cells of one delivered sheet.

    Columns c0..cN-1 hold cell texts (dictionary-encoded, never null); `source_row` the row
    number as a person counts it; `field_count` how many cells the row had (a CSV row of
    another width is misshapen), and `row_text` the line as delivered for such a row.
    """

    table: pa.Table
    sheet: str  # sheet name; empty for CSV
    encoding: str  # for CSV: utf-8, utf-8-sig or gb18030; for spreadsheets: the format
    other_sheets: tuple[str, ...] = ()  # later sheets holding cells: not read (contract §1)

    @property
    def width(self) -> int:
        return int(self.table.num_columns) - 3


def read_sheet(path: Path, limits: ReadLimits | None = None) -> RawSheet:
    """Read a delivered file; raise UnusableFile when it cannot be read at all or is too big.

    The limits are by default the settings' defaults. A spreadsheet is best read in a process
    capped by `bounds.cap_memory`: what its cells need is only known once calamine has built
    them.
    """
    limits = limits or default_limits()
    suffix = path.suffix.lower()
    if suffix in SPREADSHEET_SUFFIXES:
        return _read_spreadsheet(path, limits)
    if suffix in CSV_SUFFIXES:
        return _read_csv(path, limits)
    raise UnusableFile(f"unsupported file type {suffix!r}: expected .xlsx or .csv",
                       f"不支持的文件类型“{suffix or '无扩展名'}”：只接受 Excel（.xlsx、.xls）"
                       "或 CSV（.csv）文件")


# Spreadsheets ---------------------------------------------------------------------------------


def _float_texts(numbers: pa.Array) -> pa.Array:
    """Whole numbers below the limit without a decimal point, others as Python writes them."""
    whole = pc.and_(pc.equal(pc.floor(numbers), numbers),
                    pc.less(pc.abs(numbers), _WHOLE_NUMBER_LIMIT))
    as_integers = pc.cast(pc.cast(pc.if_else(whole, numbers, _NOUGHT), pa.int64()), pa.string())
    return pc.if_else(whole, as_integers, pc.cast(numbers, pa.string()))


def _datetime_texts(stamps: pa.Array) -> pa.Array:
    """A date-time at midnight (how Excel stores a date) as its date, others to the second."""
    seconds = pc.cast(stamps, pa.timestamp("s"), safe=False)
    days = pc.cast(seconds, pa.date32())
    midnight = pc.equal(pc.cast(days, pa.timestamp("s")), seconds)
    return pc.if_else(midnight, pc.cast(days, pa.string()), pc.cast(seconds, pa.string()))


# Cells of these types are converted a whole column at a time by Arrow, from this Arrow type.
_VECTOR_TEXT: dict[type, tuple[pa.DataType, Callable[[pa.Array], pa.Array]]] = {
    float: (pa.float64(), _float_texts),
    int: (pa.int64(), lambda numbers: pc.cast(numbers, pa.string())),
    dt.date: (pa.date32(), lambda days: pc.cast(days, pa.string())),
    dt.datetime: (pa.timestamp("us"), _datetime_texts),
}
# The rare rest, one cell at a time.
_SCALAR_TEXT: dict[type, Callable[[Any], str]] = {
    bool: lambda value: "TRUE" if value else "FALSE",
    dt.time: dt.time.isoformat,
    type(None): lambda _: "",
}


def _texts(cell_type: type, values: np.ndarray) -> np.ndarray:
    """Cells of one type as the text a person sees in the sheet."""
    vector = _VECTOR_TEXT.get(cell_type)
    if vector is not None:
        arrow_type, to_text = vector
        texts = to_text(pa.array(values.tolist(), type=arrow_type))
        return np.asarray(texts.to_numpy(zero_copy_only=False), dtype=object)
    scalar = _SCALAR_TEXT.get(cell_type, str)
    return np.array([scalar(v) for v in values], dtype=object)


def cell_text(value: object) -> str:
    """One spreadsheet cell as text, exactly as its whole column would be converted."""
    return str(_texts(type(value), np.array([value], dtype=object))[0])


def _column_array(cells: tuple[object, ...]) -> pa.Array:
    """A column of cells as a string array, converted per cell type, not per cell."""
    try:
        return pa.array(cells, type=pa.string())  # the usual case: every cell is text
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        pass
    count = len(cells)
    values = np.fromiter(cells, dtype=object, count=count)
    # Types compared by identity as integers: numpy handles those far faster than classes.
    kind_of_cell = np.fromiter(map(id, map(type, cells)), dtype=np.int64, count=count)
    for cell_type in set(map(type, cells)) - {str}:
        where = np.flatnonzero(kind_of_cell == id(cell_type))
        values[where] = _texts(cell_type, values[where])
    return pa.array(values, type=pa.string())


def _read_spreadsheet(path: Path, limits: ReadLimits) -> RawSheet:
    refusal = wrong_content(kind_of(path), path.suffix.lower())
    if refusal is not None:  # calamine would say so in its own words, by the name alone
        raise refusal
    if path.suffix.lower() in ZIP_SUFFIXES:
        check_unpacked_size(path, limits)
    try:
        with no_cyclic_gc():
            return _read_first_sheet(path, limits)
    except MemoryError as exc:  # Python's share of the cells; calamine's kills the process
        raise out_of_memory(limits) from exc


def _read_first_sheet(path: Path, limits: ReadLimits) -> RawSheet:
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        if not workbook.sheet_names:
            raise UnusableFile("the workbook has no sheet", "工作簿中没有工作表")
        sheet = workbook.get_sheet_by_index(0)
        if sheet.end is not None:  # rows are read from A1: the sheet spans to its last cell
            check_dimensions(sheet.end[0] + 1, sheet.end[1] + 1, limits)
        rows = sheet.to_python(skip_empty_area=False)
        others = other_sheets_with_cells(path, workbook)
    except (CalamineError, ValueError, OSError) as exc:
        raise unreadable_workbook(str(exc)) from exc
    lengths = set(map(len, rows))
    width = max(lengths, default=0)
    if not rows or width == 0:
        raise UnusableFile("the first sheet is empty",
                           "第一个工作表是空的（只读取第一个工作表：请把数据放在第一个工作表）")
    if len(lengths) > 1:
        rows = [list(r) + [""] * (width - len(r)) for r in rows]
    columns = list(zip(*rows, strict=True))
    del rows
    arrays: list[pa.Array] = [pc.dictionary_encode(_column_array(col)) for col in columns]
    height = len(columns[0])
    arrays.append(pa.array(np.arange(1, height + 1, dtype=np.int32)))
    arrays.append(pa.array(np.full(height, width, dtype=np.int32)))
    arrays.append(pa.nulls(height, pa.string()))
    names = [*(f"c{i}" for i in range(width)), "source_row", "field_count", "row_text"]
    return RawSheet(pa.Table.from_arrays(arrays, names=names), sheet.name,
                    path.suffix.lower()[1:], others)


# CSV -----------------------------------------------------------------------------------------


_HEAD_BYTES = 64 * 1024  # what the encoding and the width are told from


def _csv_width(head: str) -> int:
    """The field count most of the first records have: the header's and the data's.

    Not the largest: a data row with an unquoted comma must stand out as too wide.
    """
    lines = head.splitlines()[:-1] or head.splitlines()
    counts = Counter(len(r) for r in csv.reader(io.StringIO("\n".join(lines[:50]))) if r)
    if not counts:
        return 0
    most = max(counts.values())
    return max(width for width, seen in counts.items() if seen == most)


def _read_csv(path: Path, limits: ReadLimits) -> RawSheet:
    """Parse a CSV file as it streams from disk: memory grows with its cells, not its bytes."""
    refusal = csv_holding_a_workbook(kind_of(path))
    if refusal is not None:
        raise refusal
    with path.open("rb") as handle:
        head = handle.read(_HEAD_BYTES)
    if head.startswith(b"\xef\xbb\xbf"):
        return _parse_csv(path, head[3:].decode("utf-8", "ignore"), "utf-8-sig", limits)
    if _starts_as_utf8(head):
        try:
            # pyarrow checks that the text is UTF-8 as it parses: no separate pass to find out.
            return _parse_csv(path, head.decode("utf-8", "ignore"), "utf-8", limits)
        except _NotUtf8:
            pass
    try:
        return _parse_csv(path, head.decode("gb18030", "ignore"), "gb18030", limits)
    except UnicodeDecodeError as exc:
        offset = _undecodable_at(path)
        raise UnusableFile(
            f"text is neither UTF-8 nor GB18030/GBK (undecodable byte at offset {offset})",
            f"文件的文字编码无法识别（既不是 UTF-8，也不是 GB18030/GBK；第 {offset + 1:,} 个字节"
            "处无法解码）。请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后重新上传") from exc


def _undecodable_at(path: Path) -> int:
    """Where in the file GB18030 first fails (the transcoding stream only knows its block)."""
    decoder = codecs.getincrementaldecoder("gb18030")()
    offset = 0
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                return offset + exc.start - len(decoder.getstate()[0])
            offset += len(block)
    return offset


def _starts_as_utf8(head: bytes) -> bool:
    """Whether the first 64 KiB are UTF-8 (a character cut at the end does not count against
    it). A GB18030 file shows itself in its first lines, so it is not parsed whole as UTF-8
    only to fail."""
    try:
        codecs.utf_8_decode(head, "strict", False)
    except UnicodeDecodeError:
        return False
    return True


class _NotUtf8(Exception):
    pass


def _csv_stream(path: Path, encoding: str) -> pa.NativeFile:
    """The file's text as UTF-8, read as it is parsed (a byte-order mark Arrow skips)."""
    stream = pa.OSFile(str(path))
    if encoding == "gb18030":
        return pa.transcoding_input_stream(stream, "gb18030", "utf-8")
    return stream


def _parse_csv(path: Path, head: str, encoding: str, limits: ReadLimits) -> RawSheet:
    width = _csv_width(head)
    if width == 0:
        raise UnusableFile("the file is empty", not_a_spreadsheet(Kind.EMPTY, ".csv"))
    if width > limits.max_columns:  # before a column of cells is made for each
        raise too_wide(width, limits)
    names = [f"c{i}" for i in range(width)]
    misshapen: list[tuple[int, str]] = []

    def keep_aside(row: pacsv.InvalidRow) -> str:
        misshapen.append((row.number, row.text))
        return "skip"

    try:
        with _csv_stream(path, encoding) as stream:
            table = pacsv.read_csv(
                stream,
                # A record longer than a block is refused: so is a line of hostile length.
                read_options=pacsv.ReadOptions(column_names=names, use_threads=False,
                                               block_size=16 << 20),
                parse_options=pacsv.ParseOptions(ignore_empty_lines=False,
                                                 newlines_in_values=True,
                                                 invalid_row_handler=keep_aside),
                convert_options=pacsv.ConvertOptions(
                    column_types=dict.fromkeys(names, CELL_TEXT),
                    strings_can_be_null=False, quoted_strings_can_be_null=False),
            )
    except pa.ArrowInvalid as exc:
        if "UTF8" in str(exc) and encoding == "utf-8":
            raise _NotUtf8 from exc
        raise UnusableFile(
            f"not a readable CSV file ({exc})",
            "CSV 文件无法解析：可能有未闭合的引号，或某一行过长。请用 Excel 打开后"
            "另存为“CSV UTF-8（逗号分隔）”再上传") from exc
    if encoding == "utf-8" and misshapen and not _valid_utf8(misshapen):
        raise _NotUtf8
    return RawSheet(_number_rows(table, misshapen, width), "", encoding)


def _valid_utf8(rows: list[tuple[int, str]]) -> bool:
    # Rows set aside never reach pyarrow's UTF-8 check: look at them here.
    return all("\ufffd" not in text for _, text in rows)


def _number_rows(table: pa.Table, misshapen: list[tuple[int, str]], width: int) -> pa.Table:
    """Attach row numbers and field counts; rows set aside rejoin at their place.

    A record set aside that spans several lines is a stray quote that swallowed the lines
    after it: each line comes back as a row of its own (with its own number), so that no
    row disappears inside another.
    """
    records = table.num_rows + len(misshapen)
    lines_of = {number: _lines(text) for number, text in misshapen}
    extra = np.zeros(records + 1, dtype=np.int64)
    for number, lines in lines_of.items():
        extra[number] = len(lines) - 1
    shift = np.cumsum(extra)  # lines swallowed before each record
    keep = np.ones(records, dtype=bool)
    keep[[number - 1 for number in lines_of]] = False
    record = np.flatnonzero(keep) + 1
    numbers = (record + shift[record - 1]).astype(np.int32)
    table = table.append_column("source_row", pa.array(numbers))
    table = table.append_column("field_count", pa.array(np.full(len(numbers), width, np.int32)))
    table = table.append_column("row_text", pa.nulls(len(numbers), pa.string()))
    if not misshapen:
        return table
    rows = []
    for number, lines in lines_of.items():
        first = number + int(shift[number - 1])
        for offset, line in enumerate(lines):
            fields, count = _fields(line, width)
            # Shorter rows are padded and longer ones cut, but both keep their field count
            # and text, so the row is reported rather than silently realigned.
            cells = [*fields, *[""] * (width - len(fields))]
            rows.append(dict(zip(table.column_names,
                                 [*cells, first + offset, count, line], strict=True)))
    extra_rows = pa.Table.from_pylist(rows, schema=table.schema)
    return pa.concat_tables([table, extra_rows]).sort_by("source_row")


_LONG_LINE = 1 << 20


def _fields(line: str, width: int) -> tuple[list[str], int]:
    """A misshapen line's first `width` fields, and how many it has.

    A line of a MB or more is not split whole (a hostile one holds millions of fields): its
    commas are counted, quotes or not, and so are they where a field is longer than `csv`
    takes.
    """
    if len(line) < _LONG_LINE:
        try:
            fields = next(csv.reader(io.StringIO(line)), [])
            return fields[:width], len(fields)
        except csv.Error:
            pass
    return line.split(",", width)[:width], line.count(",") + 1


def _lines(text: str) -> list[str]:
    lines = text.split("\n")
    return [line.rstrip("\r") for line in lines] if len(lines) > 1 else [text]
