"""Errors that refuse a whole file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# A refused header row is shown to a person: this many cells of it, each this long, at most.
SHOWN_HEADER_CELLS = 100
SHOWN_HEADER_CHARS = 40


@dataclass(frozen=True)
class HeaderReport:
    """The row a file's header was looked for in, when no usable header was found.

    `found` holds that row's non-empty cells in the file's own words, each with the canonical
    column it was recognised as ("" when none): a person sees what their file says beside
    what the dataset expects.
    """

    row: int  # as a person counts rows; 0 when the file's first rows are all blank
    found: tuple[tuple[str, str], ...]
    sheet: str = ""

    @classmethod
    def of(cls, row: int, cells: list[str], recognised: dict[int, str],
           sheet: str = "") -> HeaderReport:
        """The report of a row's cells, bounded for the page; `recognised` maps a cell's
        position to its canonical column."""
        found = tuple((cell.strip()[:SHOWN_HEADER_CHARS], recognised.get(i, ""))
                      for i, cell in enumerate(cells) if cell.strip())
        return cls(row, found[:SHOWN_HEADER_CELLS], sheet)

    def as_json(self) -> dict[str, Any]:
        return {"row": self.row, "sheet": self.sheet, "found": [list(f) for f in self.found]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> HeaderReport:
        return cls(int(data.get("row", 0)),
                   tuple((str(text), str(column)) for text, column in data.get("found", [])),
                   str(data.get("sheet", "")))


class UnusableFile(Exception):
    """A file that cannot be used at all: nothing of it is written.

    The message is English (the command line's and the log's); `chinese` says the same to a
    person in the workbench, never with a library's English in it. A refusal for the file's
    header carries the row it was looked for in (`headers`).
    """

    def __init__(self, message: str, chinese: str, headers: HeaderReport | None = None) -> None:
        super().__init__(message)
        self.chinese = chinese
        self.headers = headers

    def __reduce__(self) -> tuple[Any, ...]:
        # A refusal comes back from a reader process: pickle what __init__ takes.
        return (type(self), (str(self), self.chinese, self.headers))


class MissingColumns(UnusableFile):
    """A required column has no header the contract accepts."""
