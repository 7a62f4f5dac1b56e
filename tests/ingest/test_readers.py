"""Reading xlsx and csv: cell texts, encodings, row numbers as a person counts them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sunlight.ingest.errors import UnusableFile
from sunlight.ingest.readers import cell_text, read_sheet
from tests.conftest import write_csv, write_xlsx


@pytest.mark.parametrize(("cell", "text"), [
    ("王芳", "王芳"),
    (302010001.0, "302010001"),
    (60.5, "60.5"),
    (6.10327194112276e17, "6.10327194112276e+17"),  # an ID Excel stored as a number
    (610327710605017.0, "610327710605017"),
    (dt.date(2024, 3, 5), "2024-03-05"),
    (dt.datetime(2024, 3, 5), "2024-03-05"),
    (dt.datetime(2024, 3, 5, 8, 30), "2024-03-05 08:30:00"),
    (None, ""),
    (True, "TRUE"),
])
def test_cell_text_is_what_excel_shows(cell, text):
    assert cell_text(cell) == text


ROWS = [["姓名", "身份证号"], ["王芳", "610327197106050172"], ["李 四", "610327197604252594"]]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_encodings(tmp_path: Path, encoding: str):
    sheet = read_sheet(write_csv(tmp_path / "a.csv", ROWS, encoding))
    assert sheet.encoding == encoding
    assert sheet.table.column("c0").to_pylist() == ["姓名", "王芳", "李 四"]
    assert sheet.table.column("source_row").to_pylist() == [1, 2, 3]


def test_csv_row_numbers_count_blank_lines_and_multiline_cells(tmp_path: Path):
    path = tmp_path / "a.csv"
    path.write_text('姓名,备注\n王芳,"两行\n备注"\n\n   \n李四,x\n', encoding="utf-8")
    table = read_sheet(path).table
    assert table.column("source_row").to_pylist() == [1, 2, 3, 4, 5]
    assert table.column("c0").to_pylist() == ["姓名", "王芳", "", "   ", "李四"]


def test_csv_rows_wider_than_the_header_keep_their_field_count(tmp_path: Path):
    path = tmp_path / "a.csv"
    path.write_text("姓名,村\n王芳,北村\n李四,南村,多余\n", encoding="utf-8")
    table = read_sheet(path).table
    assert table.column("field_count").to_pylist() == [2, 2, 3]


def test_csv_in_another_encoding_is_refused(tmp_path: Path):
    path = tmp_path / "a.csv"
    path.write_bytes("姓名\n王芳\n".encode("utf-16"))
    with pytest.raises(UnusableFile, match="UTF-16"):
        read_sheet(path)
    path.write_bytes(b"\x81\x30\xff\xff,x\n")
    with pytest.raises(UnusableFile, match="neither UTF-8 nor GB18030"):
        read_sheet(path)


def test_xlsx_rows_are_numbered_as_excel_numbers_them(tmp_path: Path):
    path = write_xlsx(tmp_path / "a.xlsx", ROWS, titles=["陇县2024年3月花名册"])
    sheet = read_sheet(path)
    assert sheet.sheet == "花名册"
    assert sheet.table.column("source_row").to_pylist() == [1, 2, 3, 4]
    assert sheet.table.column("c0").to_pylist()[1] == "姓名"


def test_corrupt_xlsx_is_refused(tmp_path: Path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not a workbook")
    with pytest.raises(UnusableFile, match="not a readable spreadsheet"):
        read_sheet(path)


def test_number_cells_of_a_column_read_as_people_see_them():
    from sunlight.ingest.readers import _column_array

    cells = ("户号", 61032700010002.0, 302010001.0, 60.5, 6.10327194112276e17, "")
    assert _column_array(cells).to_pylist() == [
        "户号", "61032700010002", "302010001", "60.5", "6.10327194112276e+17", ""]


def test_a_date_column_reads_the_same_whether_cells_come_alone_or_together():
    from sunlight.ingest.readers import _column_array

    cells = ("发放日期", dt.datetime(2024, 3, 5), dt.datetime(2024, 3, 5, 8, 30),
             dt.date(2024, 3, 6))
    assert _column_array(cells).to_pylist() == [
        "发放日期", "2024-03-05", "2024-03-05 08:30:00", "2024-03-06"]
    assert [cell_text(c) for c in cells] == _column_array(cells).to_pylist()


def _two_sheet_book(path: Path, second: str, *, cells: bool) -> Path:
    """A workbook whose first sheet holds a table and whose later sheets hold `cells` or only
    a styled blank (what Excel's default Sheet2 may carry)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    first = book.add_worksheet("Sheet1")
    first.write_row(0, 0, ["姓名", "金额"])
    first.write_row(1, 0, ["王芳", "500.00"])
    later = book.add_worksheet(second)
    if cells:
        later.write_row(30_000, 3, ["李四", "300.00"])  # far down: found all the same
    else:
        later.write_blank(0, 0, None, book.add_format({"bold": True}))
    book.add_worksheet("Sheet3")
    book.close()
    return path


def test_later_sheets_holding_cells_are_named_and_empty_ones_not(tmp_path: Path):
    held = read_sheet(_two_sheet_book(tmp_path / "a.xlsx", "八渡乡", cells=True))
    assert held.sheet == "Sheet1" and held.other_sheets == ("八渡乡",)
    empty = read_sheet(_two_sheet_book(tmp_path / "b.xlsx", "Sheet2", cells=False))
    assert empty.other_sheets == ()


def test_the_second_sheet_is_streamed_to_its_first_value_only(tmp_path: Path):
    from python_calamine import CalamineWorkbook

    from sunlight.ingest import other_sheets

    path = _two_sheet_book(tmp_path / "a.xlsx", "八渡乡", cells=True)
    assert other_sheets._xlsx_other_sheets(path) == ("八渡乡",)  # not through calamine
    # Other formats (.xls, .ods: held whole by calamine) are looked at row by row through it.
    book = CalamineWorkbook.from_path(str(path))
    assert other_sheets.other_sheets_with_cells(Path("a.xls"), book) == ("八渡乡",)
    blank = _two_sheet_book(tmp_path / "b.xlsx", "Sheet2", cells=False)
    assert other_sheets.other_sheets_with_cells(
        Path("b.xls"), CalamineWorkbook.from_path(str(blank))) == ()
