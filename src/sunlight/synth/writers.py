"""Writing one table as a department would: an .xlsx sheet or a .csv file."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import xlsxwriter

from sunlight.synth.messiness import Cell, FileStyle
from sunlight.synth.periods import EXPORT_DAY

TITLE, HEADER, BLANK, TOTAL = "title", "header", "blank", "total"


@dataclass
class WrittenTable:
    """Where things landed, in row numbers as a person counts them (the first row is 1)."""

    row_numbers: list[int] = field(default_factory=list)
    """The row of each data row, in the order given."""
    non_data: list[tuple[int, str]] = field(default_factory=list)


def _layout(style: FileStyle, count: int, totals: bool) -> WrittenTable:
    table = WrittenTable()
    row = 0
    for _ in style.titles:
        row += 1
        table.non_data.append((row, TITLE))
    row += 1
    table.non_data.append((row, HEADER))
    for index in range(count):
        if index in style.blanks:
            row += 1
            table.non_data.append((row, BLANK))
        row += 1
        table.row_numbers.append(row)
    if totals:
        if count % 2:  # half the time a blank row stands between the data and the totals
            row += 1
            table.non_data.append((row, BLANK))
        row += 1
        table.non_data.append((row, TOTAL))
    return table


def write_table(path: Path, style: FileStyle, rows: Sequence[Sequence[Cell]],
                totals: Sequence[Cell] | None) -> WrittenTable:
    table = _layout(style, len(rows), totals is not None and style.is_xlsx)
    if style.is_xlsx:
        _write_xlsx(path, style, rows, totals, table)
    else:
        _write_csv(path, style, rows, table)
    return table


def _write_xlsx(path: Path, style: FileStyle, rows: Sequence[Sequence[Cell]],
                totals: Sequence[Cell] | None, table: WrittenTable) -> None:
    workbook = xlsxwriter.Workbook(str(path), {
        "constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
        "strings_to_urls": False,
    })
    # A fixed creation time: the same seed must give the same bytes.
    workbook.set_properties({"created": datetime.combine(EXPORT_DAY, datetime.min.time()),
                             "author": "", "company": ""})
    sheet = workbook.add_worksheet(style.sheet)
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    moment_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    title_format = workbook.add_format({"bold": True, "align": "center"})
    width = len(style.columns)
    sheet.set_column(0, width - 1, 14)
    for index, title in enumerate(style.titles):
        sheet.merge_range(index, 0, index, width - 1, title, title_format)
    header_row = len(style.titles)
    for column, text in enumerate(style.headers):
        sheet.write_string(header_row, column, text)
    for cells, row in zip(rows, table.row_numbers, strict=True):
        _write_row(sheet, row - 1, cells, date_format, moment_format)
    if totals is not None and table.non_data[-1][1] == TOTAL:
        _write_row(sheet, table.non_data[-1][0] - 1, totals, date_format, moment_format)
    workbook.close()


def _write_row(sheet: xlsxwriter.worksheet.Worksheet, row: int, cells: Sequence[Cell],
               date_format: xlsxwriter.format.Format,
               moment_format: xlsxwriter.format.Format) -> None:
    for column, cell in enumerate(cells):
        if cell is None or cell == "":
            continue
        if isinstance(cell, str):
            sheet.write_string(row, column, cell)
        elif isinstance(cell, datetime):
            sheet.write_datetime(row, column, cell, moment_format)
        elif isinstance(cell, date):
            sheet.write_datetime(row, column, datetime.combine(cell, datetime.min.time()),
                                 date_format)
        else:
            sheet.write_number(row, column, cell)


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float):
        return f"{cell:.2f}"
    return cell if isinstance(cell, str) else cell.isoformat()


def _write_csv(path: Path, style: FileStyle, rows: Sequence[Sequence[Cell]],
               table: WrittenTable) -> None:
    width = len(style.columns)
    with path.open("w", encoding=style.encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(style.headers)
        for index, cells in enumerate(rows):
            if index in style.blanks:
                # Some exports leave the separators of an empty row, some leave nothing.
                writer.writerow([""] * width if index % 2 else [])
            writer.writerow([_text(c) for c in cells])
