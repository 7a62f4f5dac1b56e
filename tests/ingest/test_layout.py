"""Finding the header under title rows, and matching header synonyms."""

from __future__ import annotations

from pathlib import Path

import pytest

from sunlight.contract.datasets import dataset
from sunlight.ingest.errors import MissingColumns, UnusableFile
from sunlight.ingest.layout import detect_layout, header_key
from sunlight.ingest.readers import read_sheet
from tests.conftest import write_csv, write_xlsx

PAYMENT_HEADER = ["补贴项目", "公民身份号码", "领取人", "所属期", "金额（元）", "一卡通账号"]


@pytest.mark.parametrize(("header", "key"), [
    ("身份证号", "身份证号"), (" 公民身份号码 ", "公民身份号码"), ("金额（元）", "金额"),
    ("金额(元)", "金额"), ("确权面积（亩）", "确权面积"), ("发 放所属期", "发放所属期"),
    ("*姓名", "姓名"), ("乡镇(街道)", "乡镇"),
])
def test_header_keys_ignore_spaces_width_and_units(header, key):
    assert header_key(header) == key


def test_header_below_two_title_rows(tmp_path: Path):
    path = write_xlsx(tmp_path / "p.xlsx", [PAYMENT_HEADER, ["低保"] * 6],
                      titles=["陇县2024年3月发放花名册", "单位：元"])
    layout = detect_layout(read_sheet(path), dataset("payments"))
    assert layout.header_row == 3
    assert layout.positions == {"program": 0, "id_number": 1, "name": 2, "period": 3,
                                "amount": 4, "account": 5}
    assert layout.headers["amount"] == "金额（元）"


def test_a_bare_id_header_is_the_id_number(tmp_path: Path):
    # Departments often head the column 身份证 alone; the contract's synonyms are a minimum.
    header = ["身份证" if h == "公民身份号码" else h for h in PAYMENT_HEADER]
    payments = write_csv(tmp_path / "p.csv", [header, ["低保"] * 6])
    assert detect_layout(read_sheet(payments), dataset("payments")).positions["id_number"] == 1
    deaths = write_csv(tmp_path / "d.csv", [["姓名", "身份证", "死亡日期"], ["王芳"] * 3])
    assert detect_layout(read_sheet(deaths), dataset("deaths")).positions["id_number"] == 1


def test_unknown_headers_are_listed_not_guessed(tmp_path: Path):
    path = write_csv(tmp_path / "p.csv", [[*PAYMENT_HEADER, "备注"], ["低保"] * 7])
    layout = detect_layout(read_sheet(path), dataset("payments"))
    assert layout.ignored_headers == ("备注",)


def test_missing_required_column_names_it_and_its_synonyms(tmp_path: Path):
    header = [h for h in PAYMENT_HEADER if h != "一卡通账号"]
    path = write_csv(tmp_path / "p.csv", [header, ["低保"] * 5])
    with pytest.raises(MissingColumns) as caught:
        detect_layout(read_sheet(path), dataset("payments"))
    message = str(caught.value)
    assert "payments" in message and "account" in message
    assert "银行账号" in message and "卡号" in message and "一卡通账号" in message


def test_no_header_at_all_is_refused(tmp_path: Path):
    path = write_csv(tmp_path / "p.csv", [["a", "b"], ["1", "2"]])
    with pytest.raises(UnusableFile, match="no recognisable header"):
        detect_layout(read_sheet(path), dataset("payments"))
