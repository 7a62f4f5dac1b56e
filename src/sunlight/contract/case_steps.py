"""How a case's steps read to staff: which steps are confirmed first, what follows each
status and who takes it, and why someone is not offered as an assignee (case_steps.yaml)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

Actor = Literal["analyst", "assignee", "none"]


class NextStep(BaseModel):
    """What happens once a case is in `status` (with `verdict`, when given), and who does it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    status: str
    verdict: str | None = None
    actor: Actor
    does: str = Field(min_length=1)
    police: str = ""
    """What it is called on a police warning's case, when it differs."""

    def said(self, police: bool) -> str:
        """`does`, or its police wording on a police warning's case."""
        return self.police if police and self.police else self.does


class NotOffered(BaseModel):
    """Why a member of staff is not offered as a case's assignee (str.format templates)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    other_township: str
    no_township: str
    case_without_township: str
    other_unit: str
    no_unit: str


class PoliceNotice(BaseModel):
    """The 督察整改通知书 of a police warning: its texts (str.format templates)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str
    addressee: str
    lead: str
    points: tuple[str, ...]
    signer: str
    receipt_result: str
    receipt_signers: str
    receipt_seal: str


class CaseSteps(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    confirm: dict[str, str]
    """Action → the question asked before it; only irreversible steps are here."""
    police_confirm: dict[str, str]
    """The questions a police warning's case asks instead, where they differ."""
    next_steps: tuple[NextStep, ...]
    not_offered: NotOffered
    no_verifier_in_scope: str
    no_liaison_in_scope: str
    verdict_needs_attachment: str
    police_notice: PoliceNotice

    def question(self, action: str, police: bool) -> str | None:
        """What is asked before `action` (None: nothing, it can be undone)."""
        if police and action in self.police_confirm:
            return self.police_confirm[action]
        return self.confirm.get(action)

    def next_step(self, status: str, verdict: str | None) -> NextStep | None:
        """The first rule for this status and verdict, or None for a status without one."""
        for rule in self.next_steps:
            if rule.status == status and rule.verdict in (None, verdict):
                return rule
        return None


@cache
def case_steps() -> CaseSteps:
    """The package's case_steps.yaml, validated once."""
    text = resources.files("sunlight.contract").joinpath("case_steps.yaml").read_text("utf-8")
    return CaseSteps.model_validate(yaml.safe_load(text))
