"""The rows a screening's page lists: those held and those unreadable, read back from its
verdict CSV (nothing of the batch is kept in the database), held first, each in batch order."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from sunlight.screening.verdicts import HOLD, MODEL_SEPARATOR, UNREADABLE, VERDICT_COLUMNS

SHOWN = 200
"""Rows of each kind listed on the page; the verdict files hold them all."""


@dataclass(frozen=True)
class ShownRow:
    """One held or unreadable row of the batch, as the verdict CSV has it."""

    row: int
    id_number: str
    name: str
    program: str
    period: str
    amount: str
    verdict: str
    models: tuple[str, ...]
    explanation: str


@dataclass(frozen=True)
class Shown:
    held: list[ShownRow]
    unreadable: list[ShownRow]


def shown_rows(path: Path, limit: int = SHOWN) -> Shown:
    """The first `limit` held and unreadable rows of the verdict CSV at `path` (streamed)."""
    held: list[ShownRow] = []
    unreadable: list[ShownRow] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        at = {name: header.index(name) for name in VERDICT_COLUMNS if name in header}
        if len(at) != len(VERDICT_COLUMNS):
            raise ValueError(f"{path} does not have the verdict columns: {header}")
        for cells in reader:
            verdict = cells[at["verdict"]]
            kept = held if verdict == HOLD else unreadable if verdict == UNREADABLE else None
            if kept is None or len(kept) >= limit:
                continue
            kept.append(ShownRow(
                row=int(cells[at["row"]]), id_number=cells[at["id_number"]],
                name=cells[at["name"]], program=cells[at["program"]],
                period=cells[at["period"]], amount=cells[at["amount"]], verdict=verdict,
                models=tuple(m for m in cells[at["models"]].split(MODEL_SEPARATOR) if m),
                explanation=cells[at["explanation"]]))
    return Shown(held, unreadable)
