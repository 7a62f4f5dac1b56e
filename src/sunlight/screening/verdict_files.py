"""A screening's verdicts written out: the contract's CSV, and an xlsx for the clerk."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import BinaryIO

import xlsxwriter

from sunlight.contract.catalog import Catalog
from sunlight.contract.screening import BATCH_KINDS
from sunlight.contract.vocabulary import SEVERITY_ZH, VERDICT_ZH, VOCABULARY
from sunlight.csv_cells import safe_row
from sunlight.models.registry import Model
from sunlight.screening.verdicts import (
    EXPLANATION_SEPARATOR,
    HOLD,
    UNREADABLE,
    VERDICT_COLUMNS,
    ScreeningResult,
    Verdict,
)

TEXT_ZH = VOCABULARY.screening_texts
# Column widths of the verdict sheet, in VERDICT_COLUMNS' order.
_WIDTHS = (6, 21, 10, 18, 9, 11, 10, 20, 90)
# Held rows first, then the unreadable, then those that may be paid; batch order within each.
_FIRST = {HOLD: 0, UNREADABLE: 1}


def write_csv(result: ScreeningResult, path: Path) -> None:
    """Contract §7's columns in its order, one row per data row in batch order, UTF-8; a text
    cell a spreadsheet would run as a formula begins with `'`."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(VERDICT_COLUMNS)
        writer.writerows(safe_row(verdict.cells()) for verdict in result.verdicts)


def write_xlsx(result: ScreeningResult, target: Path | BinaryIO,
               library: dict[str, Model], catalog: Catalog) -> None:
    """Chinese heads, held rows first and highlighted, then a sheet on each model that fired.

    Programs and models are named in Chinese (the catalog's names, the models' 中文名).
    """
    # IDs and accounts stay text, and delivered text never becomes a live formula.
    book = xlsxwriter.Workbook(str(target) if isinstance(target, Path) else target,
                               {"strings_to_formulas": False, "strings_to_urls": False,
                                "strings_to_numbers": False, "in_memory": True})
    try:
        head = book.add_format({"bold": True, "bg_color": "#FFF2CC", "border": 1})
        programs = {program.code: program.name for program in catalog.programs}
        _verdict_sheet(book, head, result, library, programs)
        _model_sheet(book, head, result, library)
    finally:
        book.close()


def ordered(verdicts: list[Verdict]) -> list[Verdict]:
    """Held rows first, then unreadable ones, then the rest, each in batch order."""
    return sorted(verdicts, key=lambda v: (_FIRST.get(v.verdict, 2), v.row))


def _verdict_sheet(book: xlsxwriter.Workbook, head: xlsxwriter.format.Format,
                   result: ScreeningResult, library: dict[str, Model],
                   programs: dict[str, str]) -> None:
    sheet = book.add_worksheet(TEXT_ZH["verdict_sheet"])
    marked = {HOLD: book.add_format({"bg_color": "#F8CBAD", "text_wrap": True,
                                     "valign": "top"}),
              UNREADABLE: book.add_format({"bg_color": "#FFE699", "text_wrap": True,
                                           "valign": "top"})}
    plain = book.add_format({"valign": "top"})
    kind = BATCH_KINDS[result.dataset]  # a company batch heads its code and name as such
    for column, (name, width) in enumerate(zip(VERDICT_COLUMNS, _WIDTHS, strict=True)):
        sheet.write_string(0, column, kind.head(name), head)
        sheet.set_column(column, column, width)
    sheet.freeze_panes(1, 0)
    rows = ordered(result.verdicts)
    for number, verdict in enumerate(rows, start=1):
        look = marked.get(verdict.verdict, plain)
        names = "、".join(library[code].spec.name_zh if code in library else code
                         for code in verdict.models)
        sheet.write_number(number, 0, verdict.row, look)
        for column, text in enumerate((verdict.id_number, verdict.name,
                                       programs.get(verdict.program, verdict.program),
                                       verdict.period), start=1):
            sheet.write_string(number, column, text, look)
        if verdict.amount:
            sheet.write_number(number, 5, float(verdict.amount), look)
        else:
            sheet.write_blank(number, 5, None, look)
        sheet.write_string(number, 6, VERDICT_ZH[verdict.verdict], look)
        sheet.write_string(number, 7, names, look)
        sheet.write_string(number, 8, verdict.explanation, look)
    sheet.autofilter(0, 0, len(rows), len(VERDICT_COLUMNS) - 1)


def _model_sheet(book: xlsxwriter.Workbook, head: xlsxwriter.format.Format,
                 result: ScreeningResult, library: dict[str, Model]) -> None:
    """Each model that fired: its name, severity, the rows it holds, its policy basis and one
    of its explanations from this batch."""
    sheet = book.add_worksheet(TEXT_ZH["model_sheet"])
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    sheet.write_string(0, 0, TEXT_ZH["model_sheet_lead"], head)
    titles = ("model_name", "severity", "rows_held", "policy_basis", "batch_example")
    for column, title in enumerate(titles):
        sheet.write_string(2, column, TEXT_ZH[title], head)
    for number, code in enumerate(result.fired, start=3):
        spec = library[code].spec
        held = [v for v in result.verdicts if code in v.models]
        example = next((part for part in held[0].explanation.split(EXPLANATION_SEPARATOR)
                        if part.startswith(f"【{spec.name_zh}】")), held[0].explanation)
        sheet.write_string(number, 0, spec.name_zh, wrap)
        sheet.write_string(number, 1, SEVERITY_ZH[spec.severity], wrap)
        sheet.write_number(number, 2, len(held), wrap)
        sheet.write_string(number, 3, spec.policy_basis, wrap)
        sheet.write_string(number, 4, example, wrap)
    for column, width in enumerate((18, 8, 8, 60, 70)):
        sheet.set_column(column, column, width)
