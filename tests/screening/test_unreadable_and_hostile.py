"""Rows ingestion would reject come back unreadable, with their row and reason; files it would
refuse (too wide, a zip bomb) are refused with ingestion's reasons."""

from __future__ import annotations

from pathlib import Path

import pytest

from sunlight.screening.core import BatchRefused, screen_file, screen_rows
from sunlight.settings import Settings
from tests.conftest import write_csv
from tests.ingest import bombs

HEADER = ["项目名称", "身份证号", "姓名", "所属期", "金额", "银行账号"]
GOOD = ["农村最低生活保障", "610327199811280386", "王琴娟", "2025-01", "340.00",
        "6230433866070045087"]


def test_unreadable_rows_say_which_row_and_why(county: Settings, tmp_path: Path) -> None:
    batch = write_csv(tmp_path / "待发放.csv", [
        HEADER, GOOD,
        ["农村最低生活保障", "6103271998", "李四", "2025-01", "340.00", "6230433866070045088"],
        [*GOOD[:4], "三百", GOOD[5]],
    ])
    result = screen_file(county, batch)
    assert [(v.row, v.verdict) for v in result.verdicts] == [
        (2, "pass"), (3, "unreadable"), (4, "unreadable")]
    bad_id, bad_amount = result.verdicts[1], result.verdicts[2]
    assert "身份证号无法识别" in bad_id.explanation and "6103271998" in bad_id.explanation
    assert bad_id.id_number == "" and bad_id.models == ()
    assert "金额无法识别" in bad_amount.explanation and "三百" in bad_amount.explanation
    assert result.unreadable == 2 and result.passed == 1


def test_json_rows_are_numbered_as_if_row_1_were_a_header(county: Settings) -> None:
    good = dict(zip(("program", "id_number", "name", "period", "amount", "account"), GOOD,
                    strict=True))
    result = screen_rows(county, [good, {**good, "amount": "abc"}])
    assert [(v.row, v.verdict) for v in result.verdicts] == [(2, "pass"), (3, "unreadable")]


def test_a_batch_of_5000_columns_is_refused_as_ingestion_refuses(
        county: Settings, tmp_path: Path) -> None:
    wide = write_csv(tmp_path / "待发放.csv", [[f"列{i}" for i in range(5_000)]] * 3)
    with pytest.raises(BatchRefused) as refused:
        screen_file(county, wide)
    assert "5,000 columns, more than the 1,000 columns allowed" in str(refused.value)
    assert refused.value.chinese


def test_an_xlsx_bomb_is_refused_as_ingestion_refuses(county: Settings, tmp_path: Path) -> None:
    bomb = bombs.xlsx_bomb(tmp_path / "待发放.xlsx", 300_000, lie=2_000)
    limited = county.model_copy(update={"ingest_sheet_max_unpacked_mb": 5,
                                        "ingest_reader_memory_mb": 600})
    with pytest.raises(BatchRefused) as refused:
        screen_file(limited, bomb)
    assert "the spreadsheet unpacks to more than 5 MB" in str(refused.value)
    assert refused.value.chinese


def test_a_program_no_model_can_judge_passes_saying_why(county: Settings, tmp_path: Path) -> None:
    batch = write_csv(tmp_path / "待发放.csv", [HEADER, ["某某慰问金", *GOOD[1:]]])
    [verdict] = screen_file(county, batch).verdicts
    assert verdict.verdict == "pass" and verdict.program == "某某慰问金"
    assert "补贴项目不在项目目录中" in verdict.explanation


def test_a_batch_over_the_row_limit_is_refused(county: Settings, tmp_path: Path) -> None:
    batch = write_csv(tmp_path / "待发放.csv", [HEADER, GOOD, GOOD, GOOD])
    with pytest.raises(BatchRefused) as refused:
        screen_file(county.model_copy(update={"screen_max_rows": 2}), batch)
    assert "3 data rows, more than the 2" in str(refused.value)
    assert "超过一次筛查允许的 2 行" in refused.value.chinese
    assert len(screen_file(county.model_copy(update={"screen_max_rows": 3}), batch).verdicts) == 3
