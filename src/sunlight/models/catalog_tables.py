"""The program catalog as tables the models join: standards and eligibility never live in SQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pyarrow as pa

from sunlight.contract.catalog import Catalog, Program

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
    })


def _standard_rows(program: Program) -> list[tuple[str, date, date | None, Decimal | None,
                                                   Decimal | None]]:
    # The earliest standard also covers periods before its month, as Program.standard_for does.
    ordered = sorted(program.standards, key=lambda s: s.valid_from)
    rows = []
    for index, standard in enumerate(ordered):
        start = EARLIEST if index == 0 else _month(standard.valid_from)
        end = _month(ordered[index + 1].valid_from) if index + 1 < len(ordered) else None
        rows.append((
            program.code, start, end,
            None if standard.max_amount is None else Decimal(str(standard.max_amount)),
            None if standard.rate_per_mu is None else Decimal(str(standard.rate_per_mu)),
        ))
    return rows


def standards_table(catalog: Catalog) -> pa.Table:
    rows = [row for program in catalog.programs for row in _standard_rows(program)]
    return pa.table({
        "program": pa.array([r[0] for r in rows], pa.string()),
        "valid_from": pa.array([r[1] for r in rows], pa.date32()),
        "valid_to": pa.array([r[2] for r in rows], pa.date32()),
        "max_amount": pa.array([r[3] for r in rows], pa.decimal128(18, 2)),
        "rate_per_mu": pa.array([r[4] for r in rows], pa.decimal128(18, 4)),
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
