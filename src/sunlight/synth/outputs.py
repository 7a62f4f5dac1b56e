"""The side files beside the delivery: truth.csv, bad_rows.csv, non_data_rows.csv."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

from sunlight.synth.cases import CASE, MODELS, Finding
from sunlight.synth.payments import Ledger

TRUTH_COLUMNS = ("model", "id_number", "account", "program", "township", "period_from",
                 "period_to", "amount", "kind")
BAD_ROW_COLUMNS = ("dataset", "file", "sheet", "row", "reason")
NON_DATA_COLUMNS = ("dataset", "file", "sheet", "row", "kind")


def truth_rows(findings: Iterable[Finding], ledger: Ledger) -> list[tuple[str, ...]]:
    """One row per finding, amounts measured on what the payment files actually say."""
    rows = []
    for finding in findings:
        period_from = period_to = amount = ""
        if finding.measure is not None:
            measure = finding.measure(ledger)
            period_from, period_to = measure.period_from, measure.period_to
            amount = f"{measure.amount / 100:.2f}"
        elif finding.year is not None:
            period_from = period_to = str(finding.year)
        rows.append((finding.model, finding.id_number, finding.account, finding.program,
                     finding.township, period_from, period_to, amount, finding.kind))
    return sorted(set(rows), key=lambda r: (MODELS.index(r[0]), r[8] != CASE, r[1], r[2], r[3],
                                            r[4], r[5]))


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
