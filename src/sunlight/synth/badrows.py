"""Unreadable rows: an ID Excel turned into a number, an ID of the wrong length, an impossible
date or month, an amount that is not one, a required field left empty.

Only spare rows are made unreadable (see `tables.Row`), so nothing the truth file relies on
goes missing, and no background row turns into a finding by losing a neighbour.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from sunlight.contract.datasets import Dataset
from sunlight.synth.messiness import FileStyle, Number, Raw, Value
from sunlight.synth.tables import Row

SCI_ID, SHORT_ID, BAD_DATE, BAD_MONTH, BAD_AMOUNT, MISSING = (
    "sci_id", "short_id", "bad_date", "bad_month", "bad_amount", "missing")
SHORT_CODE, BAD_HEADCOUNT, BAD_DATETIME = "short_code", "bad_headcount", "bad_datetime"

# The defects each dataset's files carry, and the required column a `missing` defect empties.
DEFECTS: dict[str, tuple[tuple[str, str], ...]] = {
    "payments": ((SCI_ID, "id_number"), (SHORT_ID, "id_number"), (BAD_MONTH, "period"),
                 (BAD_AMOUNT, "amount"), (MISSING, "name"), (MISSING, "amount"),
                 (MISSING, "period"), (MISSING, "account")),
    "residents": ((SCI_ID, "id_number"), (SHORT_ID, "id_number"), (MISSING, "household_id"),
                  (MISSING, "name"), (MISSING, "village")),
    "deaths": ((BAD_DATE, "death_date"), (SHORT_ID, "id_number"), (MISSING, "death_date")),
    "enrollments": ((BAD_MONTH, "start_month"), (MISSING, "program"), (SCI_ID, "id_number"),
                    (SHORT_ID, "id_number")),
    "land": ((SHORT_ID, "holder_id_number"), (SCI_ID, "holder_id_number"), (MISSING, "area")),
    "approvals": ((BAD_DATE, "date"), (SHORT_ID, "id_number"), (MISSING, "step")),
    "vehicles": ((SHORT_ID, "owner_id_number"), (MISSING, "vehicle_type")),
    "enterprise_payments": ((SHORT_CODE, "credit_code"), (BAD_HEADCOUNT, "claimed_headcount"),
                            (BAD_AMOUNT, "amount"), (MISSING, "company")),
    "insured_headcount": ((BAD_HEADCOUNT, "insured_count"), (SHORT_CODE, "credit_code")),
    "duty_roster": ((SHORT_ID, "id_number"), (BAD_DATE, "date")),
    "duty_checks": ((BAD_DATETIME, "checked_at"), (SHORT_ID, "id_number")),
    "police_cases": ((BAD_DATETIME, "received_at"), (MISSING, "case_no")),
    "inspection_findings": ((BAD_DATE, "found_on"), (MISSING, "finding_no")),
}

_BAD_DATES = {"iso": "2023-02-30", "slash": "2023/2/29", "dot": "2024.4.31",
              "compact": "20230230", "cn": "2023年2月30日", "cell": "2024-06-31"}
_BAD_DATETIMES = {"iso": "2024-02-30 21:35", "slash": "2024/2/30 9:15:00",
                  "cn": "2024年2月30日 08:40", "cell": "2024-04-31 25:10"}
_BAD_MONTHS = {"iso": "2024-13", "slash": "2023/13", "compact": "202313", "cn": "2024年13月",
               "date": "2024-13-01", "cell": "2023-00"}
_BAD_AMOUNTS = ("壹佰元", "#VALUE!", "3O0.00", "--")
_BAD_HEADCOUNTS = ("十二人", "约20", "#N/A", "1O")


@dataclass(frozen=True, slots=True)
class BadRow:
    index: int
    """Position among the file's data rows."""
    reason: str


def plan_defects(rng: random.Random, dataset: Dataset, style: FileStyle, rows: list[Row],
                 count: int, start: int) -> list[BadRow]:
    """Make `count` spare rows unreadable, cycling through the dataset's defects from `start`."""
    options = [d for d in DEFECTS.get(dataset.code, ())
               if d[1] in style.columns and not (style.annual and d[0] == BAD_MONTH)]
    spare = [i for i, row in enumerate(rows) if row.spare]
    if not options or not spare:
        return []
    bad = []
    for offset, index in enumerate(sorted(rng.sample(spare, min(count, len(spare))))):
        defect, column = options[(start + offset) % len(options)]
        reason = _mangle(rng, dataset, style, rows[index], defect, column)
        if reason is not None:
            bad.append(BadRow(index, reason))
    return bad


def _mangle(rng: random.Random, dataset: Dataset, style: FileStyle, row: Row, defect: str,
            column: str) -> str | None:
    names = [c.name for c in dataset.columns]
    position = names.index(column)
    label = dataset.column(column).label
    values: list[Value] = list(row.values)
    current = values[position]
    if defect in (SCI_ID, SHORT_ID):
        if not isinstance(current, str) or len(current) != 18:
            return None
        if defect == SCI_ID:
            if not current.isdigit():
                return None  # an ID ending in X stays text in Excel
            values[position] = Number(float(current))
            reason = "bad_id: ID number turned into a number (scientific notation)"
        else:
            wrong = current[:17] if rng.random() < 0.6 else current + str(rng.randint(0, 9))
            values[position] = Raw(wrong)
            reason = f"bad_id: ID number of wrong length ({len(wrong)} characters)"
    elif defect == SHORT_CODE:
        if not isinstance(current, str) or len(current) != 18:
            return None
        wrong = current[:17] if rng.random() < 0.6 else current + rng.choice("0123456789")
        values[position] = Raw(wrong)
        reason = f"bad_credit_code: credit code of wrong length ({len(wrong)} characters)"
    elif defect == BAD_HEADCOUNT:
        if current is None:
            return None
        text = rng.choice(_BAD_HEADCOUNTS)
        values[position] = Raw(text)
        reason = f"bad_headcount: {column} ({label}) {text}"
    elif defect == BAD_DATE:
        text = _BAD_DATES[style.date_style]
        values[position] = Raw(text)
        reason = f"bad_date: {column} ({label}) {text}"
    elif defect == BAD_DATETIME:
        text = _BAD_DATETIMES[style.datetime_style]
        values[position] = Raw(text)
        reason = f"bad_datetime: {column} ({label}) {text}"
    elif defect == BAD_MONTH:
        text = _BAD_MONTHS[style.month_style]
        values[position] = Raw(text)
        reason = f"bad_month: {column} ({label}) {text}"
    elif defect == BAD_AMOUNT:
        text = rng.choice(_BAD_AMOUNTS)
        values[position] = Raw(text)
        reason = f"bad_amount: {column} ({label}) {text}"
    else:
        values[position] = None
        reason = f"missing_required: {column} ({label})"
    row.values = tuple(values)
    row.noisy = False
    return reason

