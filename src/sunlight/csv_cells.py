"""Cells of the CSV files Sunlight writes, safe to open in a spreadsheet program.

A cell that begins with `=`, `+`, `-` or `@` (or a tab or carriage return, which some programs
skip before looking) is a formula to Excel and its kind: `=HYPERLINK(…)` in a delivered name
becomes a link that leaks data, `=cmd|…` runs a program. As OWASP advises, such a cell is
written with a `'` before it, which spreadsheet programs take as "this is text". The
full-width forms (＝＋－＠) are treated alike, as a precaution for Chinese input methods. A
cell that is a plain number (`-50.00`, a reversal's amount) cannot be a formula and is written
as it is, so numbers stay numbers.

Only the CSV files Sunlight writes as reports go through here (the warning export, the quality
report). The synthetic county's delivery and truth files are inputs made by Sunlight itself,
which must look exactly as a department's export does, and are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


def safe_cell(cell: object) -> object:
    """The cell, with a `'` before it if a spreadsheet program would take it as a formula."""
    if (isinstance(cell, str) and cell.startswith(FORMULA_STARTS)
            and not _PLAIN_NUMBER.fullmatch(cell)):
        return "'" + cell
    return cell


def safe_row(cells: Iterable[object]) -> list[object]:
    """Every cell of a row made safe (numbers, and text that is no formula, unchanged)."""
    return [safe_cell(cell) for cell in cells]
