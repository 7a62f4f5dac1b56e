"""How one department's file writes things: header words, column order, title and totals rows,
date, month and money formats, and the occasional odd ID or name.

Cells come out as `str` (text), `float` (a number cell), `date` (a date cell) or None (empty).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sunlight.contract.catalog import Catalog
from sunlight.contract.datasets import Column, Dataset
from sunlight.synth.ids import FULL_WIDTH_DIGITS, to_old_form
from sunlight.synth.periods import Month, month_number, year_of

Cell = str | float | date | None
Value = object
"""A canonical value: str, int (fen, hundredths of a mu, month, year, level), date, Raw, None."""

_FULL_WIDTH = str.maketrans("0123456789.,", "０１２３４５６７８９．，")
_LEVELS = "一二三四"


@dataclass(frozen=True, slots=True)
class Raw:
    """Text written exactly as given: a trap's spelling or an injected defect."""

    text: str


@dataclass(frozen=True, slots=True)
class Number:
    """A number cell where text belonged (an ID that Excel turned into a number)."""

    value: float


@dataclass(frozen=True)
class FileStyle:
    file_format: str
    encoding: str
    sheet: str
    columns: tuple[str, ...]
    """Canonical column names in the order the file writes them."""
    headers: tuple[str, ...]
    titles: tuple[str, ...]
    total_label: str | None
    total_column: int
    blanks: frozenset[int]
    """Data rows (0-based) before which a blank row sits."""
    date_style: str
    month_style: str
    amount_style: str
    area_style: str
    level_style: str
    year_as_number: bool
    spellings: str
    """How program names are written: `name` always, or `mixed` with aliases."""
    id_noise: float
    name_noise: float
    annual: bool = False
    """Periods of this file are years."""
    datetime_style: str = "iso"

    @property
    def is_xlsx(self) -> bool:
        return self.file_format == "xlsx"

    @property
    def header_row(self) -> int:
        """The header's row number as a person counts rows."""
        return len(self.titles) + 1


class Habits:
    """Formats files have used so far: a new file prefers one not seen yet, so a delivery shows
    every format the contract lists (with dice alone, four area columns might all say 4.26)."""

    def __init__(self) -> None:
        self._seen: dict[str, set[str]] = {}

    def pick(self, rng: random.Random, kind: str, present: bool, xlsx: bool,
             texts: tuple[str, ...], cells: int) -> str:
        """A text format, or (in xlsx, `cells` times as likely as one text format) typed cells."""
        options = texts + (("cell",) * cells if xlsx else ())
        if not present:
            return rng.choice(options)
        seen = self._seen.setdefault(kind, set())
        fresh = [o for o in options if o not in seen]
        chosen = rng.choice(fresh or options)
        seen.add(chosen)
        return chosen


def choose_style(rng: random.Random, dataset: Dataset, file_format: str, encoding: str,
                 titles: Sequence[str], habits: Habits, annual: bool = False,
                 optional_drop: Sequence[str] = (), omit: Sequence[str] = ()) -> FileStyle:
    """A department's habits for one file, drawn at random."""
    xlsx = file_format == "xlsx"
    columns = [c.name for c in dataset.columns if c.name not in omit
               and not (c.name in optional_drop and rng.random() < 0.35)]
    kinds = {c.kind for c in dataset.columns if c.name in columns}
    if annual:
        kinds.discard("period")

    def pick(kind: str, texts: tuple[str, ...], cells: int) -> str:
        present = kind in kinds or (kind == "month" and "period" in kinds)
        return habits.pick(rng, kind, present, xlsx, texts, cells)

    if rng.random() < 0.6:
        rng.shuffle(columns)
    by_name = {c.name: c for c in dataset.columns}
    title_count = rng.choice((0, 1, 1, 2)) if xlsx else 0
    return FileStyle(
        file_format=file_format,
        encoding=encoding,
        sheet=rng.choice(("花名册", "明细", "Sheet1")),
        columns=tuple(columns),
        headers=tuple(_header(rng, by_name[c]) for c in columns),
        titles=tuple(titles[:title_count]),
        total_label=rng.choice(("合计", "总计")) if xlsx and rng.random() < 0.8 else None,
        total_column=rng.choice((0, 0, 0, 1)),
        blanks=frozenset(),
        date_style=pick("date", ("iso", "slash", "dot", "compact", "cn"), cells=2),
        month_style=pick("month", ("iso", "slash", "compact", "cn", "date"), cells=1),
        amount_style=pick("amount", ("plain", "yuan", "thousands", "fullwidth"), cells=2),
        area_style=pick("area", ("plain", "mu", "short"), cells=1),
        level_style=pick("level", ("cn", "cn", "digit"), cells=1),
        year_as_number=xlsx and rng.random() < 0.3,
        spellings=rng.choice(("name", "mixed")),
        id_noise=rng.choice((0.0, 0.003, 0.01)),
        name_noise=rng.choice((0.0, 0.003, 0.01)),
        annual=annual,
        # Drawn only where there is a date-time: other files keep the dice they had.
        datetime_style=pick("datetime", ("iso", "slash", "cn"), cells=2)
        if "datetime" in kinds else "iso",
    )


def _header(rng: random.Random, column: Column) -> str:
    """One synonym, as a clerk typed it: stray spaces, full-width brackets, a unit added."""
    text = rng.choice(column.synonyms)
    if column.kind == "amount" and "(" not in text and rng.random() < 0.35:
        text += "(元)"
    if "(" in text and rng.random() < 0.5:
        text = text.replace("(", "（").replace(")", "）")
    if rng.random() < 0.12 and len(text) >= 2:
        cut = rng.randint(1, min(len(text), 4) - 1) if len(text) > 2 else 1
        text = text[:cut] + " " + text[cut:]
    if rng.random() < 0.1:
        text = f" {text} "
    return text


def with_blanks(rng: random.Random, style: FileStyle, rows: int) -> FileStyle:
    """The same style with a few blank rows placed among `rows` data rows."""
    count = rng.choice((0, 0, 1, 1, 2, 3)) if rows > 10 else 0
    blanks = frozenset(rng.randrange(1, rows) for _ in range(count))
    return FileStyle(**{**style.__dict__, "blanks": blanks})


# -- values ---------------------------------------------------------------------------------


def format_date(day: date, style: str) -> Cell:
    if style == "cell":
        return day
    y, m, d = day.year, day.month, day.day
    return {
        "iso": f"{y:04d}-{m:02d}-{d:02d}", "slash": f"{y}/{m}/{d}", "dot": f"{y}.{m}.{d}",
        "compact": f"{y:04d}{m:02d}{d:02d}", "cn": f"{y}年{m}月{d}日",
    }[style]


def format_datetime(moment: datetime, style: str) -> Cell:
    """As section 1 lists them: `2024-02-10 21:35`, `2024/2/10 21:35:00`, `2024年2月10日 21:35`,
    or an Excel date-time cell."""
    if style == "cell":
        return moment
    y, m, d, hh, mm = moment.year, moment.month, moment.day, moment.hour, moment.minute
    return {"iso": f"{y:04d}-{m:02d}-{d:02d} {hh:02d}:{mm:02d}",
            "slash": f"{y}/{m}/{d} {hh}:{mm:02d}:00",
            "cn": f"{y}年{m}月{d}日 {hh:02d}:{mm:02d}"}[style]


def format_month(value: Month, style: str, rng: random.Random) -> Cell:
    y, m = year_of(value), month_number(value)
    if style == "cell":
        return date(y, m, 1)
    if style == "date":
        return f"{y:04d}-{m:02d}-{rng.choice((1, 1, 15, 28)):02d}"
    return {"iso": f"{y:04d}-{m:02d}", "slash": f"{y}/{m}", "compact": f"{y:04d}{m:02d}",
            "cn": f"{y}年{m}月"}[style]


def format_amount(fen: int, style: str) -> Cell:
    if style == "cell":
        return fen / 100
    text = f"{fen / 100:.2f}"
    if style == "thousands":
        return f"{fen / 100:,.2f}" + ("元" if fen % 7 == 0 else "")
    if style == "yuan":
        return text + "元"
    if style == "fullwidth":
        return text.translate(_FULL_WIDTH)
    return text


def format_area(hundredths: int, style: str) -> Cell:
    if style == "cell":
        return hundredths / 100
    text = f"{hundredths / 100:.2f}"
    if style == "short":
        return text.rstrip("0").rstrip(".")
    return text + "亩" if style == "mu" else text


def format_level(level: int, style: str) -> Cell:
    if style == "cell":
        return float(level)
    return str(level) if style == "digit" else f"{_LEVELS[level - 1]}级"


def noisy_id(rng: random.Random, id_number: str) -> str:
    """The same ID as some clerk typed it: lower-case x, full-width, spaces, an apostrophe,
    or the 15-digit form of IDs issued before 1999."""
    forms = ["fullwidth", "spaces", "apostrophe", "outer"]
    if id_number.endswith("X"):
        forms += ["lower", "lower"]
    if id_number[6:8] == "19":
        forms.append("old")
    form = rng.choice(forms)
    if form == "lower":
        return id_number.lower()
    if form == "old":
        return to_old_form(id_number)
    if form == "fullwidth":
        return id_number.translate(FULL_WIDTH_DIGITS)
    if form == "spaces":
        return f"{id_number[:6]} {id_number[6:14]} {id_number[14:]}"
    if form == "apostrophe":
        return "'" + id_number
    return f" {id_number} "


def noisy_name(rng: random.Random, name: str) -> str:
    """The same name with stray spaces (ASCII or full-width, inside or around)."""
    if "·" in name:
        return name.replace("·", rng.choice((" · ", "· ", " ·")))
    form = rng.randrange(3)
    if form == 0 and len(name) >= 2:
        return name[0] + rng.choice((" ", "\u3000", "  ")) + name[1:]
    if form == 1:
        return rng.choice((" ", "\u3000")) + name
    return name + rng.choice((" ", "\u3000"))


def noisy_code(rng: random.Random, code: str) -> str:
    """The same credit code as some clerk typed it: lower case, full width, spaces."""
    form = rng.randrange(3)
    if form == 0 and code.lower() != code:
        return code.lower()
    if form == 1:
        return code.translate(_FULL_WIDTH_CODE)
    return f"{code[:2]} {code[2:8]} {code[8:]}"


_FULL_WIDTH_CODE = str.maketrans({c: chr(ord(c) + 0xFEE0)
                                  for c in "0123456789ABCDEFGHJKLMNPQRTUWXY"})

Formatter = Callable[[Value, bool], Cell]


def _as_text(value: Value, _noisy: bool) -> Cell:
    return str(value)


class RowFormatter:
    """Turns canonical rows of a dataset into the cells one file writes."""

    def __init__(self, rng: random.Random, dataset: Dataset, style: FileStyle,
                 catalog: Catalog) -> None:
        self._rng, self._style, self._catalog = rng, style, catalog
        order = [c.name for c in dataset.columns]
        kinds = {c.name: c.kind for c in dataset.columns}
        self._plan = [(order.index(name), self._formatter(kinds[name]))
                      for name in style.columns]

    def cells(self, values: Sequence[Value], noisy: bool) -> list[Cell]:
        out: list[Cell] = []
        for index, formatter in self._plan:
            value = values[index]
            if value is None:
                out.append(None)
            elif isinstance(value, Raw):
                out.append(value.text)
            elif isinstance(value, Number):
                # A CSV saved by Excel keeps the number as Excel showed it: 6.10327E+17.
                out.append(value.value if self._style.is_xlsx else f"{value.value:.5E}")
            else:
                out.append(formatter(value, noisy))
        return out

    def _formatter(self, kind: str) -> Formatter:
        formatters: dict[str, Formatter] = {
            "id": self._id, "name": self._name, "date": self._date, "month": self._month,
            "period": self._period, "amount": self._amount, "area": self._area,
            "level": self._level, "year": self._year, "program": self._program,
            "credit_code": self._credit_code, "headcount": self._headcount,
            "datetime": self._datetime,
        }
        return formatters.get(kind, _as_text)

    def _id(self, value: Value, noisy: bool) -> Cell:
        if noisy and self._rng.random() < self._style.id_noise:
            return noisy_id(self._rng, str(value))
        return str(value)

    def _credit_code(self, value: Value, noisy: bool) -> Cell:
        if noisy and self._rng.random() < self._style.id_noise * 3:
            return noisy_code(self._rng, str(value))
        return str(value)

    def _headcount(self, value: Value, _noisy: bool) -> Cell:
        """A number cell, plain digits, or digits with 人 as the file's habit says."""
        assert isinstance(value, int)
        if self._style.amount_style == "cell":
            return float(value)
        return f"{value}人" if self._style.amount_style == "yuan" else str(value)

    def _name(self, value: Value, noisy: bool) -> Cell:
        if noisy and self._rng.random() < self._style.name_noise:
            return noisy_name(self._rng, str(value))
        return str(value)

    def _date(self, value: Value, _noisy: bool) -> Cell:
        assert isinstance(value, date)
        return format_date(value, self._date_style())

    def _datetime(self, value: Value, _noisy: bool) -> Cell:
        assert isinstance(value, datetime)
        return format_datetime(value, self._style.datetime_style)

    def _month(self, value: Value, _noisy: bool) -> Cell:
        assert isinstance(value, int)
        return format_month(value, self._style.month_style, self._rng)

    def _amount(self, value: Value, _noisy: bool) -> Cell:
        assert isinstance(value, int)
        return format_amount(value, self._style.amount_style)

    def _area(self, value: Value, _noisy: bool) -> Cell:
        assert isinstance(value, int)
        return format_area(value, self._style.area_style)

    def _level(self, value: Value, _noisy: bool) -> Cell:
        assert isinstance(value, int)
        return format_level(value, self._style.level_style)

    def _year(self, value: Value, _noisy: bool) -> Cell:
        assert isinstance(value, int)
        return float(value) if self._style.year_as_number else str(value)

    def _program(self, value: Value, _noisy: bool) -> Cell:
        program = self._catalog.by_code[str(value)]
        if self._style.spellings == "name" or not program.aliases or self._rng.random() < 0.5:
            return program.name
        return self._rng.choice(program.aliases)

    def _date_style(self) -> str:
        """Mostly the file's own format; now and then a row typed another way."""
        if self._rng.random() < 0.02:
            return self._rng.choice(("iso", "slash", "dot", "compact", "cn"))
        return self._style.date_style

    def _period(self, value: Value, _noisy: bool) -> Cell:
        assert isinstance(value, int)
        if self._style.annual:
            year = year_of(value)
            return float(year) if self._style.year_as_number else str(year)
        return format_month(value, self._style.month_style, self._rng)
