"""A generated county's next month: the payment batch (待发放清单) a department is about to
send, with a bad row for each screened model, a clean look-alike for each, and the truth."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sunlight.synth.batch import conflicts, identity, lifecycle, money
from sunlight.synth.batch.picks import Picker
from sunlight.synth.batch.rows import BATCH_MONTH, EITHER, HOLD, PASS, UNREADABLE, BatchRow
from sunlight.synth.batch.rows import continuing_rows as continuing_rows
from sunlight.synth.batch.writing import (
    SCREEN_TRUTH_COLUMNS,
    WrittenBatch,
    batch_name,
    interleave,
    write_batch,
)
from sunlight.synth.cases.book import CaseBook, Scarce
from sunlight.synth.world import World

# Scarce material first, as for the delivery's cases.
_SCENARIOS: tuple[Callable[[Picker], list[BatchRow]], ...] = (
    lifecycle.ineligible_age, lifecycle.deceased, money.approval, conflicts.official,
    conflicts.relative, conflicts.asset_owner, lifecycle.before_birth,
    lifecycle.ineligible_disability, identity.unregistered, identity.name_mismatch,
    identity.shared_account, money.duplicate, money.over_standard, money.exclusive,
)


@dataclass
class NextMonth:
    """The batch's injected rows, decided before the delivery is written (some change the
    registries: a death in the batch's month, a new enrollment's approval chain)."""

    injected: list[BatchRow] = field(default_factory=list)
    shortfalls: list[str] = field(default_factory=list)


def inject_next_month(book: CaseBook) -> NextMonth:
    """Build every batch case and trap on households no delivery case has taken."""
    plan, pick = NextMonth(), Picker(book)
    for scenario in _SCENARIOS:
        try:
            plan.injected += scenario(pick)
        except Scarce as exc:
            plan.shortfalls.append(f"next batch: {exc}")
    return plan


def write_next_month(world: World, plan: NextMonth, out: Path, seed: int,
                     file_format: str = "mixed") -> WrittenBatch:
    """OUT/batch/待发放清单_….csv|xlsx and OUT/screen_truth.csv (written by the caller)."""
    rng = random.Random(f"{seed}/next-batch/order")
    rows = interleave(rng, continuing_rows(world), plan.injected)
    return write_batch(world, rows, out / "batch", seed, file_format)


def write_continuing_batch(world: World, rows_wanted: int, path: Path, seed: int = 1) -> Path:
    """A batch of continuing payees only, month after month until it has `rows_wanted` rows
    (the benchmark's batches: a quarter's or a half-year's payments at once)."""
    months, rows = BATCH_MONTH, continuing_rows(world, (BATCH_MONTH,))
    if not rows:
        raise ValueError("the county has no continuing payee")
    while len(rows) < rows_wanted:
        months += 1
        rows += continuing_rows(world, (months,))
    written = write_batch(world, rows[:rows_wanted], path.parent, seed, "csv", unreadable=0)
    return written.path.rename(path)


__all__ = ["BATCH_MONTH", "EITHER", "HOLD", "PASS", "SCREEN_TRUTH_COLUMNS", "UNREADABLE",
           "BatchRow", "NextMonth", "WrittenBatch", "batch_name", "continuing_rows",
           "inject_next_month", "write_continuing_batch", "write_next_month"]
