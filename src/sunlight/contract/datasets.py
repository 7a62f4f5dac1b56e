"""Dataset definitions of the data contract, loaded from datasets.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from typing import Literal, cast

import yaml

ColumnKind = Literal[
    "id", "name", "text", "place", "code", "date", "month", "period",
    "amount", "area", "level", "year", "program", "account", "credit_code", "headcount",
    "datetime",
]
COLUMN_KINDS: frozenset[str] = frozenset(ColumnKind.__args__)  # type: ignore[attr-defined]
PROGRAM_SUBJECTS = ("person", "company")
"""Whom a program pays (the catalog's `subject`): a program column may take one of them only."""


@dataclass(frozen=True)
class DateBounds:
    """The dates a dataset marked `recent_dates` may hold; a row dated outside them is a bad
    row, reported, never analysed."""

    earliest: date
    ahead: timedelta  # how far past today a date may lie (a roster planned ahead)

    def latest(self, today: date) -> date:
        return today + self.ahead


# The 督察 datasets record what a bureau does now: duty rosters, roll calls, cases and
# inspections of the platform's years. A roster row dated 1900-01-01 (Excel's serial 1, an
# empty cell formatted as a date) or 2100-12-31 is a slip, and believed it would stretch the
# roster's date range (contract §6) over two centuries, every post "uncovered" on each of
# its days. The contract names no bound; accepting less than any date is ours to decide, and
# a date before these systems existed or more than a year ahead names no duty or case.
RECENT_DATES = DateBounds(earliest=date(2000, 1, 1), ahead=timedelta(days=366))
# A key of the 督察 datasets (unit, post, case or finding number, a person's name) longer than
# this is a bad row: cut, two keys would become one subject, and kept whole, a million
# characters carried through every evidence row exhausts detection's memory.
KEY_LIMITS = {"name": 60, "text": 200, "code": 60}


@dataclass(frozen=True)
class Column:
    """One canonical column: its name, how it is normalised, and the headers that mean it."""

    name: str
    kind: ColumnKind
    synonyms: tuple[str, ...]
    required: bool = False
    choices: tuple[str, ...] = ()
    derive: str | None = None
    subject: str | None = None  # a program column: whom its programs must pay
    time_of_day_needed: bool = False  # a datetime column whose bare date is doubtful
    recent: bool = False  # a date within RECENT_DATES, or the row is bad
    key: bool = False  # names a subject: longer than KEY_LIMITS, the row is bad

    @property
    def label(self) -> str:
        """The first synonym: how a Chinese reader knows this column."""
        return self.synonyms[0]


@dataclass(frozen=True)
class Dataset:
    """One dataset of the contract (e.g. `payments`)."""

    code: str
    label: str
    department: str
    columns: tuple[Column, ...]
    paid_amount: str | None = None  # the column of money paid, totalled over rejected rows

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"{self.code} has no column {name!r}")

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)

    @property
    def person(self) -> str | None:
        """The column holding the ID of the person a row is about; None when about no one."""
        return next((c.name for c in self.columns if c.kind == "id"), None)

    @property
    def company(self) -> str | None:
        """The column holding the credit code of the company a row is about; None when about
        no company."""
        return next((c.name for c in self.columns if c.kind == "credit_code"), None)


def _parse_column(dataset_code: str, raw: dict[str, object], recent_dates: bool) -> Column:
    kind = str(raw["kind"])
    if kind not in COLUMN_KINDS:
        raise ValueError(f"datasets.yaml: {dataset_code}.{raw['name']}: unknown kind {kind!r}")
    subject = raw.get("subject")
    time_of_day = raw.get("time_of_day")
    if time_of_day is not None and (kind != "datetime" or time_of_day != "needed"):
        raise ValueError(f"datasets.yaml: {dataset_code}.{raw['name']}: time_of_day "
                         f"{time_of_day!r} is for a datetime column, and can only be 'needed'")
    if subject is not None and (kind != "program" or subject not in PROGRAM_SUBJECTS):
        raise ValueError(f"datasets.yaml: {dataset_code}.{raw['name']}: subject {subject!r} "
                         f"is for a program column, one of {', '.join(PROGRAM_SUBJECTS)}")
    key = bool(raw.get("key", False))
    if key and kind not in KEY_LIMITS:
        raise ValueError(f"datasets.yaml: {dataset_code}.{raw['name']}: a key column is one "
                         f"of the kinds {', '.join(KEY_LIMITS)}")
    return Column(
        name=str(raw["name"]),
        kind=cast(ColumnKind, kind),
        synonyms=tuple(str(s) for s in cast(list[object], raw["synonyms"])),
        required=bool(raw.get("required", False)),
        choices=tuple(str(c) for c in cast(list[object], raw.get("choices", []))),
        derive=str(raw["derive"]) if "derive" in raw else None,
        subject=str(subject) if subject is not None else None,
        time_of_day_needed=time_of_day is not None,
        recent=recent_dates and kind in ("date", "datetime"),
        key=key,
    )


def safe_load(text: str) -> object:
    """YAML as yaml.safe_load reads it, through libyaml when PyYAML has it: a tenth of the time
    (the contract is read on every start, by every ingest worker process too)."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _load() -> dict[str, Dataset]:
    text = resources.files("sunlight.contract").joinpath("datasets.yaml").read_text("utf-8")
    raw = cast(dict[str, dict[str, object]], safe_load(text))
    return {
        code: Dataset(
            code=code,
            label=str(spec["label"]),
            department=str(spec["department"]),
            columns=tuple(
                _parse_column(code, c, bool(spec.get("recent_dates", False)))
                for c in cast(list[dict[str, object]], spec["columns"])
            ),
            paid_amount=str(spec["paid_amount"]) if "paid_amount" in spec else None,
        )
        for code, spec in raw.items()
    }


DATASETS: dict[str, Dataset] = _load()


def dataset(code: str) -> Dataset:
    """The dataset with this code, or a KeyError listing the codes that exist."""
    try:
        return DATASETS[code]
    except KeyError:
        raise KeyError(
            f"unknown dataset {code!r}; the contract's datasets are: {', '.join(DATASETS)}"
        ) from None
