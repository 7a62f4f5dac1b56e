"""The side files beside the delivery: truth.csv, bad_rows.csv, non_data_rows.csv."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

from sunlight.synth.cases import CASE, MODELS, Finding
from sunlight.synth.payments import Ledger

TRUTH_COLUMNS = ("model", "id_number", "account", "program", "township", "period_from",
                 "period_to", "amount", "kind", "subject_id")
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
        elif finding.days is not None:
            period_from, period_to = (d.isoformat() for d in finding.days)
        elif finding.year is not None:
            period_from = period_to = str(finding.year)
        rows.append((finding.model, finding.id_number, finding.account, finding.program,
                     finding.township, period_from, period_to, amount, finding.kind,
                     subject_id(finding, period_from)))
    return sorted(set(rows), key=lambda r: (MODELS.index(r[0]), r[8] != CASE, r[9], *r[1:6]))


def subject_id(finding: Finding, period_from: str) -> str:
    """The warning's subject key as the contract's export writes it (section 4)."""
    if finding.subject_id:
        return finding.subject_id
    if finding.model == "SHARED_ACCOUNT":
        return finding.account
    if finding.model == "FUNDS_WITHHELD":
        return f"{finding.township}/{finding.program}/{period_from}"
    return finding.id_number


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
