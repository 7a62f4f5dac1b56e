"""The blank workbook an officer fills in for a dataset: its header row is the dataset's
canonical Chinese headers, its second sheet says how to fill in each column.

A template is a few KB and depends on the contract alone, so each is built once per process.
"""

from __future__ import annotations

import io
from functools import cache

import xlsxwriter

from sunlight.contract.datasets import DATASETS, Dataset
from sunlight.contract.uploads import FILL_GUIDE

DATA_SHEET = "数据"
GUIDE_SHEET = "填写说明"
GUIDE_HEADERS = ("列名", "是否必填", "内容", "填写要求", "示例", "也接受的列名", "可选值")
CHOICE_ROWS = 5000  # rows below the header whose coded columns offer their values
REQUIRED_COLOUR = "#C00000"


def template_name(dataset: Dataset) -> str:
    """The file name a template downloads as."""
    return f"{dataset.label}-导入模板.xlsx"


@cache
def template_bytes(code: str) -> bytes:
    """The template of the dataset with this code (a KeyError for another code)."""
    dataset = DATASETS[code]
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    _data_sheet(book, dataset)
    _guide_sheet(book, dataset)
    book.close()
    return buffer.getvalue()


def _data_sheet(book: xlsxwriter.Workbook, dataset: Dataset) -> None:
    # The first sheet: ingestion reads only it, header in row 1 and nothing else.
    sheet = book.add_worksheet(DATA_SHEET)
    header = book.add_format({"bold": True, "bg_color": "#EEEEEE", "border": 1})
    required = book.add_format({"bold": True, "font_color": REQUIRED_COLOUR,
                                "bg_color": "#FDECEA", "border": 1})
    as_text = book.add_format({"num_format": "@"})
    for index, column in enumerate(dataset.columns):
        guide = FILL_GUIDE.kind(column)
        # A text column format: what a person types below the header is kept as text by Excel
        # (an 18-digit ID typed into a General cell loses its last digits).
        sheet.set_column(index, index, max(12, 2 * len(column.label) + 4),
                         as_text if guide.as_text else None)
        sheet.write_string(0, index, column.label, required if column.required else header)
        note = ("必填。" if column.required else "选填。") + guide.format
        sheet.write_comment(0, index, note, {"x_scale": 2, "y_scale": 1.5})
        if column.choices:
            sheet.data_validation(1, index, CHOICE_ROWS, index, {
                "validate": "list", "source": list(column.choices),
                # Another value is kept and reported as doubtful: warn, do not forbid.
                "error_type": "information", "error_title": column.label,
                "error_message": f"通常为：{'、'.join(column.choices)}"})
    sheet.freeze_panes(1, 0)


def _guide_sheet(book: xlsxwriter.Workbook, dataset: Dataset) -> None:
    sheet = book.add_worksheet(GUIDE_SHEET)
    bold = book.add_format({"bold": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    required = book.add_format({"bold": True, "font_color": REQUIRED_COLOUR, "valign": "top"})
    sheet.write_string(0, 0, f"{dataset.label}（{dataset.department}）导入模板填写说明", bold)
    for row, note in enumerate(FILL_GUIDE.notes, start=1):
        sheet.write_string(row, 0, note)
    top = len(FILL_GUIDE.notes) + 2
    for index, title in enumerate(GUIDE_HEADERS):
        sheet.write_string(top, index, title, bold)
    for row, column in enumerate(dataset.columns, start=top + 1):
        guide = FILL_GUIDE.kind(column)
        cells = (column.label, "必填" if column.required else "选填", guide.label, guide.format,
                 FILL_GUIDE.example(dataset, column), "、".join(column.synonyms[1:]),
                 "、".join(column.choices))
        for index, text in enumerate(cells):
            style = required if column.required and index < 2 else wrap
            sheet.write_string(row, index, text, style)
    for index, width in enumerate((16, 8, 10, 48, 20, 28, 24)):
        sheet.set_column(index, index, width)
