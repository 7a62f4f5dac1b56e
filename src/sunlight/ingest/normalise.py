"""Column normalisers as SQL: what each column kind becomes and which checks it must pass.

The macros live in normalise.sql; this module turns a dataset's columns into the SELECT
expressions and checks that run in DuckDB over the distinct texts of a column (distinct.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Literal

from sunlight.clock import local_today
from sunlight.contract.datasets import KEY_LIMITS, RECENT_DATES, Column
from sunlight.text import FULL_WIDTH, HALF_WIDTH

if TYPE_CHECKING:  # the readers' worker processes import this module, and need no DuckDB
    import duckdb

Severity = Literal["rejected", "warning"]

# Bounds of what one cell may hold. A payment of ten billion yuan or more is not a payment
# (the portal's totals hold 16 digits); names and places longer than these are not names.
AMOUNT_LIMIT = 10_000_000_000
TEXT_LIMITS = {"name": 60, "place": 60, "text": 200}


@dataclass(frozen=True)
class Output:
    """One column computed from a delivered column.

    Outputs are computed once per distinct cell text (a payments file has a handful of
    distinct periods and amounts in a million rows). An output that also reads outputs of
    other columns names them in `reads`; the column is then computed once per distinct
    combination of its text with theirs (a period is a year or a month depending on the
    program's period). Stage 2 reads the cleaned text (`clean_<column>`), stage 3 reads
    stage 2, and so on: staging keeps each SQL expression small. Outputs that are not
    `written` are intermediate.
    """

    name: str
    sql: str
    sql_type: str
    stage: int = 2
    written: bool = True
    reads: tuple[str, ...] = ()  # outputs of other columns that `sql` reads


@dataclass(frozen=True)
class Check:
    """A data-quality check on one column: when `condition` holds, the row gets a finding."""

    column: str
    reason: str
    severity: Severity
    condition: str
    detail: str


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@cache
def macro_sql() -> str:
    """The normaliser macros, with the full-width table filled in."""
    sql = resources.files("sunlight.ingest").joinpath("normalise.sql").read_text("utf-8")
    return sql.replace("'@FULL_WIDTH@'", _quote(FULL_WIDTH)).replace(
        "'@HALF_WIDTH@'", _quote(HALF_WIDTH)
    )


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Define the sl_* macros on a connection."""
    con.execute(macro_sql())


def raw(column: Column) -> str:
    """The name of the column holding a canonical column's text as delivered."""
    return f"raw_{column.name}"


def clean(column: Column) -> str:
    """The name of the column holding the cleaned text of a canonical column."""
    return f"clean_{column.name}"


_CLEANERS: dict[str, str] = {
    "id": "sl_clean_id({})",
    "credit_code": "sl_clean_credit_code({})",
    "headcount": "sl_clean_headcount({})",
    "date": "sl_clean_date({})",
    "datetime": "sl_clean_datetime({})",
    "month": "sl_clean_date({})",
    "period": "sl_clean_date({})",
    "year": "sl_clean_date({})",
    "amount": "sl_clean_number({})",
    "area": "sl_clean_number({})",
    "account": "sl_clean_account({})",
    "name": "sl_name({})",
    "text": "sl_text({})",
}


def clean_sql(column: Column) -> str:
    """Stage 1: the delivered text with spaces, width and decoration taken off."""
    if column.kind == "text" and column.choices:
        # Coded values (男/女, 正常/死亡 ...) never contain spaces; free text keeps single ones.
        return f"nullif(sl_squeeze({raw(column)}), '')"
    template = _CLEANERS.get(column.kind, "nullif(sl_squeeze({}), '')")
    return template.format(raw(column))


def outputs(column: Column) -> list[Output]:
    """Stages 2 and 3: the canonical columns a delivered column becomes."""
    c, n = clean(column), column.name
    by_kind: dict[str, list[Output]] = {
        "id": _id_outputs(column),
        "credit_code": _credit_code_outputs(column),
        "headcount": [Output(n, f"sl_headcount({c})", "INTEGER")],
        "program": [
            Output(n, c, "VARCHAR"),
            Output("program_code", "catalog.code", "VARCHAR"),
            Output("program_period", "catalog.period", "VARCHAR", written=False),
            Output("program_subject", "catalog.subject", "VARCHAR", written=False),
        ],
        "date": _date_outputs(column),
        "datetime": _datetime_outputs(column),
        "month": [Output(n, f"sl_month({c})", "DATE")],
        "period": _period_outputs(c),
        "amount": [Output(n, f"sl_amount({c})", "DECIMAL(18,2)")],
        "area": [Output(n, f"sl_area({c})", "DECIMAL(18,4)")],
        "level": [Output(n, f"sl_level({c})", "INTEGER")],
        "year": [Output(n, f"sl_year({c})", "INTEGER")],
        "account": [Output(n, f"sl_account({c})", "VARCHAR")],
    }
    return by_kind.get(column.kind, [Output(n, c, "VARCHAR")])


def _id_outputs(column: Column) -> list[Output]:
    # The check character is an output of its own, computed once: the canonical ID and the
    # checksum both need it, and sl_id_check is costly to plan.
    c, n = clean(column), column.name
    return [
        Output(f"{n}_body", f"sl_id_body({c})", "VARCHAR", written=False),
        Output(f"{n}_check", f"sl_id_check({n}_body)", "VARCHAR", stage=3, written=False),
        Output(n, f"sl_id_canonical({c}, {n}_body, {n}_check)", "VARCHAR", stage=4),
        Output(f"{n}_as_written",
               f"CASE WHEN {raw(column)} = {c} THEN {c} ELSE sl_text({raw(column)}) END",
               "VARCHAR"),
        Output(f"{n}_checksum_ok", f"sl_id_check_matches({n}, {n}_check)", "BOOLEAN", stage=5),
        Output(f"{n}_defect", f"sl_id_defect({c}, {n}, {n}_checksum_ok)", "VARCHAR",
               stage=6, written=False),
    ]


def _credit_code_outputs(column: Column) -> list[Output]:
    # An unreadable code is written as nothing, never as the text delivered: a code that
    # matches no company must be one as delivered, not one that failed to be read.
    c, n = clean(column), column.name
    return [
        Output(f"{n}_defect", f"sl_credit_code_defect({c})", "VARCHAR", written=False),
        Output(f"{n}_check", f"sl_credit_code_check({c})", "VARCHAR", written=False),
        Output(n, f"CASE WHEN {n}_defect IS NULL THEN {c} END", "VARCHAR", stage=3),
        Output(f"{n}_checksum_ok", f"coalesce(substr({n}, 18, 1) = {n}_check, FALSE)",
               "BOOLEAN", stage=4),
    ]


def reads(column: Column) -> tuple[str, ...]:
    """The outputs of other columns that a column's outputs read."""
    return tuple(dict.fromkeys(name for output in outputs(column) for name in output.reads))


def _recent(day: str) -> str:
    """Whether a DATE expression lies within the contract's RECENT_DATES, as of today."""
    latest = RECENT_DATES.latest(local_today())
    return f"{day} BETWEEN DATE '{RECENT_DATES.earliest}' AND DATE '{latest}'"


def _date_outputs(column: Column) -> list[Output]:
    n, c = column.name, clean(column)
    if column.recent:  # a date outside the bounds is kept empty (its check reports it)
        return [Output(f"{n}_as_given", f"sl_date({c})", "DATE", written=False),
                Output(n, f"CASE WHEN {_recent(f'{n}_as_given')} THEN {n}_as_given END",
                       "DATE", stage=3)]
    if column.derive != "birth_date_from_id":
        return [Output(n, f"sl_date({c})", "DATE")]
    # The contract: when the birth date is absent, derive it from the ID number.
    return [
        Output(f"{n}_as_given", f"sl_date({c})", "DATE", written=False),
        Output(n, f"coalesce({n}_as_given, "
                  f"CAST(try_strptime(substr(id_number, 7, 8), '%Y%m%d') AS DATE))", "DATE",
               stage=3, reads=("id_number",)),
    ]


def _datetime_outputs(column: Column) -> list[Output]:
    # A date-time outside the years a date may take is no more readable than a malformed one:
    # where the column is optional it is kept empty, never as the year 2924.
    n, c = column.name, clean(column)
    day = f"CAST({n}_parsed AS DATE)"
    kept = _recent(day) if column.recent else f"sl_plausible({day})"
    return [
        Output(f"{n}_parsed", f"sl_datetime({c})", "TIMESTAMP", written=False),
        Output(f"{n}_has_time", f"sl_datetime_has_time({c})", "BOOLEAN", written=False),
        Output(n, f"CASE WHEN {kept} THEN {n}_parsed END", "TIMESTAMP", stage=3),
    ]


def _period_outputs(c: str) -> list[Output]:
    # Annual programs take a year, or the year of a month; monthly programs need a month; a
    # program the catalog does not know takes whichever the text is.
    is_year = "(program_period = 'year' OR (program_period IS NULL AND period_month IS NULL))"
    start = ("CASE WHEN program_period = 'year' "
             "THEN make_date(coalesce(period_year, year(period_month)), 1, 1) "
             "WHEN program_period = 'month' THEN period_month "
             "ELSE coalesce(period_month, make_date(period_year, 1, 1)) END")
    return [
        Output("period_month", f"sl_month({c})", "DATE", written=False),
        Output("period_year", f"sl_year({c})", "INTEGER", written=False),
        Output("period_is_year", is_year, "BOOLEAN", stage=3, written=False,
               reads=("program_period",)),
        Output("period_start", start, "DATE", stage=3, reads=("program_period",)),
        Output("period", "CASE WHEN period_is_year THEN strftime(period_start, '%Y') "
                         "ELSE strftime(period_start, '%Y-%m') END", "VARCHAR", stage=4),
        Output("period_end", "CAST(CASE WHEN period_is_year "
                             "THEN period_start + INTERVAL 1 YEAR - INTERVAL 1 DAY "
                             "ELSE period_start + INTERVAL 1 MONTH - INTERVAL 1 DAY END AS DATE)",
               "DATE", stage=4),
    ]


def checks(column: Column) -> list[Check]:
    """What makes a delivered cell of this column unreadable or doubtful."""
    n = column.name
    present = f"{clean(column)} IS NOT NULL"
    found: list[Check] = []
    if column.required:
        found.append(
            Check(n, "missing_required", "rejected", f"{clean(column)} IS NULL",
                  _quote(f"{n} ({column.label}) is empty"))
        )
    found.extend(_kind_checks(column, present))
    if column.kind == "amount":
        found.append(Check(n, "negative_amount", "warning", f"{n} < 0",
                           _quote(f"{n} ({column.label}) is negative: a reversal or refund?")))
        found.append(Check(n, "amount_too_large", "rejected", f"abs({n}) >= {AMOUNT_LIMIT}",
                           _quote(f"{n} ({column.label}) is {AMOUNT_LIMIT:,} yuan or more: "
                                  "no single payment is that large")))
    if column.key:
        limit = KEY_LIMITS[column.kind]
        found.append(Check(n, "key_too_long", "rejected", f"length({n}) > {limit}",
                           _quote(f"{n} ({column.label}) is longer than {limit} characters: "
                                  "it names a unit, post, case or person, and no name is "
                                  "that long")))
    elif column.kind in TEXT_LIMITS:
        limit = TEXT_LIMITS[column.kind]
        found.append(Check(n, "text_too_long", "warning", f"length({n}) > {limit}",
                           _quote(f"{n} ({column.label}) is longer than {limit} characters "
                                  "(kept; published cut to what the portal shows)")))
    if column.choices:
        allowed = ", ".join(_quote(c) for c in column.choices)
        found.append(
            Check(n, "unknown_value", "warning", f"{present} AND {n} NOT IN ({allowed})",
                  _quote(f"{n} ({column.label}) is not one of {'/'.join(column.choices)}"))
        )
    return found


def _kind_checks(column: Column, present: str) -> list[Check]:
    n, label, kind = column.name, column.label, column.kind
    if kind == "id":
        return [
            Check(n, "bad_id", "rejected", f"{n}_defect IS NOT NULL", f"{n}_defect"),
            Check(n, "id_checksum", "warning",
                  f"{present} AND {n}_defect IS NULL AND NOT {n}_checksum_ok",
                  _quote("check digit does not match (kept and analysed as written)")),
            # PAID_BEFORE_BIRTH and a death's credibility read no birth from it.
            Check(n, "id_birth_date", "warning",
                  f"{present} AND {n}_defect IS NULL "
                  f"AND try_strptime(substr({n}, 7, 8), '%Y%m%d') IS NULL",
                  _quote("the birth date in the ID number is not a real date (kept and "
                         "analysed; no birth before which payments or deaths are judged)")),
        ]
    if kind == "credit_code":
        return _credit_code_checks(column, present)
    if kind == "program":
        return _program_checks(column, present)
    if kind == "datetime":
        return _datetime_checks(column, present)
    parsed = f"{n}_as_given" if column.derive or column.recent else n
    failed_when: dict[str, tuple[str, str, str]] = {
        "date": ("bad_date", f"NOT coalesce(sl_plausible({parsed}), FALSE)", "a date"),
        "month": ("bad_month", f"NOT coalesce(sl_plausible({n}), FALSE)", "a month"),
        "period": ("bad_month", "NOT coalesce(sl_plausible(period_start), FALSE)",
                   "a month (monthly programs) or a year (annual programs)"),
        "amount": ("bad_amount", f"{n} IS NULL", "an amount in yuan"),
        "area": ("bad_area", f"{n} IS NULL", "an area in 亩"),
        "level": ("bad_level", f"{n} IS NULL", "a level 一级..四级 or 1..4"),
        "year": ("bad_year", f"{n} IS NULL OR {n} NOT BETWEEN 1900 AND 2100", "a year"),
        "account": ("bad_account", f"{n} IS NULL", "an account number of digits"),
        "headcount": ("bad_headcount", f"{n} IS NULL", "a whole number of people (12, 12人)"),
    }
    if kind not in failed_when:
        return []
    reason, failed, expected = failed_when[kind]
    found = [Check(n, reason, "rejected", f"{present} AND {failed}",
                   _quote(f"{n} ({label}): expected {expected}"))]
    if column.recent:
        found.append(_implausible(column, parsed))
    return found


def _implausible(column: Column, day: str) -> Check:
    """A readable date outside RECENT_DATES: the row is rejected where the date is required,
    and kept with the date empty where it is optional (an open case, a post always active)."""
    n, latest = column.name, RECENT_DATES.latest(local_today())
    kept = "" if column.required else " (kept empty)"
    return Check(n, "implausible_date", "rejected" if column.required else "warning",
                 f"sl_plausible({day}) AND NOT ({_recent(day)})",
                 _quote(f"{n} ({column.label}) is not between {RECENT_DATES.earliest} and "
                        f"{latest}{kept}"))


def _credit_code_checks(column: Column, present: str) -> list[Check]:
    """An unreadable code rejects a row that needs it; where the code is optional (the
    business registry) the row is kept without it, with a warning: it still names a legal
    representative, but cannot be joined to a company's payments."""
    n = column.name
    checksum = Check(n, "credit_code_checksum", "warning",
                     f"{n} IS NOT NULL AND NOT {n}_checksum_ok",
                     _quote("check character does not match GB 32100 (kept and analysed as "
                            "written)"))
    like_id = Check(n, "credit_code_looks_like_id", "warning",
                    f"{n} IS NOT NULL AND sl_credit_code_looks_like_id({n})",
                    _quote("the code is a valid ID number (a person's, not a company's?): "
                           "kept and analysed, never published"))
    if column.required:
        return [Check(n, "bad_credit_code", "rejected", f"{present} AND {n}_defect IS NOT NULL",
                      f"{n}_defect"), checksum, like_id]
    kept = "(kept without it: the row cannot be joined to a company's payments)"
    return [Check(n, "no_credit_code", "warning", f"{n} IS NULL",
                  f"coalesce({n}_defect, 'no unified social credit code') || {_quote(' ' + kept)}"),
            checksum, like_id]


def _program_checks(column: Column, present: str) -> list[Check]:
    n = column.name
    found = [Check(n, "unknown_program", "warning", f"{present} AND program_code IS NULL",
                   _quote("program is not in the program catalog"))]
    if column.subject:
        # Company programs are paid from enterprise_payments only (contract §5), person
        # programs never from it: a row of the other kind is kept, analysed as written.
        found.append(Check(
            n, "program_wrong_subject", "warning",
            f"program_code IS NOT NULL AND program_subject <> {_quote(column.subject)}",
            f"'the catalog''s ' || program_subject || ' program ' || program_code || "
            f"' in a dataset of {column.subject} programs (kept and analysed as written)'"))
    return found


def _datetime_checks(column: Column, present: str) -> list[Check]:
    """An unreadable date-time rejects a row that needs it; an optional one (a case step) is
    kept empty with a warning. A bare date is read as its 00:00, doubtful only where the time
    of day decides what the row means (a roll call's shift)."""
    n, label = column.name, column.label
    expected = "a date and time such as 2024-02-10 21:35"
    day = f"CAST({n}_parsed AS DATE)"
    found = [Check(n, "bad_datetime", "rejected" if column.required else "warning",
                   f"{present} AND NOT coalesce(sl_plausible({day}), FALSE)",
                   _quote(f"{n} ({label}): expected {expected}"
                          + ("" if column.required else " (kept empty)")))]
    if column.recent:
        found.append(_implausible(column, day))
    if column.time_of_day_needed:
        found.append(Check(n, "datetime_without_time", "warning",
                           f"{n} IS NOT NULL AND NOT {n}_has_time",
                           _quote(f"{n} ({label}) has no time of day: read as 00:00")))
    return found
