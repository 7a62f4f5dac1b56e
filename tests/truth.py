"""Holding a warnings export to a county's truth.csv: every case found as stated, no trap fired."""

from __future__ import annotations

import csv
from pathlib import Path


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def subject(row: dict[str, str]) -> tuple[str, ...]:
    """Who a truth row or an exported warning is about, in the columns both share."""
    model = row["model"]
    if model == "FUNDS_WITHHELD":
        return (model, row["township"], row["program"], row["period_from"])
    if model == "SHARED_ACCOUNT":
        return (model, row["account"])
    return (model, row["id_number"])


def problems(exported: list[dict[str, str]], truth: list[dict[str, str]]) -> list[str]:
    """Cases missed or stated wrongly, traps that fired, and warnings the truth does not hold."""
    found: dict[tuple[str, ...], list[dict[str, str]]] = {}
    for warning in exported:
        found.setdefault(subject(warning), []).append(warning)
    wrong = []
    for expected in truth:
        fired = found.pop(subject(expected), [])
        if expected["kind"] == "trap":
            wrong += [f"trap fired: {expected} as {w['warning_id']}" for w in fired]
            continue
        # A case without a program (EXCLUSIVE_PROGRAMS, SHARED_ACCOUNT) accepts any program.
        matching = [w for w in fired if not expected["program"]
                    or w["program"] == expected["program"]]
        stated = {(w["period_from"], w["period_to"], w["amount"]) for w in matching}
        want = (expected["period_from"], expected["period_to"], expected["amount"])
        if want not in stated:
            wrong.append(f"case {expected} found as {sorted(stated) or 'nothing'}")
    wrong += [f"not in the truth: {w}" for rest in found.values() for w in rest]
    return wrong
