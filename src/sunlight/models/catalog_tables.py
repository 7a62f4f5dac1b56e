"""The program catalog as tables the models join: standards and eligibility never live in SQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pyarrow as pa

from sunlight.contract.catalog import BASIS_KEYS, Catalog, Program, Standard

EARLIEST = date(1, 1, 1)


def _month(text: str) -> date:
    return date(int(text[:4]), int(text[5:7]), 1)


def programs_table(catalog: Catalog) -> pa.Table:
    rows = catalog.programs
    return pa.table({
        "code": pa.array([p.code for p in rows], pa.string()),
        "name": pa.array([p.name for p in rows], pa.string()),
        "period": pa.array([p.period for p in rows], pa.string()),
        "min_age": pa.array([p.eligibility.min_age for p in rows], pa.int32()),
        "land_type": pa.array([p.land_type for p in rows], pa.string()),
        "subject": pa.array([p.subject for p in rows], pa.string()),
        "basis": pa.array([p.basis for p in rows], pa.string()),
    })


StandardRow = tuple[str, date, date | None, dict[str, Decimal | None]]


def _amounts(standard: Standard) -> dict[str, Decimal | None]:
    """The standard's amount under its basis's column, the other columns empty."""
    return {key: None if getattr(standard, key) is None else Decimal(str(getattr(standard, key)))
            for key in BASIS_KEYS.values()}


def _standard_rows(program: Program) -> list[StandardRow]:
    # The earliest standard also covers periods before its month, as Program.standard_for does.
    ordered = sorted(program.standards, key=lambda s: s.valid_from)
    rows = []
    for index, standard in enumerate(ordered):
        start = EARLIEST if index == 0 else _month(standard.valid_from)
        end = _month(ordered[index + 1].valid_from) if index + 1 < len(ordered) else None
        rows.append((program.code, start, end, _amounts(standard)))
    return rows


# Money columns (max_amount, per_claimed_worker, per_roster_day) are to the fen; a rate per 亩
# carries four decimals.
_AMOUNT_TYPES = {key: pa.decimal128(18, 4) if key == "rate_per_mu" else pa.decimal128(18, 2)
                 for key in BASIS_KEYS.values()}


def standards_table(catalog: Catalog) -> pa.Table:
    """One row per dated standard: its months, and its amount in the column of its basis."""
    rows = [row for program in catalog.programs for row in _standard_rows(program)]
    return pa.table({
        "program": pa.array([r[0] for r in rows], pa.string()),
        "valid_from": pa.array([r[1] for r in rows], pa.date32()),
        "valid_to": pa.array([r[2] for r in rows], pa.date32()),
        **{key: pa.array([r[3][key] for r in rows], kind) for key, kind in _AMOUNT_TYPES.items()},
    })


def levels_table(catalog: Catalog) -> pa.Table:
    pairs = [(p.code, level) for p in catalog.programs for level in p.eligibility.disability_levels]
    return pa.table({"program": pa.array([p for p, _ in pairs], pa.string()),
                     "level": pa.array([v for _, v in pairs], pa.int32())})


def excludes_table(catalog: Catalog) -> pa.Table:
    pairs = [(p.code, other) for p in catalog.programs for other in p.excludes]
    return pa.table({"program": pa.array([p for p, _ in pairs], pa.string()),
                     "excluded": pa.array([o for _, o in pairs], pa.string())})


def catalog_tables(catalog: Catalog) -> dict[str, pa.Table]:
    """Every catalog table by the name the models use."""
    return {
        "programs": programs_table(catalog),
        "program_standards": standards_table(catalog),
        "program_levels": levels_table(catalog),
        "program_excludes": excludes_table(catalog),
    }
