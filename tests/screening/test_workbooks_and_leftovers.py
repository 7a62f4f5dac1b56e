"""A workbook whose later sheets hold data is refused (its rows would go to the bank
unchecked); an unreadable row keeps what of it could be read; screening's files live under
the home, and what a killed run left is removed at the next start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import xlsxwriter
from typer.testing import CliRunner

import sunlight
from sunlight.cli.app import app
from sunlight.cli.exit_codes import BAD_INPUT, OK
from sunlight.screening.core import BatchRefused, screen_file, screen_rows
from sunlight.settings import Settings
from sunlight.warehouse.spill import remove_stale, work_folder
from tests.conftest import write_csv

HEADER = ["项目名称", "身份证号", "姓名", "所属期", "金额", "银行账号"]
GOOD = ["农村最低生活保障", "610327199811280386", "王琴娟", "2025-01", "340.00",
        "6230433866070045087"]


@pytest.fixture
def empty_home(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home", database_url=None)


def _workbook(path: Path, later: dict[str, list[list[str]]]) -> Path:
    book = xlsxwriter.Workbook(str(path))
    first = book.add_worksheet("Sheet1")
    for number, row in enumerate([HEADER, GOOD]):
        first.write_row(number, 0, row)
    for name, rows in later.items():
        sheet = book.add_worksheet(name)
        for number, row in enumerate(rows):
            sheet.write_row(number, 0, row)
    book.close()
    return path


def test_a_workbook_with_rows_on_a_later_sheet_is_refused_naming_it(
        empty_home: Settings, tmp_path: Path) -> None:
    book = _workbook(tmp_path / "待发放.xlsx", {"八渡乡": [HEADER, GOOD], "Sheet3": []})
    with pytest.raises(BatchRefused) as refused:
        screen_file(empty_home, book)
    assert refused.value.chinese == (
        "工作簿中除第一个工作表外，'八渡乡'也有数据；筛查只读第一个工作表，"
        "请把每个工作表另存为一个文件分别筛查")
    assert "八渡乡" in str(refused.value) and "Sheet3" not in str(refused.value)


def test_empty_extra_sheets_do_not_refuse(empty_home: Settings, tmp_path: Path) -> None:
    book = _workbook(tmp_path / "待发放.xlsx", {"Sheet2": [], "Sheet3": []})
    result = screen_file(empty_home, book)
    assert [(v.row, v.verdict) for v in result.verdicts] == [(2, "pass")]


def test_an_unreadable_row_keeps_the_fields_that_could_be_read(
        empty_home: Settings, tmp_path: Path) -> None:
    batch = write_csv(tmp_path / "待发放.csv", [
        HEADER,
        [*GOOD[:4], "#VALUE!", GOOD[5]],
        ["农村最低生活保障", "6103271998", " 李四 ", "2025-01", "300", GOOD[5]],
        [*GOOD, "多出的一格"],
    ])
    bad_amount, bad_id, misshapen = screen_file(empty_home, batch).verdicts
    assert bad_amount.verdict == "unreadable" and "#VALUE!" in bad_amount.explanation
    assert (bad_amount.id_number, bad_amount.name, bad_amount.period, bad_amount.amount) == (
        "610327199811280386", "王琴娟", "2025-01", "")
    assert bad_amount.program  # the catalog's code, as for a row that could be read
    assert (bad_id.id_number, bad_id.name, bad_id.amount) == ("", "李四", "300.00")
    assert "6103271998" in bad_id.explanation
    # A row wider than its header has cells out of place: nothing of it is vouched for.
    assert misshapen.verdict == "unreadable"
    assert (misshapen.id_number, misshapen.name, misshapen.amount) == ("", "", "")


def test_screening_leaves_nothing_in_the_system_temp_folder(
        empty_home: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(system_tmp))
    monkeypatch.setattr("tempfile.tempdir", None)  # read TMPDIR again
    seen: list[Path] = []
    original = work_folder

    def watched(root: Path, purpose: str):  # type: ignore[no-untyped-def]
        seen.append(root)
        return original(root, purpose)

    monkeypatch.setattr("sunlight.screening.core.work_folder", watched)
    screen_rows(empty_home, [dict(zip(("program", "id_number", "name", "period", "amount",
                                       "account"), GOOD, strict=True))])
    assert seen and all(root == empty_home.engine_temp_dir for root in seen)
    assert list(system_tmp.iterdir()) == []
    assert [p.name for p in empty_home.engine_temp_dir.iterdir()
            if p.name.startswith("work-")] == []  # removed once screened


def _killed_midway(root: Path) -> Path:
    """The work folder of a process that was screening a batch and was killed."""
    child = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from pathlib import Path\n"
         "from sunlight.warehouse.spill import work_folder\n"
         "with work_folder(Path(sys.argv[1]), 'screening') as folder:\n"
         "    (folder / 'rows.csv').write_text('身份证号\\n610327199811280386\\n')\n"
         "    print(folder, flush=True); time.sleep(600)\n", str(root)],
        stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(Path(sunlight.__file__).parents[1])})
    assert child.stdout is not None
    left = Path(child.stdout.readline().strip())
    assert (left / "rows.csv").is_file()
    assert remove_stale(root) == []  # while its process runs, it is kept
    child.kill()
    child.wait()
    child.stdout.close()
    return left


def test_a_killed_screenings_folder_is_removed_at_the_next_start(tmp_path: Path) -> None:
    root = tmp_path / "home" / "tmp"
    with work_folder(root, "screening") as mine:
        left = _killed_midway(root)
        assert remove_stale(root) == [left]  # what each start runs (serve, screen, detect…)
        assert not left.exists() and mine.is_dir()  # a live folder is never taken
    assert sorted(root.iterdir()) == []


def test_sunlight_screen_removes_what_a_killed_screening_left(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    left = _killed_midway(home / "tmp")
    monkeypatch.setenv("SUNLIGHT_HOME", str(home))
    monkeypatch.delenv("SUNLIGHT_DATABASE_URL", raising=False)
    batch = write_csv(tmp_path / "待发放.csv", [HEADER, GOOD])
    result = CliRunner().invoke(app, ["screen", str(batch), "--out", str(tmp_path / "v.csv")])
    assert result.exit_code == OK, result.output
    assert not left.exists()
    assert not [p for p in (home / "tmp").iterdir() if p.name.startswith("work-")]


def _screen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *arguments: str) -> tuple[int, str]:
    monkeypatch.setenv("SUNLIGHT_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("SUNLIGHT_DATABASE_URL", raising=False)
    result = CliRunner().invoke(app, ["screen", *arguments])
    return result.exit_code, result.output


def test_verdicts_written_over_the_batch_itself_are_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    batch = write_csv(tmp_path / "same.csv", [HEADER, GOOD])
    before = batch.read_bytes()
    (tmp_path / "link.csv").symlink_to(batch)
    for out in ("same.csv", "./same.csv", "link.csv"):
        code, output = _screen(tmp_path, monkeypatch, "--dataset", "payments", str(batch),
                               "--out", str(tmp_path / out))
        assert code == BAD_INPUT and "is the batch itself" in output, output
    assert batch.read_bytes() == before


def test_an_out_file_of_another_suffix_needs_format_which_screen_takes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    batch = write_csv(tmp_path / "batch.csv", [HEADER, GOOD])
    code, output = _screen(tmp_path, monkeypatch, str(batch), "--out", str(tmp_path / "o.txt"))
    assert code == BAD_INPUT and "--format csv" in output, output
    code, output = _screen(tmp_path, monkeypatch, str(batch), "--out", str(tmp_path / "o.txt"),
                           "--format", "csv")
    assert code == OK, output
    assert (tmp_path / "o.txt").read_text("utf-8").startswith("row,id_number,")
