"""Every file ingestion refuses is refused with a reason a person reads in Chinese: what is
wrong with the file and what to do, never a library's English."""

from __future__ import annotations

import pickle
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from sunlight.contract.datasets import dataset
from sunlight.ingest.errors import HeaderReport, MissingColumns, UnusableFile
from sunlight.ingest.layout import detect_layout
from sunlight.ingest.readers import read_sheet
from sunlight.ingest.rows import read_file
from tests.conftest import write_csv, write_xlsx

# Names a Chinese officer sees on their own files and in their Excel's menus; no other
# Latin word may appear in a reason.
KNOWN_NAMES = frozenset({"Excel", "CSV", "UTF", "Unicode", "xlsx", "xls", "csv", "GB", "GBK",
                         "PDF", "MB"})
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def latin_words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z]+", text)) - KNOWN_NAMES


def workbook(path: Path) -> Path:
    return write_xlsx(path, [["身份证号", "姓名", "死亡日期"], ["610327197106050172", "王芳",
                                                             "2023-05-01"]])


def truncated(path: Path) -> Path:
    data = workbook(path.with_name("whole.xlsx")).read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def encrypted(path: Path) -> Path:
    # What Excel writes for a workbook with an open password: an OLE container whose
    # directory names the encryption streams.
    path.write_bytes(OLE + bytes(504) + "EncryptionInfo".encode("utf-16-le") + bytes(1024))
    return path


def renamed_document(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return path


def written(data: bytes) -> Callable[[Path], Path]:
    def write(path: Path) -> Path:
        path.write_bytes(data)
        return path
    return write


BAD_FILES: list[tuple[str, Callable[[Path], Path], str]] = [
    ("乱码.xlsx", written(bytes(range(256)) * 8), "不是 Excel 表格"),
    ("截断.xlsx", truncated, "已损坏或不完整"),
    ("加密.xlsx", encrypted, "密码"),
    ("加密.xls", encrypted, "密码"),
    ("旧版.xlsx", written(OLE + bytes(2048)), "旧版 Excel"),
    ("新版.xls", lambda path: workbook(path.with_suffix(".xlsx")).rename(path), "扩展名改为 .xlsx"),
    ("损坏.xls", written(OLE + bytes(2048)), "已损坏"),
    ("网页.xls", written("<html><table><tr><td>身份证号</td></tr></table></html>".encode()),
     "网页格式"),
    ("文档.xlsx", renamed_document, "没有可读取的工作表"),
    ("报告.xlsx", written(b"%PDF-1.4\n"), "PDF 文档"),
    ("工作簿.csv", lambda path: workbook(path.with_suffix(".xlsx")).rename(path),
     "扩展名却是 .csv"),
    ("宽字符.csv", written("身份证号,姓名\n".encode("utf-16")), "Unicode 文本"),
    ("空.csv", written(b"\n\n"), "空的"),
    ("空表.xlsx", lambda path: write_xlsx(path, [[]]), "第一个工作表是空的"),
]


@pytest.mark.parametrize(("name", "make", "says"), BAD_FILES, ids=[f[0] for f in BAD_FILES])
def test_a_bad_file_is_refused_in_chinese(tmp_path: Path, name: str,
                                          make: Callable[[Path], Path], says: str):
    path = make(tmp_path / name)
    with pytest.raises(UnusableFile) as refused:
        read_sheet(path)
    assert says in refused.value.chinese
    assert latin_words(refused.value.chinese) == set(), refused.value.chinese
    assert str(refused.value)  # the English stays for the command line and the log


def test_a_file_without_a_header_is_refused_with_the_row_taken_for_closest(tmp_path: Path):
    path = write_csv(tmp_path / "花名册.csv",
                     [["花名册"], ["序号", "户主", "证件", "村组"], ["1", "王芳", "6103", "一组"]])
    with pytest.raises(UnusableFile) as refused:
        detect_layout(read_sheet(path), dataset("deaths"))
    assert "找不到“死亡信息”的表头行" in refused.value.chinese
    assert "deaths" not in refused.value.chinese and latin_words(refused.value.chinese) == set()
    assert refused.value.headers == HeaderReport(
        2, (("序号", ""), ("户主", ""), ("证件", ""), ("村组", "")))


def test_a_missing_required_column_is_named_in_chinese_beside_what_was_recognised(
        tmp_path: Path):
    path = write_csv(tmp_path / "死亡.csv", [["身份证号", "姓名", "备注"], ["1", "王芳", ""]])
    with pytest.raises(MissingColumns) as refused:
        detect_layout(read_sheet(path), dataset("deaths"))
    assert refused.value.chinese == "第 1 行被识别为表头，但缺少必填列：死亡日期"
    assert refused.value.headers == HeaderReport(
        1, (("身份证号", "id_number"), ("姓名", "name"), ("备注", "")))


def test_a_refusal_from_a_reader_process_keeps_its_chinese_and_its_headers(tmp_path: Path):
    path = write_xlsx(tmp_path / "死亡.xlsx", [["身份证号", "姓名"], ["1", "王芳"]])
    refusal = read_file(path, "digest", "deaths")
    assert isinstance(refusal, MissingColumns)
    again = pickle.loads(pickle.dumps(refusal))  # as it comes back from a spawned process
    assert type(again) is MissingColumns
    assert (str(again), again.chinese, again.headers) == (
        str(refusal), refusal.chinese, refusal.headers)
    assert again.headers is not None and again.headers.sheet == "花名册"


def test_a_header_row_shown_to_a_person_is_bounded():
    cells = ["很长的表头" * 20] * 500
    report = HeaderReport.of(3, cells, {0: "name"})
    assert len(report.found) == 100 and all(len(text) <= 40 for text, _ in report.found)
    assert HeaderReport.from_json(report.as_json()) == report
