"""Section 6's duty roster, a police unit's and a community's alike: shifts, roles, police
numbers, and the rows that cannot be read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.conftest import Cell
from tests.ingest.test_batch import findings_of, prepare, rows_of

LEADER = "610327198804051775"
OFFICER = "610327197508163532"
AUXILIARY = "610327198407045574"
WORKER = "610327199308194499"


def test_a_police_roster_keeps_every_role_shift_and_post(tmp_path: Path):
    # A workbook as a bureau's system exports it: a title, spaced headers in another order,
    # police numbers as number cells, a leader's row without a post, a totals row.
    rows: list[list[Cell]] = [
        ["角 色", "警 号", "班次", "值班日期", "站点", "姓名", "单位", "身份证号"],
        ["带班领导", 610443, "全天", "2024.1.1", "", "孙建", "东风派出所", LEADER],
        ["值班民警", 610449, "夜班", dt.date(2024, 1, 1), "值班室", "叶成民", "东风派出所",
         OFFICER],
        ["辅警", "", "白班", "2024/1/2", "G85千阳卡口", "张山", "交警大队", AUXILIARY],
        ["合计", "", "", "", "", "", "", ""],
    ]
    batch = prepare(tmp_path, rows, "duty_roster", xlsx=True, titles=("陇县公安局勤务排班表",))
    assert (batch.counts.title, batch.counts.total, batch.counts.rejected) == (1, 1, 0)
    assert [(r["date"], r["shift"], r["unit"], r["post"], r["role"], r["id_number"],
             r["police_number"]) for r in rows_of(batch)] == [
        (dt.date(2024, 1, 1), "全天", "东风派出所", None, "带班领导", LEADER, "610443"),
        (dt.date(2024, 1, 1), "夜班", "东风派出所", "值班室", "值班民警", OFFICER, "610449"),
        (dt.date(2024, 1, 2), "白班", "交警大队", "G85千阳卡口", "辅警", AUXILIARY, None),
    ]
    assert findings_of(batch) == []


def test_a_community_roster_reads_its_own_headers(tmp_path: Path):
    rows: list[list[Cell]] = [
        ["日期", " 班次 ", "单位", "岗位", " 勤务类别 ", "身份证号", " 姓名 "],
        ["2024年2月9日", "白 班", "东南镇东关社区", "社区值班室", "社区工作者", WORKER, "雒 亮建"],
    ]
    [row] = rows_of(prepare(tmp_path, rows, "duty_roster"))
    assert (row["date"], row["shift"], row["role"], row["name"]) == (
        dt.date(2024, 2, 9), "白班", "社区工作者", "雒亮建")


def test_a_shift_or_role_the_contract_does_not_name_is_kept_and_reported(tmp_path: Path):
    header = ["日期", "班次", "单位", "角色", "身份证号", "姓名"]
    batch = prepare(tmp_path, [header,
                               ["2024-02-09", "中班", "城关派出所", "值班民警", OFFICER, "叶成民"],
                               ["2024-02-09", "白班", "城关派出所", "协警", AUXILIARY, "张山"]],
                    "duty_roster")
    assert [r["shift"] for r in rows_of(batch)] == ["中班", "白班"]
    assert findings_of(batch) == [(2, "warning", "unknown_value", "中班"),
                                  (3, "warning", "unknown_value", "协警")]


def test_a_roster_row_without_its_date_shift_or_person_is_rejected(tmp_path: Path):
    header = ["日期", "班次", "单位", "角色", "身份证号", "姓名"]
    batch = prepare(tmp_path, [header,
                               ["2024-02-30", "白班", "城关派出所", "辅警", AUXILIARY, "张山"],
                               ["2024-02-09", "", "城关派出所", "辅警", AUXILIARY, "张山"],
                               ["2024-02-09", "白班", "城关派出所", "辅警", "6.10327E+17", "张山"],
                               ["2024-02-09", "白班", "城关派出所", "辅警", AUXILIARY, "张山"]],
                    "duty_roster")
    assert [r["source_row"] for r in rows_of(batch)] == [5]
    assert [f[:3] for f in findings_of(batch)] == [(2, "rejected", "bad_date"),
                                                   (3, "rejected", "missing_required"),
                                                   (4, "rejected", "bad_id")]
