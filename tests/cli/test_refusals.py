"""What a county IT person gets wrong gets a clear refusal (exit 2), never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sunlight.cli.app import app
from sunlight.cli.exit_codes import BAD_INPUT
from tests.conftest import write_csv
from tests.serving import free_port

runner = CliRunner()
ROWS = [["项目名称", "身份证号", "姓名", "所属期", "金额", "银行账号"],
        ["低保", "610327197106050172", "王芳", "2024-03", "500", "6217493730820689217"],
        ["低保", "610327197106050172", "王芳", "2024-03", "500", "6217493730820689217"]]


@pytest.fixture
def detected(tmp_path: Path, home: Path) -> Path:
    write_csv(tmp_path / "delivery" / "payments" / "低保.csv", ROWS)
    assert runner.invoke(app, ["ingest", str(tmp_path / "delivery")]).exit_code == 0
    assert runner.invoke(app, ["detect"]).exit_code == 1
    return tmp_path


@pytest.mark.parametrize("url", ["notaurl", "nosuchdb://x@y/z",
                                 "postgresql+psycopg://nobody@127.0.0.1:1/db?connect_timeout=2"])
def test_an_unusable_database_url_is_refused_naming_it(
        detected: Path, monkeypatch: pytest.MonkeyPatch, url: str):
    monkeypatch.setenv("SUNLIGHT_DATABASE_URL", url)
    for command in (["detect"], ["warnings", "list"]):
        result = runner.invoke(app, command)
        assert result.exit_code == BAD_INPUT, result.output
        assert "cannot use the app database" in result.output


def test_listing_where_nothing_was_detected_says_so_and_creates_nothing(home: Path):
    result = runner.invoke(app, ["warnings", "list"])
    assert result.exit_code == 0 and "No warnings stored in" in result.output
    assert not home.exists()


def test_filters_that_match_nothing_say_so(detected: Path):
    result = runner.invoke(app, ["warnings", "list", "--status", "closed"])
    assert "No warnings with status closed." in result.output
    assert runner.invoke(app, ["warnings", "list", "--model", "NOPE"]).exit_code == BAD_INPUT
    mistyped = runner.invoke(app, ["warnings", "list", "--status", "opn"])
    assert mistyped.exit_code == BAD_INPUT and "待分派 (open)" in mistyped.output
    in_chinese = runner.invoke(app, ["warnings", "list", "--status", "待分派"])
    assert in_chinese.exit_code == 0 and "W-" in in_chinese.output  # the workbench's word
    assert runner.invoke(app, ["warnings", "list", "--top", "0"]).exit_code == BAD_INPUT
    export = runner.invoke(app, ["warnings", "export", str(detected / "w.csv"), "--models",
                                 "NOPE"])
    assert export.exit_code == BAD_INPUT


@pytest.mark.parametrize(("name", "options", "problem"), [
    ("w.csv", ["--format", "xlsx"], "ends in .csv but --format is xlsx"),
    ("w.xls", [], "name the file .csv or .xlsx"),
    ("taken/w.csv", [], "is a file, not a folder"),
])
def test_an_export_path_that_cannot_be_used_is_refused(
        detected: Path, name: str, options: list[str], problem: str):
    (detected / "taken").write_text("a file", encoding="utf-8")
    for command in (["warnings", "export"], ["quality", "export"]):
        result = runner.invoke(app, [*command, str(detected / name), *options])
        assert result.exit_code == BAD_INPUT and problem in result.output, result.output


@pytest.mark.parametrize("name", ["w.xlsx", "w.csv"])
def test_an_unwritable_export_is_refused(detected: Path, name: str):
    # /sys takes no new files, not even from root.
    for command in (["warnings", "export"], ["quality", "export"]):
        result = runner.invoke(app, [*command, f"/sys/sunlight-{name}"])
        assert result.exit_code == BAD_INPUT and "cannot write" in result.output, result.output


@pytest.mark.parametrize("command", [["audit", "verify"], ["users", "list"],
                                     ["publish", "--list"], ["serve", "--demo"]])
def test_a_home_that_is_a_file_is_refused_naming_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]):
    not_a_folder = tmp_path / "home"
    not_a_folder.write_text("a file where the deployment's folder should be")
    monkeypatch.setenv("SUNLIGHT_HOME", str(not_a_folder))
    monkeypatch.delenv("SUNLIGHT_DATABASE_URL", raising=False)
    if command[0] == "serve":  # on a free port: whatever else this machine serves
        command = [*command, "--port", str(free_port())]
    result = runner.invoke(app, command)
    assert result.exit_code == BAD_INPUT, result.output
    assert f"SUNLIGHT_HOME {not_a_folder} cannot be used" in result.output


@pytest.mark.parametrize("command", [
    ["serve", "--demo", "--port", "99999"], ["demo", "--port", "70000", "--no-serve"],
    ["publish", "--list", "--withdraw", "1"], ["publish", "--reason", "名单有误"]])
def test_options_that_cannot_be_honoured_are_refused(home: Path, command: list[str]):
    result = runner.invoke(app, command)
    assert result.exit_code == BAD_INPUT, result.output
    assert not (home / "sunlight.db").exists()  # refused before anything was written
