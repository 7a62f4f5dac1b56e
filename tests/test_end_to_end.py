"""The demo pipeline on a small generated county: generate → ingest → quality → detect → export."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from sunlight.appdb.warnings import top
from sunlight.cli.app import app
from sunlight.cli.database import open_session
from sunlight.cli.warnings import judged_by
from sunlight.contract.catalog import load_catalog
from sunlight.contract.datasets import DATASETS
from sunlight.models.registry import load_library
from sunlight.settings import Settings
from sunlight.synth.scorecard import score

runner = CliRunner()
EXPORT_MODELS = tuple(load_library())


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("county")
    result = runner.invoke(app, ["generate", "--out", str(out), "--persons", "2500",
                                 "--seed", "11"])
    assert result.exit_code == 0, result.output
    return out


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_every_injected_bad_row_is_reported_and_no_good_row_rejected(
        county: Path, home: Path, tmp_path: Path):
    result = runner.invoke(app, ["ingest", str(county / "delivery")])
    assert result.exit_code == 0, result.output
    export = tmp_path / "quality.csv"
    assert runner.invoke(app, ["quality", "export", "--format", "csv", str(export)]).exit_code == 0
    rejected = {(r["dataset"], r["file"], r["sheet"], r["row"])
                for r in read_csv(export) if r["severity"] == "rejected"}
    injected = {(b["dataset"], b["file"], b["sheet"], b["row"])
                for b in read_csv(county / "bad_rows.csv")}
    assert injected, "the generator injected no bad rows"
    assert rejected == injected


def test_every_injected_case_is_found_with_its_program_and_amount_and_no_trap_fires(
        county: Path, home: Path, tmp_path: Path):
    assert runner.invoke(app, ["ingest", str(county / "delivery")]).exit_code == 0
    detected = runner.invoke(app, ["detect"])
    assert detected.exit_code == 1, detected.output  # 1: warnings were raised
    first = tmp_path / "first.csv"
    assert runner.invoke(app, ["warnings", "export", str(first)]).exit_code == 0
    truth, not_judged = judged_by(read_csv(county / "truth.csv"), load_library(),
                                  load_catalog())
    assert not_judged == []  # every model and every company payment is judged
    assert {t["model"] for t in truth if t["kind"] == "case"} == set(EXPORT_MODELS)
    assert score(read_csv(first), truth).problems == []
    # The risk ranking spreads: ties at the top would make triage arbitrary.
    with open_session(Settings()) as db:
        scores = [w.score for w in top(db, 20)]
    assert len(scores) == 20 and len(set(scores)) >= 18

    # The same data again: nothing new, nothing changed, the same warning IDs.
    again = runner.invoke(app, ["detect"])
    assert again.exit_code == 0 and "0 new, 0 changed" in again.output, again.output
    second = tmp_path / "second.csv"
    assert runner.invoke(app, ["warnings", "export", str(second)]).exit_code == 0
    assert second.read_bytes() == first.read_bytes()


def test_the_xlsx_export_is_in_chinese_with_ids_as_text(county: Path, home: Path,
                                                         tmp_path: Path):
    assert runner.invoke(app, ["ingest", str(county / "delivery")]).exit_code == 0
    runner.invoke(app, ["detect", "--models", "DECEASED_PAID,SHARED_ACCOUNT"])
    path = tmp_path / "warnings.xlsx"
    assert runner.invoke(app, ["warnings", "export", str(path)]).exit_code == 0
    book = CalamineWorkbook.from_path(str(path))
    rows = book.get_sheet_by_name("预警清单").to_python()
    assert rows[0][:6] == ["预警编号", "风险分", "模型", "对象类型", "对象", "身份证号"]
    at = {title: column for column, title in enumerate(rows[0])}
    deceased = [r for r in rows[1:] if r[2] == "死亡后仍领取"]
    assert deceased and all(isinstance(r[at["身份证号"]], str) and len(r[at["身份证号"]]) == 18
                            for r in deceased)
    assert all(r[at["对象类型"]] == "个人" for r in deceased)
    assert all("死亡" in r[at["预警说明"]] for r in deceased)
    scores = [r[1] for r in rows[1:]]
    assert scores == sorted(scores, reverse=True)
    evidence = book.get_sheet_by_name("证据行").to_python()
    assert {r[1] for r in evidence[1:]} >= {DATASETS["payments"].label, "死亡信息"}


def test_demo_runs_end_to_end(home: Path):
    result = runner.invoke(app, ["demo", "--persons", "1500", "--seed", "3", "--no-serve"])
    assert result.exit_code == 0, result.output
    assert "演示账户" in result.output and "verifier" in result.output
    assert "Published version 1" in result.output
    assert "payments" in result.output and "数据质量" in result.output
    assert "DECEASED_PAID" in result.output and "风险最高" in result.output
    assert "陷阱误报 0/" in result.output and "真值之外的预警 0 条" in result.output
    found = re.search(r"注入案例 (\d+)/(\d+) 条已找到", result.output)
    assert found and found.group(1) == found.group(2) != "0"
    assert (home / "warehouse" / "manifest.json").exists()
    assert "待发放清单" in result.output and "screen_truth.csv" in result.output
    _demo_batch_screens_as_its_truth_says(home)
    _demo_is_served(home)


def _demo_batch_screens_as_its_truth_says(home: Path) -> None:
    """The demo's next-month batch (the clerk's 待发放清单), screened against the demo's own
    home, holds exactly the rows its screen_truth.csv says, each for its model."""
    from sunlight.screening.core import screen_file
    from tests.screening.next_month import misjudged, read_screen_truth

    county = home / "demo-county"
    [batch] = sorted((county / "batch").glob("待发放清单*"))
    truth = read_screen_truth(county / "screen_truth.csv")
    result = screen_file(Settings(home=home), batch)
    assert misjudged(((v.row, v.verdict, v.models) for v in result.verdicts), truth) == []
    assert result.held >= 1 and any(t["expect"] == "hold" for t in truth.values())


def _demo_is_served(home: Path) -> None:
    """The demo's workbench and portal: the verifier finds work waiting, villagers a roster."""
    from fastapi.testclient import TestClient

    from sunlight.demo_staff import ASSIGNED, DEMO_PASSWORD
    from sunlight.settings import Settings
    from sunlight.web.app import create_app
    from tests.web.conftest import post_login

    client = TestClient(create_app(Settings(home=home), demo=True))
    assert post_login(client, "verifier", DEMO_PASSWORD).status_code == 303
    tasks = client.get("/staff/cases")
    assert tasks.status_code == 200
    assert len(re.findall(r'href="/staff/warnings/W-', tasks.text)) >= ASSIGNED
    portal = client.get("/")
    assert portal.status_code == 200
    assert "阳光公示" in portal.text and ("乡" in portal.text or "镇" in portal.text)
    # Townships, then their villages (a township only companies were paid in has none; its
    # company roster is a link of its own).
    townships = re.findall(r'href="(/township/[^"/]+)"', portal.text)
    assert townships
    villages = [found for township in townships for found in
                re.findall(r'href="(/village/[^"/]+)"', client.get(township).text)]
    assert villages
    # The demo's townships have (made-up) phones, shown beside 12388 as a county's would be.
    shown = client.get(villages[0]).text
    assert "0917-32" in shown and "12388" in shown
    # The demo's bureau: its 督察 sees every unit ranked, its liaison logs in to their tasks.
    police = TestClient(create_app(Settings(home=home), demo=True))
    assert post_login(police, "inspector", DEMO_PASSWORD).status_code == 303
    ranked = police.get("/staff/oversight")
    assert ranked.status_code == 200 and "各单位问题排名" in ranked.text
    assert "派出所" in ranked.text and "卡口漏岗" in ranked.text
    liaison = TestClient(create_app(Settings(home=home), demo=True))
    assert post_login(liaison, "liaison", DEMO_PASSWORD).status_code == 303
    assert liaison.get("/staff/cases").status_code == 200


def test_demo_does_not_delete_a_countys_own_data(tmp_path: Path, home: Path):
    from tests.conftest import write_csv

    rows = [["项目名称", "身份证号", "姓名", "所属期", "金额", "银行账号"],
            ["低保", "610327197106050172", "王芳", "2024-03", "500", "6217493730820689217"]]
    path = write_csv(tmp_path / "real.csv", rows)
    assert runner.invoke(app, ["ingest", "--dataset", "payments", str(path)]).exit_code == 0
    result = runner.invoke(app, ["demo", "--persons", "500", "--no-serve"])
    assert result.exit_code == 2 and "--replace-existing" in result.output
    assert "real.csv" in (home / "warehouse" / "manifest.json").read_text("utf-8")
