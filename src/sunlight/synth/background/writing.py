"""Writing the background: township by township, several townships' rows to a file."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from sunlight.synth.background.identity import IdSlots
from sunlight.synth.background.places import plan_townships
from sunlight.synth.background.registries import (
    certificates,
    deaths_table,
    draw_holdings,
    farmland,
    officials,
    residents_table,
    vehicles,
)
from sunlight.synth.background.residents import Residents, build_residents
from sunlight.synth.background.text import choose, dates, month_labels, repeat, yuan
from sunlight.synth.background.welfare import Paid, Roster, payments, rosters
from sunlight.synth.periods import FIRST_PAID
from sunlight.synth.programs import ANNUAL_PAY_MONTH, Standards
from sunlight.synth.world import World

TOWNSHIPS_PER_FILE = 5
"""A department's file covers several townships: at 10 million residents, a few hundred files."""

Progress = Callable[[str, int, int], None]


@dataclass
class BackgroundReport:
    persons: int
    files: int = 0
    rows: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    headers: list[tuple[str, str]] = field(default_factory=list)
    """(dataset, file name) of every file written: each has its header on row 1."""


@dataclass
class _Pending:
    """Rows of the current group of townships, per (dataset, file name)."""

    tables: dict[tuple[str, str], list[pa.Table]] = field(
        default_factory=lambda: defaultdict(list))

    def add(self, dataset: str, name: str, table: pa.Table) -> None:
        if table.num_rows:
            self.tables[(dataset, name)].append(table)


def write_background(world: World, delivery: Path, persons: int, seed: int,
                     progress: Progress | None = None) -> BackgroundReport:
    """Write `persons` clean residents (and their records) beside the core's files."""
    tell = progress or (lambda stage, done, total: None)
    rng = np.random.default_rng([seed, 17])
    townships = plan_townships(rng, world.county, persons)
    slots = IdSlots(world.county.area_code, world.ids.issued())
    salt = int(rng.integers(0, 10**13))
    report = BackgroundReport(persons)
    allocated: dict[tuple[str, str, int], int] = defaultdict(int)
    pending, households, cars = _Pending(), 0, 0
    for done, township in enumerate(townships, start=1):
        draw = np.random.default_rng([seed, 17, township.index])
        people = build_residents(draw, township, slots, households, salt)
        households += people.head.size
        part = f"第{township.index // TOWNSHIPS_PER_FILE + 1:02d}片"
        holdings = draw_holdings(draw, people)
        pending.add("residents", f"{world.county.name}户籍人口_{township.name}.csv",
                    residents_table(people))
        pending.add("deaths", f"死亡信息_{part}.csv", deaths_table(draw, people))
        pending.add("disability_certs", f"残疾人证信息_{part}.csv",
                    certificates(draw, people, holdings))
        pending.add("land", f"耕地确权登记_{part}.csv", farmland(people, holdings))
        pending.add("officials", f"公职人员及村干部名册_{part}.csv",
                    officials(draw, people, holdings))
        owned = vehicles(draw, people, holdings, cars)
        cars += owned.num_rows
        pending.add("vehicles", f"机动车登记信息_{part}.csv", owned)
        for roster in rosters(draw, people, holdings, world.standards):
            _program(draw, world.standards, people, roster, pending, part, allocated)
        if done % TOWNSHIPS_PER_FILE == 0 or done == len(townships):
            _flush(pending, delivery, report)
            pending = _Pending()
        tell("background", done, len(townships))
    _write(delivery, "allocations", "资金拨付明细_其余乡镇.csv", _allocations(world.standards,
                                                                         allocated), report)
    return report


def _program(rng: np.random.Generator, standards: Standards, people: Residents, roster: Roster,
             pending: _Pending, part: str, allocated: dict[tuple[str, str, int], int]) -> None:
    """A roster's enrollments and payments, and what they add to the township's allocation."""
    name = standards.program(roster.program).name
    pending.add("enrollments", f"{name}花名册_{part}.csv", _enrollments(people, roster, name))
    paid = payments(people, roster, standards)
    annual = standards.is_annual(roster.program)
    pay_day = int(rng.integers(8, 26))
    town = people.township.name
    year = paid.period // 12
    for key in np.unique(year if annual else paid.period // 6):
        rows = np.flatnonzero((year if annual else paid.period // 6) == key)
        label = f"{key}年" if annual else f"{key // 2}年{'下' if key % 2 else '上'}半年"
        pending.add("payments", f"{name}_{label}发放明细_{part}.csv",
                    _payment_rows(people, paid, rows, name, annual, pay_day))
    for y in np.unique(year):
        allocated[(town, roster.program, int(y))] += int(paid.fen[year == y].sum())


def _enrollments(people: Residents, roster: Roster, name: str) -> pa.Table:
    person = pa.array(roster.person)
    columns = {
        "项目名称": repeat(name, roster.person.size),
        "身份证号": people.id_number.take(person),
        "姓名": people.name.take(person),
        "乡镇": repeat(people.township.name, roster.person.size),
        "村": choose(people.township.villages, people.village[people.household[roster.person]]),
        "享受起始年月": month_labels(roster.start),
        "享受终止年月": pc.if_else(pa.array(roster.end < 0), pa.scalar(None, pa.string()),
                                 month_labels(np.maximum(roster.end, FIRST_PAID))),
    }
    if roster.declared is not None:
        columns["申报面积(亩)"] = yuan(roster.declared)
    return pa.table(columns)


def _payment_rows(people: Residents, paid: Paid, rows: np.ndarray, name: str, annual: bool,
                  pay_day: int) -> pa.Table:
    person = paid.person[rows]
    period = paid.period[rows]
    if annual:
        month = period + ANNUAL_PAY_MONTH.get(paid.program, 6) - 1
        label = pc.cast(pa.array(period // 12), pa.string())
    else:
        month, label = period, month_labels(period)
    first = (month - 1970 * 12).astype("M8[M]").astype("M8[D]")
    return pa.table({
        "项目名称": repeat(name, rows.size),
        "身份证号": people.id_number.take(pa.array(person)),
        "姓名": people.name.take(pa.array(person)),
        "所属期": label,
        "发放日期": dates(first + np.timedelta64(pay_day - 1, "D")),
        "金额": yuan(paid.fen[rows]),
        "银行账号": people.account.take(pa.array(people.household[person])),
        "乡镇": repeat(people.township.name, rows.size),
        "村": choose(people.township.villages, people.village[people.household[person]])})


def _allocations(standards: Standards, allocated: dict[tuple[str, str, int], int]) -> pa.Table:
    """What county finance sent each township: what its payments came to, program by year."""
    keys = sorted(allocated)
    return pa.table({
        "项目名称": pa.array([standards.program(code).name for _, code, _ in keys]),
        "年度": pa.array([str(year) for _, _, year in keys]),
        "乡镇": pa.array([town for town, _, _ in keys]),
        "拨付金额": yuan(np.array([allocated[k] for k in keys], dtype=np.int64)),
        "拨付日期": pa.array([f"{year}-01-15" for _, _, year in keys])})


def _flush(pending: _Pending, delivery: Path, report: BackgroundReport) -> None:
    for (dataset, name), tables in pending.tables.items():
        _write(delivery, dataset, name, pa.concat_tables(tables), report)


def _write(delivery: Path, dataset: str, name: str, table: pa.Table,
           report: BackgroundReport) -> None:
    folder = delivery / dataset
    folder.mkdir(parents=True, exist_ok=True)
    pa_csv.write_csv(table, folder / name,
                     pa_csv.WriteOptions(include_header=True, quoting_style="needed"))
    report.files += 1
    report.rows[dataset] += table.num_rows
    report.headers.append((dataset, name))
