"""What an applicant already stands to be paid: their enrollments in other programs that cover
the period applied for, with no payment for it yet.

A payment batch shows exclusive programs only once both are paid; an application comes
before the money, and the month applied for is usually not paid yet in any program. So
each such enrollment is laid beside the application as the payment it brings for that
period (at its program's catalog standard), and EXCLUSIVE_PROGRAMS judges the two as it
judges two payments: "already enrolled in an exclusive program" by the model's own rule.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pyarrow as pa

from sunlight.contract.catalog import Catalog, Program
from sunlight.screening.application_input import ApplicantRows, screenable, standard_amount
from sunlight.screening.warm_warehouse import sql_list, sql_literal
from sunlight.warehouse.engine import Engine


def standing_enrollments(engine: Engine, rows: ApplicantRows, enrollments: str = "enrollments",
                         payments: str = "payments", households: list[str] | None = None
                         ) -> list[tuple[str, Decimal | None]]:
    """(program, largest declared area) of the applicant's other programs that cover the
    period and have not paid it. `households`: the applicant's keys in tables that hold a
    `_household` column sorted (the warm warehouse's), so that one block is read."""
    narrowed = "TRUE" if households is None else (
        "_household IN " + sql_list(households))
    person, start, end = sql_literal(rows.id_number), sql_literal(rows.period_start), \
        sql_literal(rows.period_end)
    found = engine.query_few(f"""
        SELECT e.program_code AS program, max(e.declared_area) AS declared_area
        FROM {enrollments} AS e
        WHERE {narrowed} AND e.id_number = {person} AND e.program_code IS NOT NULL
          AND e.program_code <> {sql_literal(rows.program)}
          AND e.start_month <= {end} AND (e.end_month IS NULL OR e.end_month >= {start})
          AND NOT EXISTS (
              SELECT 1 FROM {payments} AS p
              WHERE {narrowed} AND p.id_number = {person} AND p.program_code = e.program_code
                AND p.period_start <= {end} AND p.period_end >= {start})
        GROUP BY e.program_code ORDER BY e.program_code""")
    return list(zip(found.column("program").to_pylist(),
                    found.column("declared_area").to_pylist(), strict=True))


def with_standing(rows: ApplicantRows, standing: list[tuple[str, Decimal | None]],
                  catalog: Catalog) -> ApplicantRows:
    """The application's rows with a payment row per standing enrollment (rows 2, 3 ... of
    the application's file), for the period applied for as that program counts periods."""
    extra = [_payment(rows, catalog, code, area, number)
             for number, (code, area) in enumerate(standing, start=2)
             if _stands_for(catalog.by_code[code], rows.period, area)]
    if not extra:
        return rows
    return replace(rows, payment=pa.concat_tables([rows.payment, *extra]))


def _stands_for(program: Program, period: str, area: Decimal | None) -> bool:
    """Whether a standing enrollment adds a payment: one paid by area needs its area, and one
    paid per roster day has no amount before its roster is known."""
    return screenable(program) and (program.standard_for(period).basis != "area" or bool(area))


def _payment(rows: ApplicantRows, catalog: Catalog, code: str, area: Decimal | None,
             number: int) -> pa.Table:
    program = catalog.by_code[code]
    year, month = rows.period_start.year, rows.period_start.month
    if program.period == "year":
        start, end, period = date(year, 1, 1), date(year, 12, 31), f"{year:04d}"
    else:
        start, end = date(year, month, 1), date(year, month, monthrange(year, month)[1])
        period = f"{year:04d}-{month:02d}"
    first = rows.payment.slice(0, 1).to_pylist()[0]
    first.update(program=program.name, program_code=code, period=period, period_start=start,
                 period_end=end, amount=standard_amount(program, period, area),
                 source_row=number)
    return pa.Table.from_pylist([first], schema=rows.payment.schema)
