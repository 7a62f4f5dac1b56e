"""What screening says of each row of a batch (contract §7)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal, get_args

VerdictKind = Literal["hold", "pass", "unreadable"]
"""Labels in contract/vocabulary.yaml `screening_verdicts`."""
HOLD: Final = "hold"
PASS: Final = "pass"
UNREADABLE: Final = "unreadable"
VERDICT_KINDS: Final[tuple[str, ...]] = get_args(VerdictKind)

VERDICT_COLUMNS: Final = ("row", "id_number", "name", "program", "period", "amount", "verdict",
                          "models", "explanation")
"""The verdict file's columns, in the contract's order."""
MODEL_SEPARATOR: Final = ";"
EXPLANATION_SEPARATOR: Final = "\n"
"""Between the explanations of two detections a row is evidence of."""


@dataclass(frozen=True)
class Verdict:
    """One row of contract §7, in batch order."""

    row: int  # the batch row as a person counts it (source_row)
    id_number: str  # canonical 18 characters ('' if it could not be read)
    name: str
    program: str  # catalog code as the warning export writes it (as delivered if unknown)
    period: str  # YYYY-MM or YYYY
    amount: str  # as the warning export writes money ("340.00")
    verdict: VerdictKind
    models: tuple[str, ...]  # model codes that fire on the row
    explanation: str  # Chinese, as a warning would say it; the reason if unreadable

    def cells(self) -> list[str]:
        """The row's values in VERDICT_COLUMNS' order, as the CSV writes them."""
        return [str(self.row), self.id_number, self.name, self.program, self.period,
                self.amount, self.verdict, MODEL_SEPARATOR.join(self.models), self.explanation]


@dataclass(frozen=True)
class ScreeningResult:
    """A batch screened: a verdict per data row, in the batch's order."""

    dataset: str  # the kind of batch (contract/screening.yaml)
    file_name: str
    file_hash: str
    verdicts: list[Verdict]
    seconds: float
    not_run: dict[str, str] = field(default_factory=dict)
    """Screened models that could not run, each with why (no data for their inputs)."""

    @property
    def held(self) -> int:
        return sum(v.verdict == HOLD for v in self.verdicts)

    @property
    def passed(self) -> int:
        return sum(v.verdict == PASS for v in self.verdicts)

    @property
    def unreadable(self) -> int:
        return sum(v.verdict == UNREADABLE for v in self.verdicts)

    @property
    def fired(self) -> list[str]:
        """The model codes that fired on some row, in order of first appearance."""
        return list(dict.fromkeys(code for v in self.verdicts for code in v.models))
