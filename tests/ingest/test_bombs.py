"""Files built to exhaust memory are refused before their cells are made.

Only checks that never hand a bomb to calamine run here, in the test process; what needs a
reader process with its memory capped is replayed through `sunlight ingest` (tests/cli).
"""

from __future__ import annotations

import subprocess
import sys
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from sunlight.ingest.bounds import ReadLimits, check_unpacked_size, default_limits
from sunlight.ingest.errors import UnusableFile
from sunlight.ingest.readers import read_sheet
from sunlight.settings import Settings
from tests.conftest import write_csv, write_xlsx
from tests.ingest import bombs

SMALL = ReadLimits(max_columns=30, sheet_max_unpacked_mb=2, reader_memory_mb=600)


@pytest.mark.parametrize("lie", [1_000, None])
def test_a_zip_bomb_is_refused_by_what_it_inflates_not_what_it_declares(tmp_path: Path,
                                                                         lie: int | None):
    # 200,000 rows: ~40 MB of sheet XML in well under 1 MB of file.
    path = bombs.xlsx_bomb(tmp_path / "bomb.xlsx", 200_000, lie=lie)
    assert path.stat().st_size < 1 << 20
    if lie:
        sheet = zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml")
        assert sheet.file_size == lie  # the central directory lies (so do the local headers)
    tracemalloc.start()
    try:
        with pytest.raises(UnusableFile, match="unpacks to more than 2 MB") as refused:
            check_unpacked_size(path, SMALL)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 << 20  # inflated a piece at a time, and only until past the limit
    assert "解压后超过 2 MB" in refused.value.chinese


@pytest.mark.parametrize(("cells", "reason"), [
    ({"A1": "姓名", "XFD1048576": "x"}, "a cell in column 16,384, more than the 1,000 columns"),
    ({"A1": "姓名", "ALM1": "x"}, "a cell in column 1,001, more than the 1,000 columns allowed"),
    ({"A1": "姓名", "A1048577": "x"}, "1,048,577 rows, more than Excel allows"),
    ({"A1": "姓名", "B1048577": "x"}, "1,048,577 rows, more than Excel allows"),
])
def test_a_cell_beyond_the_allowed_area_is_refused_before_calamine_builds_the_sheet(
        tmp_path: Path, cells: dict[str, str], reason: str):
    # calamine would make every cell from A1 to the far one: 17 billion for XFD1048576.
    path = bombs.xlsx_cells(tmp_path / "far.xlsx", cells)
    defaults = ReadLimits.of(Settings.model_construct())
    with pytest.raises(UnusableFile, match=reason):
        check_unpacked_size(path, defaults)


@pytest.mark.parametrize("reference", ["r='{}'", 'r = "{}"', "r=\n'{}'"])
def test_a_far_reference_written_with_other_quotes_or_spaces_is_refused_too(
        tmp_path: Path, reference: str):
    path = bombs.xlsx_cells(tmp_path / "far.xlsx", {"A1": "姓名", "ZZZ2": "x"},
                            reference)
    with pytest.raises(UnusableFile, match="a cell in column 18,278"):
        check_unpacked_size(path, ReadLimits.of(Settings.model_construct()))


def test_a_file_read_without_named_limits_gets_the_settings_defaults():
    assert default_limits() == ReadLimits.of(Settings.model_construct())


def test_a_cell_text_that_reads_like_a_far_reference_is_only_text(tmp_path: Path):
    text = '<c r="XFD1048577">'  # escaped in the XML: &lt;c r="XFD1048577"&gt;
    path = bombs.xlsx_cells(tmp_path / "text.xlsx", {"A1": text.replace("<", "&lt;")
                                                     .replace(">", "&gt;"), "B2": "x"})
    sheet = read_sheet(path)
    assert sheet.width == 2 and sheet.table.column("c0").to_pylist()[0] == text


def test_a_sheet_wider_than_the_column_limit_is_refused(tmp_path: Path):
    path = write_xlsx(tmp_path / "wide.xlsx", [[f"列{i}" for i in range(40)], ["x"] * 40])
    with pytest.raises(UnusableFile, match="a cell in column 31, more than the 30 columns"):
        read_sheet(path, SMALL)


def test_a_csv_wider_than_the_column_limit_is_refused_before_it_is_parsed(tmp_path: Path):
    path = write_csv(tmp_path / "wide.csv", [[f"c{i}" for i in range(5_000)]] * 3)
    with pytest.raises(UnusableFile, match="5,000 columns, more than the 1,000 columns") as no:
        read_sheet(path)
    assert no.value.chinese == "文件有 5,000 列，超过允许的 1,000 列"


def test_a_csv_line_of_hostile_length_is_kept_as_a_misshapen_row(tmp_path: Path):
    # A field longer than Python's csv module takes (128 KiB), in a row of the wrong width.
    path = tmp_path / "long.csv"
    path.write_text("姓名,村\n王芳,北村\n" + "x" * 300_000 + ",a,b\n李四,南村\n", encoding="utf-8")
    table = read_sheet(path).table
    assert table.column("source_row").to_pylist() == [1, 2, 3, 4]
    assert table.column("field_count").to_pylist() == [2, 2, 3, 2]


def test_a_csv_line_of_millions_of_fields_is_counted_not_split(tmp_path: Path):
    path = tmp_path / "line.csv"
    path.write_text("姓名,村\n王芳,北村\n" + "xy," * 3_000_000 + "\n", encoding="utf-8")
    tracemalloc.start()
    try:
        table = read_sheet(path).table
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert table.column("field_count").to_pylist() == [2, 2, 3_000_001]
    assert peak < 60 << 20  # split whole, its fields alone would take ~200 MB


def test_an_ods_sheet_reads_like_any_other(tmp_path: Path):
    path = bombs.ods(tmp_path / "a.ods", bombs.ods_row(bombs.HEADER) + bombs.ods_row(bombs.ROW, 2)
                     + bombs.ods_row([""], 1_048_000, 1_024))  # LibreOffice's empty tail
    sheet = read_sheet(path)
    assert sheet.encoding == "ods" and sheet.width == len(bombs.HEADER)
    assert sheet.table.column("c2").to_pylist() == ["姓名", "王芳", "王芳"]


def test_a_capped_reader_gets_its_share_of_memory_and_no_more():
    script = ("import resource\n"
              "from sunlight.ingest.bounds import cap_memory\n"
              "cap_memory(300)\n"
              "try:\n    bytearray(400 << 20)\nexcept MemoryError:\n    print('refused')\n"
              "bytearray(200 << 20)\nprint('allowed')\n"
              "resource.setrlimit(resource.RLIMIT_AS, (2 << 30, resource.RLIM_INFINITY))\n"
              "cap_memory(4096)\n"  # never looser than the cap it started with
              "print(resource.getrlimit(resource.RLIMIT_AS)[0] == 2 << 30)\n")
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True)
    assert ran.stdout.split() == ["refused", "allowed", "True"]
