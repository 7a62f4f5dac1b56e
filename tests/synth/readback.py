"""An independent reader of a generated delivery, for tests: it knows the contract, not the
generator. It reads every file back, classifies each row as data, unreadable or non-data,
and normalises values the way the contract says they must be understood."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import python_calamine

from sunlight.contract.catalog import Catalog, load_catalog
from sunlight.contract.datasets import DATASETS, Dataset
from sunlight.text import squeeze, to_half_width

_UNIT = re.compile(r"\([^()]*\)$")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


class Unreadable(ValueError):
    """A value the contract says cannot be read; the message starts with the reason code."""


def check_char(body: str) -> str:
    return "10X98765432"[sum(int(c) * w for c, w in zip(body, _WEIGHTS, strict=True)) % 11]


def read_cells(path: Path) -> tuple[str, list[list[Any]]]:
    """(sheet name, rows of cells) of the first sheet, or of a CSV in whichever encoding."""
    if path.suffix == ".xlsx":
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        name = workbook.sheet_names[0]
        return name, workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        text = raw[3:].decode("utf-8")
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("gb18030")
    return "", list(csv.reader(io.StringIO(text, newline="")))


def encoding_of(path: Path) -> str:
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"


def header_key(text: str) -> str:
    key = squeeze(text)
    return _UNIT.sub("", key) or key


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float):
        return repr(cell)
    return str(cell)


# -- normalisers ---------------------------------------------------------------------------


def norm_id(cell: Any) -> str:
    if isinstance(cell, float):
        raise Unreadable("bad_id")
    text = squeeze(_text(cell)).lstrip("'").upper()
    if len(text) == 15 and text.isdigit():
        body = text[:6] + "19" + text[6:]
        return body + check_char(body)
    if len(text) != 18 or not text[:17].isdigit() or not (text[17].isdigit() or text[17] == "X"):
        raise Unreadable("bad_id")
    return text


def norm_date(cell: Any) -> date:
    if isinstance(cell, date):
        return cell
    text = squeeze(_text(cell))
    match = (re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", text)
             or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
             or re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日", text))
    if not match:
        raise Unreadable("bad_date")
    try:
        return date(*(int(g) for g in match.groups()))
    except ValueError:
        raise Unreadable("bad_date") from None


def norm_datetime(cell: Any) -> datetime:
    """`2024-02-10 21:35`, `2024/2/10 21:35:00`, `2024年2月10日 21:35` or a date-time cell."""
    if isinstance(cell, datetime):
        return cell
    text = " ".join(_text(cell).split())  # squeezing would join the date to the hour
    match = re.fullmatch(r"(\d{4})(?:[-/.](\d{1,2})[-/.](\d{1,2})|年(\d{1,2})月(\d{1,2})日)"
                         r" ?(\d{1,2}):(\d{2})(?::(\d{2}))?", text)
    if not match:
        raise Unreadable("bad_datetime")
    year, month, day, cn_month, cn_day, hour, minute, second = match.groups()
    try:
        return datetime(int(year), int(month or cn_month), int(day or cn_day), int(hour),
                        int(minute), int(second or 0))
    except ValueError:
        raise Unreadable("bad_datetime") from None


def norm_month(cell: Any) -> int:
    """Month as year * 12 + month - 1."""
    if isinstance(cell, date):
        return cell.year * 12 + cell.month - 1
    text = squeeze(_text(cell))
    match = (re.fullmatch(r"(\d{4})[-/.](\d{1,2})(?:[-/.]\d{1,2})?", text)
             or re.fullmatch(r"(\d{4})(\d{2})", text)
             or re.fullmatch(r"(\d{4})年(\d{1,2})月", text))
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise Unreadable("bad_month")
    return int(match.group(1)) * 12 + int(match.group(2)) - 1


def norm_period(cell: Any) -> tuple[str, int]:
    """("year", 2024) or ("month", month number)."""
    if isinstance(cell, float) and cell.is_integer() and 1990 < cell < 2100:
        return "year", int(cell)
    text = squeeze(_text(cell))
    if re.fullmatch(r"\d{4}", text):
        return "year", int(text)
    return "month", norm_month(cell)


def norm_amount(cell: Any) -> int:
    """Fen."""
    if isinstance(cell, float):
        return round(cell * 100)
    text = to_half_width(squeeze(_text(cell))).replace(",", "").removesuffix("元")
    try:
        return int((Decimal(text) * 100).to_integral_value())
    except InvalidOperation:
        raise Unreadable("bad_amount") from None


def norm_area(cell: Any) -> int:
    if isinstance(cell, float):
        return round(cell * 100)
    text = squeeze(_text(cell)).removesuffix("亩")
    return int((Decimal(text) * 100).to_integral_value())


def norm_credit_code(cell: Any) -> str:
    """Cleaned as IDs are (spaces, width, case); 18 characters or unreadable."""
    text = to_half_width(squeeze(_text(cell))).replace(" ", "").lstrip("'").upper()
    if len(text) != 18:
        raise Unreadable("bad_credit_code")
    return text


def norm_headcount(cell: Any) -> int:
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    text = to_half_width(squeeze(_text(cell))).removesuffix("人").replace(",", "")
    if not text.isdigit():
        raise Unreadable("bad_headcount")
    return int(text)


def norm_level(cell: Any) -> int:
    if isinstance(cell, float):
        return int(cell)
    text = squeeze(_text(cell)).removesuffix("级")
    return "一二三四".index(text) + 1 if text in "一二三四" else int(text)


@dataclass
class Delivery:
    root: Path
    catalog: Catalog = field(default_factory=load_catalog)
    data: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    unreadable: list[tuple[str, str, str, int, str]] = field(default_factory=list)
    """(dataset, file, sheet, row, reason code)."""
    non_data: list[tuple[str, str, str, int, str]] = field(default_factory=list)

    def read(self) -> Delivery:
        for folder in sorted(p for p in (self.root / "delivery").iterdir() if p.is_dir()):
            dataset = DATASETS[folder.name]
            self.data.setdefault(dataset.code, [])
            for path in sorted(folder.iterdir()):
                self._read_file(dataset, path)
        return self

    def _normalisers(self) -> dict[str, Callable[[Any], Any]]:
        def program(cell: Any) -> str:
            code = self.catalog.resolve(_text(cell))
            if code is None:
                raise Unreadable("unknown_program")
            return code

        return {"id": norm_id, "date": norm_date, "datetime": norm_datetime,
                "month": norm_month, "period": norm_period,
                "amount": norm_amount, "area": norm_area, "level": norm_level,
                "credit_code": norm_credit_code, "headcount": norm_headcount,
                "program": program, "year": lambda c: int(float(_text(c)))}

    def _read_file(self, dataset: Dataset, path: Path) -> None:
        sheet, rows = read_cells(path)
        synonyms = {header_key(s): c for c in dataset.columns for s in c.synonyms}
        header_index = next(i for i, row in enumerate(rows[:5])
                            if sum(header_key(_text(c)) in synonyms for c in row) >= 2)
        columns = [synonyms.get(header_key(_text(c))) for c in rows[header_index]]
        for index in range(header_index):
            self.non_data.append((dataset.code, path.name, sheet, index + 1, "title"))
        self.non_data.append((dataset.code, path.name, sheet, header_index + 1, "header"))
        normalisers = self._normalisers()
        for index, row in enumerate(rows[header_index + 1:], start=header_index + 2):
            texts = [_text(c).strip() for c in row]
            filled = [t for t in texts if t]
            where = (dataset.code, path.name, sheet, index)
            if not filled:
                self.non_data.append((*where, "blank"))
                continue
            if filled[0] in ("合计", "总计"):
                self.non_data.append((*where, "total"))
                continue
            record: dict[str, Any] = {"_file": path.name, "_row": index}
            try:
                for column, cell in zip(columns, row, strict=False):
                    if column is None:
                        continue
                    if _text(cell).strip() == "":
                        if column.required:
                            raise Unreadable("missing_required")
                        record[column.name] = None
                        continue
                    normalise = normalisers.get(column.kind)
                    record[column.name] = normalise(cell) if normalise else _text(cell).strip()
                    if column.kind == "name":
                        record["_name_as_written"] = _text(cell)
            except Unreadable as exc:
                self.unreadable.append((*where, str(exc)))
                continue
            self.data[dataset.code].append(record)
