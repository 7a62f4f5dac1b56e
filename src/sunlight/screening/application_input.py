"""One application read as ingestion reads a row: the rows it would add if it were approved.

An application (ID number, name, program, optional declared area and month) goes through
ingestion's own normalisers and checks (`ingest.distinct`), as the cells of a delivered row
would: the ID made canonical, the program found by name, alias or code, the month read in any
form a department writes it. It becomes an enrollment row (start: the month applied for, with
the declared area) and a payment row at the catalog standard for that month, as the models
will see them once it is approved and paid.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pyarrow as pa

from sunlight.clock import local_today
from sunlight.contract.applications import APPLICATIONS, RefusalCode
from sunlight.contract.catalog import Catalog, Program
from sunlight.contract.datasets import Dataset, dataset
from sunlight.ingest import distinct
from sunlight.ingest.distinct import Distinct, StackedRows
from sunlight.warehouse.tables import Overlay

CENT = Decimal("0.01")
FILE_NAME = "申请核查"
"""The file an application's rows are said to come from (evidence rows name it)."""

_PAYMENT_COLUMNS = ("program", "id_number", "name", "period")


@dataclass(frozen=True)
class Application:
    """An application as a clerk types it; every field is text, as in a delivered file."""

    id_number: str
    name: str
    program: str
    declared_area: str | None = None
    """亩, for programs paid by area; must be absent for the others."""
    period: str | None = None
    """The month applied for (`2026-12`, `2026年12月` ...; a year for annual programs);
    default: the current month in the county."""


class ApplicationRefused(ValueError):
    """An application that cannot be screened: the reason in English and in Chinese."""

    def __init__(self, code: RefusalCode, detail: str = "") -> None:
        self.code = code
        self.chinese = APPLICATIONS.refusals[code]
        self.detail = detail
        super().__init__(f"application refused ({code}){': ' + detail if detail else ''}")


@dataclass(frozen=True)
class ApplicantRows:
    """The application as canonical rows, and what they say, for the verdict."""

    id_number: str
    name: str
    program: str
    """The catalog code."""
    program_name: str
    period: str
    """`YYYY-MM`, or `YYYY` for an annual program."""
    period_start: date
    period_end: date
    amount: Decimal
    """The catalog standard for the period (rate × declared area for programs paid by area)."""
    declared_area: Decimal | None
    payment: pa.Table
    """One row of the payments table (canonical columns and lineage)."""
    enrollment: pa.Table
    """One row of the enrollments table."""
    file_hash: str
    """Stands for the application as a batch's file hash stands for its file."""

    def overlays(self) -> dict[str, Overlay]:
        """The two rows as screening lays rows over the warehouse: each beside the committed
        rows of the same person (their history: a period already paid, another program)."""
        return {dataset: Overlay(rows, self.file_hash, FILE_NAME, ("id_number",))
                for dataset, rows in (("payments", self.payment),
                                      ("enrollments", self.enrollment))}


class ApplicationReader:
    """Reads applications against one catalog.

    The program and month of an application are few distinct texts across many applications:
    what ingestion's normalisers make of them is kept (bounded), so that only the ID number
    and the name are normalised anew each time.
    """

    _KEPT = 1_024

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._programs: dict[tuple[str, str], dict[str, Distinct]] = {}

    def read(self, application: Application) -> ApplicantRows:
        """The application's rows, or ApplicationRefused saying what is wrong with it."""
        _check_lengths(application)
        person = _normalised("payments", ("id_number", "name"), {
            "id_number": application.id_number, "name": application.name}, self.catalog)
        program_and_period = self._program_and_period(application.program,
                                                      application.period or _this_month())
        read = {**person, **program_and_period}
        _refuse_unreadable(read)
        program = self.catalog.by_code[str(_value(read, "program_code"))]
        _refuse_unscreenable(program)
        period = str(_value(read, "period"))
        area = _declared_area(application.declared_area, program, period, self.catalog)
        return _rows(application, read, program, period, area)

    def _program_and_period(self, program: str, period: str) -> dict[str, Distinct]:
        found = self._programs.get((program, period))
        if found is None:  # a web server's threads may race here: both compute the same
            if len(self._programs) >= self._KEPT:
                self._programs.clear()
            found = _normalised("payments", ("program", "period"), {
                "program": program, "period": period}, self.catalog)
            self._programs[(program, period)] = found
        return found


def read_application(application: Application, catalog: Catalog) -> ApplicantRows:
    """The application's rows, or ApplicationRefused saying what is wrong with it."""
    return ApplicationReader(catalog).read(application)


def screenable(program: Program) -> bool:
    """Whether an application's amount follows from the catalog alone: a person's program paid
    its most per period or by declared area (not per roster day, known after the month)."""
    return program.subject == "person" and program.basis in ("period", "area")


def _refuse_unscreenable(program: Program) -> None:
    if program.subject == "company":
        raise ApplicationRefused("company_program", program.code)
    if not screenable(program):
        raise ApplicationRefused("paid_by_roster", program.code)


def standard_amount(program: Program, period: str, area: Decimal | None) -> Decimal:
    """What the catalog pays for the period: its monthly or yearly most, or rate × area (only
    for a screenable program)."""
    standard = program.standard_for(period)
    if standard.basis == "area":
        assert area is not None  # _declared_area refused its absence
        return (Decimal(str(standard.rate)) * area).quantize(CENT, ROUND_HALF_UP)
    assert standard.basis == "period", f"{program.code} is not screened by application"
    return Decimal(str(standard.rate)).quantize(CENT)


def _rows(application: Application, read: dict[str, Distinct], program: Program, period: str,
          area: Decimal | None) -> ApplicantRows:
    amount = standard_amount(program, period, area)
    id_number, name = str(_value(read, "id_number")), str(_value(read, "name"))
    start, end = _value(read, "period_start"), _value(read, "period_end")
    assert isinstance(start, date) and isinstance(end, date)  # a readable period has both
    digest = hashlib.sha256("\x1f".join(
        (id_number, name, program.code, period, str(area))).encode("utf-8")).hexdigest()
    # Typed: inferring a type from Python values makes pyarrow try importing pandas and
    # dateutil each time, about 5 ms per application where they are not installed.
    text = pa.string()
    lineage = {"source_file_hash": pa.array([digest], text),
               "source_file": pa.array([FILE_NAME], text),
               "source_sheet": pa.array([""], text), "source_row": pa.array([1], pa.int32())}
    written = {"program": pa.array([program.name], text),
               "program_code": pa.array([program.code], text),
               "id_number": pa.array([id_number], text),
               "id_number_as_written": pa.array([application.id_number], text),
               "id_number_checksum_ok": pa.array([True], pa.bool_()),
               "name": pa.array([name], text)}
    payment_row = pa.table({
        **written, "period_start": pa.array([start], pa.date32()),
        "period": pa.array([period], text),
        "period_end": pa.array([end], pa.date32()),
        "amount": pa.array([amount], pa.decimal128(18, 2)), **lineage})
    enrollment_row = pa.table({
        **written, "start_month": pa.array([start], pa.date32()),
        "declared_area": pa.array([area], pa.decimal128(18, 4)), **lineage})
    return ApplicantRows(id_number, name, program.code, program.name, period, start, end,
                         amount, area, payment_row, enrollment_row, digest)


def _check_lengths(application: Application) -> None:
    limit = APPLICATIONS.max_field_chars
    fields = (application.id_number, application.name, application.program,
              application.declared_area or "", application.period or "")
    if any(len(text) > limit for text in fields):
        raise ApplicationRefused("too_long", f"a field is longer than {limit} characters")


def _this_month() -> str:
    today: date = local_today()
    return f"{today.year:04d}-{today.month:02d}"


def _normalised(code: str, columns: tuple[str, ...], texts: dict[str, str],
                catalog: Catalog) -> dict[str, Distinct]:
    """The texts through ingestion's normalisers and checks, as one delivered row."""
    whole = dataset(code)
    subset = replace(whole, columns=tuple(whole.column(name) for name in columns))
    with distinct.connection(1) as con:
        return distinct.evaluate(con, subset, catalog, _one_row(subset, texts))


def _one_row(subset: Dataset, texts: dict[str, str]) -> StackedRows:
    one = np.zeros(1, dtype=np.int32)
    width = np.full(1, len(subset.columns), dtype=np.int32)
    return StackedRows(
        file_index=one, source_row=np.ones(1, dtype=np.int32), field_count=width, width=width,
        row_text=pa.chunked_array([pa.nulls(1, pa.string())]),
        codes={c.name: one for c in subset.columns},
        texts={c.name: pa.array([texts[c.name]], pa.string()) for c in subset.columns})


def _value(columns: dict[str, Distinct], output: str) -> object:
    for column in columns.values():
        if output in column.table.column_names:
            return column.output(output)[0].as_py()
    raise KeyError(output)


def _failed(columns: dict[str, Distinct], column: str) -> set[str]:
    """The reasons of the checks a column's one cell fails."""
    found = columns[column]
    return {check.reason for index, check in enumerate(found.checks)
            if found.failed(index)[found.codes[0]]}


def _refuse_unreadable(payment: dict[str, Distinct]) -> None:
    """The first problem of the row, in the order a clerk would check the form."""
    for column in ("id_number", "name", "program"):
        if "missing_required" in _failed(payment, column):
            raise ApplicationRefused(f"missing_{column}")  # type: ignore[arg-type]
    id_problems = _failed(payment, "id_number")
    if "bad_id" in id_problems:
        raise ApplicationRefused("bad_id", str(_value(payment, "id_number_as_written")))
    if "id_checksum" in id_problems:
        raise ApplicationRefused("id_checksum", str(_value(payment, "id_number")))
    if "unknown_program" in _failed(payment, "program"):
        raise ApplicationRefused("unknown_program", str(_value(payment, "program")))
    if _failed(payment, "period") or _value(payment, "period") is None:
        raise ApplicationRefused("bad_period")


def _declared_area(text: str | None, program: Program, period: str,
                   catalog: Catalog) -> Decimal | None:
    by_area = program.standard_for(period).basis == "area"
    given = text is not None and text.strip() != ""
    if not by_area:
        if given:
            raise ApplicationRefused("area_not_applicable", program.code)
        return None
    if not given:
        raise ApplicationRefused("missing_area", program.code)
    assert text is not None
    read = _normalised("enrollments", ("declared_area",), {"declared_area": text}, catalog)
    area = _value(read, "declared_area")
    if _failed(read, "declared_area") or not isinstance(area, Decimal):
        raise ApplicationRefused("bad_area", text)
    return area
