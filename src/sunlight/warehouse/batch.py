"""A batch as the warehouse takes it: one delivered file's canonical rows and quality findings,
staged as Parquet, with the accounting the manifest keeps of it.

Ingestion produces these; the warehouse commits them (store.py) without knowing how they
were made.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class RowCounts:
    """Every physical row of a file, accounted for."""

    title: int = 0
    header: int = 0
    blank: int = 0
    total: int = 0  # 合计/总计 (and 小计/累计) rows
    accepted: int = 0
    rejected: int = 0
    doubtful: int = 0  # accepted rows with at least one warning

    @property
    def data(self) -> int:
        return self.accepted + self.rejected


@dataclass
class StagedBatch:
    """A file read, normalised and staged, not yet committed."""

    file_hash: str
    dataset: str
    file_name: str
    source_path: str
    sheet: str
    encoding: str
    size: int
    counts: RowCounts
    rejected_amount: str  # yuan, two decimals: money in payment rows that could not be read
    headers: dict[str, str]
    ignored_headers: list[str]
    table_path: str  # staged Parquet of canonical rows
    findings_path: str  # staged Parquet of quality findings
    rejected_path: str = ""
    """Staged Parquet of the rejected rows' readable values ('' if none); never committed:
    what screening says of an unreadable row."""
    other_sheets: list[str] = field(default_factory=list)
    """The workbook's later sheets that hold cells: not read (contract §1: the first)."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
