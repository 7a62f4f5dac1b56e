"""Writing a batch as a department's clerk would (contract §1), and its screening truth."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sunlight.contract.datasets import DATASETS
from sunlight.synth.badrows import plan_defects
from sunlight.synth.batch.rows import BATCH_MONTH, UNREADABLE, BatchRow
from sunlight.synth.delivery import ENCODINGS, chinese_date, totals_row
from sunlight.synth.messiness import Habits, Raw, RowFormatter, Value, choose_style, with_blanks
from sunlight.synth.periods import EXPORT_DAY, month_number, year_of
from sunlight.synth.tables import Row
from sunlight.synth.world import World
from sunlight.synth.writers import write_table

SCREEN_TRUTH_COLUMNS = ("row", "expect", "model", "note")
TruthRow = tuple[int, str, str, str]


@dataclass(frozen=True)
class WrittenBatch:
    path: Path
    truth: list[TruthRow]
    """One row per data row of the batch, in row order."""


def batch_name() -> str:
    return f"待发放清单_{year_of(BATCH_MONTH)}年{month_number(BATCH_MONTH)}月"


def _values(row: BatchRow) -> tuple[Value, ...]:
    """The payments dataset's columns, in the contract's order; no bank date yet."""
    person = row.person
    id_number: Value = Raw(row.id_text) if row.id_text else person.id_number
    name: Value = Raw(row.name) if row.name is not None else (
        person.name if row.plain else Raw(person.name))
    return (row.program, id_number, name, row.period, None, row.amount, row.account,
            row.township, row.village)


def write_batch(world: World, rows: Sequence[BatchRow], folder: Path, seed: int,
                file_format: str = "mixed", unreadable: int = 2) -> WrittenBatch:
    """Write the rows as one file in FOLDER; `unreadable` continuing rows are spoilt on the way."""
    rng = random.Random(f"{seed}/next-batch/file")
    if file_format == "mixed":
        file_format = rng.choice(("xlsx", "csv"))
    encoding = rng.choice(ENCODINGS) if file_format == "csv" else ""
    dataset = DATASETS["payments"]
    month = f"{year_of(BATCH_MONTH)}年{month_number(BATCH_MONTH)}月"
    titles = (f"{world.county.name}{month}惠民惠农补贴资金待发放清单",
              f"填报单位：{world.county.name}民政局    填报日期：{chinese_date(EXPORT_DAY)}")
    style = choose_style(rng, dataset, file_format, encoding, titles, Habits(),
                         omit=("paid_on",))
    style = with_blanks(rng, style, len(rows))
    table = [Row(_values(r), noisy=r.plain, spare=r.plain) for r in rows]
    spoilt = {bad.index: bad.reason
              for bad in plan_defects(rng, dataset, style, table, unreadable, rng.randrange(8))}
    formatter = RowFormatter(rng, dataset, style, world.catalog)
    cells = [formatter.cells(row.values, row.noisy) for row in table]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{batch_name()}.{file_format}"
    written = write_table(path, style, cells, totals_row("payments", style, table))
    truth = [(number, UNREADABLE, "", spoilt[index]) if index in spoilt
             else (number, row.expect, row.model, row.note)
             for index, (number, row) in enumerate(zip(written.row_numbers, rows, strict=True))]
    return WrittenBatch(path, truth)


def interleave(rng: random.Random, continuing: list[BatchRow], injected: list[BatchRow]
               ) -> list[BatchRow]:
    """The injected rows placed among the continuing ones, each group kept in its order."""
    slots = sorted(rng.randint(0, len(continuing)) for _ in injected)
    rows: list[BatchRow] = []
    taken = 0
    for row, slot in zip(injected, slots, strict=True):
        rows += continuing[taken:slot]
        rows.append(row)
        taken = slot
    return rows + continuing[taken:]
