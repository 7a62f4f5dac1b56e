"""Holding a generated county against its truth files (shared by the tests)."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from sunlight.contract.catalog import load_catalog
from tests.synth.readback import Delivery
from tests.synth.reference import Hit, Reference


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def subject(row: dict[str, str]) -> str:
    if row["model"] == "FUNDS_WITHHELD":
        return f"{row['township']}/{row['program']}/{row['period_from']}"
    return row.get("subject_id") or row["account"] or row["id_number"]


@dataclass
class Comparison:
    missed: list[dict[str, str]] = field(default_factory=list)
    """Cases the reference models do not raise."""
    wrong_amount: list[tuple[dict[str, str], Hit]] = field(default_factory=list)
    sprung: list[dict[str, str]] = field(default_factory=list)
    """Traps that fired."""
    unexpected: list[Hit] = field(default_factory=list)
    """Findings in the background: neither a case nor anything truth.csv knows."""


def compare(root: Path, delivery: Delivery | None = None) -> Comparison:
    delivery = delivery or Delivery(root).read()
    hits = Reference(delivery, load_catalog()).run()
    index: dict[tuple[str, str, str], Hit] = {}
    for hit in hits:
        index[(hit.model, hit.subject, hit.program)] = hit
    by_subject = {(h.model, h.subject) for h in hits}
    result = Comparison()
    truth = read_csv(root / "truth.csv")
    expected = set()
    for row in truth:
        key = (row["model"], subject(row), row["program"])
        hit = index.get(key)
        if row["kind"] == "trap":
            if (row["model"], subject(row)) in by_subject and (
                    row["model"] in ("SHARED_ACCOUNT", "EXCLUSIVE_PROGRAMS") or hit is not None):
                result.sprung.append(row)
            continue
        expected.add(key)
        if hit is None:
            result.missed.append(row)
        elif (f"{hit.amount / 100:.2f}" if row["amount"] else "", hit.period_from,
              hit.period_to) != (row["amount"], row["period_from"], row["period_to"]):
            result.wrong_amount.append((row, hit))
    result.unexpected = [h for h in hits if (h.model, h.subject, h.program) not in expected]
    return result
