"""Case states, transitions, verdicts and sanctions, loaded from cases.yaml.

A warning's `status` is its case's status: 待分派 (`open`) until someone acts on it; sync of a
detection run reads it to decide whether new evidence extends a warning or raises a successor.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sunlight.contract.loading import load_shipped
from sunlight.contract.roles import ROLES

OPEN: Final = "open"
VERIFYING: Final = "verifying"
VERIFIED: Final = "verified"
HANDLING: Final = "handling"
CLOSED: Final = "closed"
RETRACTED: Final = "retracted"
WARNING_CASE: Final = "warning"
REPORT_CASE: Final = "report"
_NAMED = {OPEN, VERIFYING, VERIFIED, HANDLING, CLOSED, RETRACTED}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class State(_Strict):
    label: str
    deadline_runs: bool = False
    warning_only: bool = False


class TransitionSpec(_Strict):
    """Who may move a case from which states to which; the form is checked in workflow."""

    label: str
    sources: tuple[str, ...] = Field(alias="from", min_length=1)
    target: str = Field(alias="to")
    roles: tuple[str, ...] = Field(min_length=1)


class Sanction(_Strict):
    label: str
    choices: tuple[str, ...] = Field(min_length=1)
    several: bool = False


class Disposal(_Strict):
    """What a disposal records besides its sanctions: 处分对象 and the payment measures."""

    disciplined: str
    payment_measures: dict[str, str] = Field(min_length=1)


class CaseVocabulary(_Strict):
    states: dict[str, State]
    kinds: dict[str, str]
    transitions: dict[str, TransitionSpec]
    verdicts: tuple[str, ...]
    sanctions: dict[str, Sanction]
    disposal: Disposal
    list_separator: str
    transfers: tuple[str, ...]
    police_transfers: tuple[str, ...]
    self_correction_kinds: tuple[str, ...]

    @model_validator(mode="after")
    def _codes_resolve(self) -> CaseVocabulary:
        if set(self.states) != _NAMED:
            raise ValueError(f"states must be exactly {sorted(_NAMED)}")
        if set(self.kinds) != {WARNING_CASE, REPORT_CASE}:
            raise ValueError(f"kinds must be {WARNING_CASE} and {REPORT_CASE}")
        for action, step in self.transitions.items():
            unknown = {*step.sources, step.target} - set(self.states)
            if unknown or set(step.roles) - set(ROLES):
                raise ValueError(f"transition {action}: unknown state or role")
        return self


CASES: Final = load_shipped("cases.yaml", CaseVocabulary)

STATUS_ZH: Final = {code: state.label for code, state in CASES.states.items()}
ACTIVE: Final = tuple(code for code, state in CASES.states.items() if state.deadline_runs)
"""Statuses in which the deadline runs."""
KIND_ZH: Final = CASES.kinds
VERDICTS: Final = CASES.verdicts
TRUE, PARTLY_TRUE, NOT_TRUE = VERDICTS
SANCTION_LABELS: Final = {name: sanction.label for name, sanction in CASES.sanctions.items()}
"""A case's sanction fields (and a disposal's logged details) by name, and what they are."""
PARTY_DISCIPLINES: Final = CASES.sanctions["party_discipline"].choices
GOVERNMENT_DISCIPLINES: Final = CASES.sanctions["government_discipline"].choices
ORGANISATIONAL_MEASURES: Final = CASES.sanctions["organisational_measures"].choices
POLICE_MEASURES: Final = CASES.sanctions["police_measures"].choices
"""What a police warning's disposal may order, instead of 组织处理 and any money."""
DISCIPLINED_ZH: Final = CASES.disposal.disciplined
PAYMENT_MEASURES: Final = CASES.disposal.payment_measures
"""The case's date fields of 停发 and 取消资格, and what each measure is called."""
LIST_SEPARATOR: Final = CASES.list_separator
TRANSFERS: Final = CASES.transfers
POLICE_TRANSFERS: Final = CASES.police_transfers
SELF_CORRECTION_KINDS: Final = CASES.self_correction_kinds


def sanction_parts(fields: Mapping[str, object]) -> list[str]:
    """The sanctions given, as a person reads them: ["党纪处分 严重警告", "组织处理 诫勉"]."""
    return [f"{label} {fields[name]}" for name, label in SANCTION_LABELS.items()
            if fields.get(name)]
