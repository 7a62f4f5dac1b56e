"""Ingesting into the warehouse: no-ops, later files, replacement, all-or-nothing."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from sunlight.ingest import batch as batch_module
from sunlight.ingest.pipeline import IngestRefused, ingest, plan_delivery
from sunlight.warehouse.store import Warehouse
from tests.conftest import write_csv

HEADER = ["项目名称", "身份证号", "姓名", "所属期", "金额", "银行账号"]


def payments(month: int, people: int = 3) -> list[list[str]]:
    return [HEADER] + [["低保", "610327197106050172", f"人{n}", f"2024-{month:02d}", "500",
                        f"62174937308206892{n:02d}"] for n in range(people)]


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != ".lock"}


def payment_rows(warehouse: Warehouse) -> int:
    files = [str(p) for p in warehouse.table_files("payments")]
    row = duckdb.execute("SELECT count(*) FROM read_parquet(?)", [files]).fetchone()
    return int(row[0]) if row else 0


def test_same_bytes_again_is_a_reported_no_op(tmp_path: Path, warehouse: Warehouse):
    path = write_csv(tmp_path / "d" / "payments" / "2024-03.csv", payments(3))
    ingest(warehouse, [(path, "payments")])
    before = snapshot(warehouse.root)
    copy = write_csv(tmp_path / "elsewhere.csv", payments(3))
    [outcome] = ingest(warehouse, [(copy, "payments")])
    assert outcome.status == "already_ingested" and "2024-03.csv" in outcome.message
    assert snapshot(warehouse.root) == before


def test_a_later_file_adds_rows_and_replace_swaps_them(tmp_path: Path, warehouse: Warehouse):
    ingest(warehouse, [(write_csv(tmp_path / "march.csv", payments(3)), "payments")])
    ingest(warehouse, [(write_csv(tmp_path / "april.csv", payments(4)), "payments")])
    assert payment_rows(warehouse) == 6
    corrected = write_csv(tmp_path / "v2" / "april.csv", payments(4, people=1))
    [outcome] = ingest(warehouse, [(corrected, "payments")], replace=True)
    assert len(outcome.replaced) == 1
    assert payment_rows(warehouse) == 4
    assert len(list((warehouse.root / "payments").glob("*.parquet"))) == 2


def test_a_refused_file_leaves_the_whole_delivery_unwritten(tmp_path: Path, warehouse: Warehouse):
    ingest(warehouse, [(write_csv(tmp_path / "first.csv", payments(1)), "payments")])
    before = snapshot(warehouse.root)
    good = write_csv(tmp_path / "d" / "payments" / "good.csv", payments(2))
    bad = write_csv(tmp_path / "d" / "payments" / "bad.csv", [["姓名", "身份证号"], ["王", "1"]])
    with pytest.raises(IngestRefused) as caught:
        ingest(warehouse, [(good, "payments"), (bad, "payments")])
    assert "bad.csv" in str(caught.value) and "account" in str(caught.value)
    assert snapshot(warehouse.root) == before


def test_a_failure_in_the_middle_of_a_file_leaves_the_warehouse_as_it_was(
        tmp_path: Path, warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch):
    ingest(warehouse, [(write_csv(tmp_path / "first.csv", payments(1)), "payments")])
    before = snapshot(warehouse.root)

    write_table = batch_module.pq.write_table

    def disk_full(table: object, where: Path, **options: object) -> None:
        if Path(where).name.startswith("quality-"):
            raise OSError("No space left on device")
        write_table(table, where, **options)

    # Rows are already staged when the findings fail to write.
    monkeypatch.setattr(batch_module.pq, "write_table", disk_full)
    with pytest.raises(OSError, match="No space"):
        ingest(warehouse, [(write_csv(tmp_path / "second.csv", payments(2)), "payments")])
    assert snapshot(warehouse.root) == before


def test_files_left_by_a_crash_are_removed_before_the_next_write(
        tmp_path: Path, warehouse: Warehouse):
    ingest(warehouse, [(write_csv(tmp_path / "first.csv", payments(1)), "payments")])
    orphan = warehouse.root / "payments" / "deadbeefdeadbeef.parquet"
    orphan.write_bytes(b"half a file")
    ingest(warehouse, [(write_csv(tmp_path / "second.csv", payments(2)), "payments")])
    assert not orphan.exists()
    assert payment_rows(warehouse) == 6


def test_parallel_workers_give_the_same_warehouse_as_one(tmp_path: Path, home: Path):
    files = [(write_csv(tmp_path / f"m{m}.csv", payments(m)), "payments") for m in range(1, 5)]
    serial, parallel = Warehouse(home / "serial"), Warehouse(home / "parallel")
    ingest(serial, files, workers=1)
    ingest(parallel, files, workers=2)
    def tables(root: Path) -> set[str]:
        return {k for k in snapshot(root) if not k.startswith("quality/cross-")}

    assert tables(serial.root) == tables(parallel.root)
    assert payment_rows(serial) == payment_rows(parallel) == 12


def test_a_delivery_folder_must_name_datasets(tmp_path: Path):
    write_csv(tmp_path / "payments" / "a.csv", payments(1))
    (tmp_path / "payments" / "~$a.xlsx").write_bytes(b"excel lock file")
    (tmp_path / "payments" / "readme.txt.bak").write_text("not data")
    assert [code for _, code in plan_delivery(tmp_path)] == ["payments"]
    write_csv(tmp_path / "salaries" / "b.csv", payments(1))
    from sunlight.ingest.pipeline import UnusableDelivery
    with pytest.raises(UnusableDelivery, match="'salaries' is not a dataset"):
        plan_delivery(tmp_path)


def test_death_dates_more_than_31_days_apart_are_a_finding(tmp_path: Path, warehouse: Warehouse):
    from sunlight.quality.report import findings

    deaths = write_csv(tmp_path / "deaths.csv", [
        ["身份证号", "姓名", "死亡日期", "信息来源"],
        ["610327197106050172", "王芳", "2023-05-02", "公安注销"],
        ["610327197106050172", "王芳", "2023-05-20", "火化"],
        ["610327197604252594", "李四", "2023-01-01", "公安注销"]])
    residents = write_csv(tmp_path / "residents.csv", [
        ["公民身份号码", "姓名", "户号", "乡镇", "村", "人员状态", "注销日期"],
        ["610327197106050172", "王芳", "1", "东南镇", "北村", "死亡", "2023-07-10"],
        ["610327197604252594", "李四", "2", "东南镇", "北村", "死亡", "2023-01-20"]])
    ingest(warehouse, [(deaths, "deaths"), (residents, "residents")])
    conflicts = [f for f in findings(warehouse) if f[5] == "death_date_conflict"]
    assert conflicts == [("residents", "residents.csv", "", 2, "warning", "death_date_conflict",
                          "2023-07-10")]


def test_residents_alone_can_be_ingested(tmp_path: Path, warehouse: Warehouse):
    residents = write_csv(tmp_path / "residents.csv", [
        ["公民身份号码", "姓名", "户号", "乡镇", "村", "人员状态", "注销日期"],
        ["610327197106050172", "王芳", "1", "东南镇", "北村", "死亡", "2023-07-10"]])
    [outcome] = ingest(warehouse, [(residents, "residents")])
    assert outcome.status == "ingested"
    assert len(warehouse.table_files("residents")) == 1


def test_replace_after_the_fact_keeps_the_version_named(tmp_path: Path, warehouse: Warehouse):
    first = write_csv(tmp_path / "a" / "1月.csv", payments(1, people=3))
    second = write_csv(tmp_path / "b" / "1月.csv", payments(1, people=2))
    ingest(warehouse, [(first, "payments")])
    [added] = ingest(warehouse, [(second, "payments")])
    assert added.same_name and payment_rows(warehouse) == 5
    [again] = ingest(warehouse, [(first, "payments")], replace=True)
    assert again.status == "already_ingested" and len(again.replaced) == 1
    assert payment_rows(warehouse) == 3


def test_a_company_registry_with_the_v11_status_date_keeps_it_as_a_date(
        tmp_path: Path, warehouse: Warehouse):
    rows = [["统一社会信用代码", "企业名称", "法定代表人身份证号", "登记状态", "注销日期"],
            ["91610327MA6X4B2C3D", "某某商贸", "610327197106050172", "注销", "2023年5月8日"],
            ["91610327MA6X4B2C4E", "某某养殖", "610327197106050172", "存续", ""]]
    ingest(warehouse, [(write_csv(tmp_path / "企业.csv", rows), "businesses")])
    files = [str(p) for p in warehouse.table_files("businesses")]
    found = duckdb.execute("SELECT status, CAST(status_date AS VARCHAR) FROM read_parquet(?) "
                           "ORDER BY status", [files]).fetchall()
    assert found == [("存续", None), ("注销", "2023-05-08")]
