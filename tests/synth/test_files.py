"""The delivery's shape: folders, file names, formats, encodings, and the side files."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from sunlight.contract.datasets import DATASETS
from sunlight.synth import GenerationReport, generate_county
from tests.synth.compare import read_csv
from tests.synth.readback import Delivery, encoding_of, read_cells


def files(root: Path) -> list[Path]:
    return sorted((root / "delivery").glob("*/*"))


def test_every_dataset_of_the_contract_is_delivered(root: Path) -> None:
    folders = {p.name for p in (root / "delivery").iterdir()}
    assert folders == set(DATASETS)  # sections 5 and 6 too
    assert all(any((root / "delivery" / code).iterdir()) for code in folders)


def test_files_are_split_the_way_departments_deliver_them(root: Path) -> None:
    names = {p.stem for p in files(root)}
    assert {"农村最低生活保障_2023年上半年发放明细", "农村最低生活保障_2024年下半年发放明细",
            "耕地地力保护补贴_2023年发放明细", "草原禁牧补助_2024年发放明细",
            "高龄补贴花名册", "村干部名册", "公职人员名册", "耕地确权登记", "草原确权登记"} <= names
    # Monthly programs by half-year, annual ones by year; the duty allowance pays for the
    # Spring Festival's month alone, so only the first half of each year.
    assert sum(1 for p in files(root) if p.parent.name == "payments") == 5 * 4 + 3 * 2 + 2
    assert {"企业登记信息", "企业登记信息_变更登记", "留工补贴_2024年发放明细",
            "社区值班补助_2024年上半年发放明细", "农民工临时生活补助_2023年发放明细",
            "社区春节值班表_2024年", "派出所春节勤务排班_2023年"} <= names
    # The bureau's months one by one; the posts once, and again where a post closed.
    assert {"执勤站点及卡口", "执勤站点及卡口_变更", "勤务排班表_2024年01月",
            "勤务排班表_2024年02月", "检查站勤务排班_2023年", "网上点名记录_2024年02月",
            "案件办理情况_2024年01月", "案件办理情况_2024年02月",
            "督察发现问题台账_2024年02月"} <= names
    assert sum(1 for p in files(root) if p.parent.name == "deaths") == 2
    assert all(p.stem.startswith("陇县户籍人口_") for p in files(root)
               if p.parent.name == "residents")


def test_mixed_delivery_has_both_formats_and_all_encodings(root: Path) -> None:
    suffixes = {p.suffix for p in files(root)}
    assert suffixes == {".csv", ".xlsx"}
    encodings = {encoding_of(p) for p in files(root) if p.suffix == ".csv"}
    assert encodings == {"utf-8", "utf-8-sig", "gb18030"}


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_single_format_deliveries(tmp_path: Path, file_format: str) -> None:
    report = generate_county(tmp_path, 1500, 3, file_format)  # type: ignore[arg-type]
    assert {p.suffix for p in files(tmp_path)} == {f".{file_format}"}
    assert report.files == len(files(tmp_path))


def test_report_counts_what_was_written(county: tuple[Path, GenerationReport],
                                        delivery: Delivery) -> None:
    root, report = county
    truth = read_csv(root / "truth.csv")
    assert report.files == len(files(root))
    assert report.cases == sum(r["kind"] == "case" for r in truth)
    assert report.traps == sum(r["kind"] == "trap" for r in truth)
    assert report.bad_rows == len(read_csv(root / "bad_rows.csv"))
    for code in DATASETS:
        readable = len(delivery.data[code])
        unreadable = sum(1 for u in delivery.unreadable if u[0] == code)
        assert report.rows[code] == readable + unreadable


def test_side_files_have_the_sample_columns(root: Path) -> None:
    heads = {name: next(csv.reader((root / name).open(encoding="utf-8")))
             for name in ("truth.csv", "bad_rows.csv", "non_data_rows.csv")}
    assert heads == {
        "truth.csv": ["model", "id_number", "account", "program", "township", "period_from",
                      "period_to", "amount", "kind", "subject_id"],
        "bad_rows.csv": ["dataset", "file", "sheet", "row", "reason"],
        "non_data_rows.csv": ["dataset", "file", "sheet", "row", "kind"],
    }


def test_side_file_rows_name_files_that_exist(root: Path) -> None:
    for name in ("bad_rows.csv", "non_data_rows.csv"):
        for row in read_csv(root / name):
            path = root / "delivery" / row["dataset"] / row["file"]
            assert path.is_file(), row
            sheet, rows = read_cells(path)
            assert row["sheet"] == sheet
            assert 1 <= int(row["row"]) <= len(rows)


def test_every_unreadable_row_is_listed_with_its_reason(root: Path, delivery: Delivery) -> None:
    listed = {(r["dataset"], r["file"], r["sheet"], int(r["row"])): r["reason"]
              for r in read_csv(root / "bad_rows.csv")}
    found = {u[:4]: u[4] for u in delivery.unreadable}
    assert set(found) == set(listed)
    for where, code in found.items():
        assert listed[where].startswith(code + ":"), (where, code, listed[where])


def test_bad_rows_hold_the_value_they_name(root: Path) -> None:
    for row in read_csv(root / "bad_rows.csv"):
        _, cells = read_cells(root / "delivery" / row["dataset"] / row["file"])
        written = [c for c in cells[int(row["row"]) - 1]]
        reason = row["reason"]
        if reason.startswith(("bad_date", "bad_month", "bad_amount", "bad_headcount")):
            # The value follows the column's label: `found_on (发现日期) 2024-06-31`.
            assert reason.split(") ", 1)[1] in written, (reason, written)
        elif "scientific notation" in reason:
            assert any((isinstance(c, float) and c > 1e17) or "E+17" in str(c) for c in written)
        elif "wrong length" in reason:
            length = int(reason.split("(")[1].split(" ")[0])
            assert any(isinstance(c, str) and c.isalnum() and len(c) == length for c in written)


def test_non_data_rows_are_exactly_the_titles_headers_blanks_and_totals(
        root: Path, delivery: Delivery) -> None:
    listed = {(r["dataset"], r["file"], r["sheet"], int(r["row"]), r["kind"])
              for r in read_csv(root / "non_data_rows.csv")}
    assert set(delivery.non_data) == listed
    kinds = {kind for *_, kind in listed}
    assert kinds == {"title", "header", "blank", "total"}


def test_every_kind_of_defect_is_there(root: Path) -> None:
    reasons = {r["reason"].split(":")[0] for r in read_csv(root / "bad_rows.csv")}
    assert reasons == {"bad_id", "bad_date", "bad_month", "bad_amount", "missing_required",
                       "bad_credit_code", "bad_headcount", "bad_datetime"}
    ids = {r["reason"] for r in read_csv(root / "bad_rows.csv") if r["reason"].startswith("bad_")}
    assert any("scientific notation" in r for r in ids)
    assert any("wrong length" in r for r in ids)


def test_a_second_run_replaces_its_own_delivery_only(tmp_path: Path) -> None:
    generate_county(tmp_path / "a", 1500, 3, "xlsx")
    generate_county(tmp_path / "a", 1500, 3, "csv")
    assert {p.suffix for p in files(tmp_path / "a")} == {".csv"}
    foreign = tmp_path / "b" / "delivery" / "payments"
    foreign.mkdir(parents=True)
    (foreign / "real.csv").write_text("项目名称\n", "utf-8")
    with pytest.raises(FileExistsError):
        generate_county(tmp_path / "b", 1500, 3)
