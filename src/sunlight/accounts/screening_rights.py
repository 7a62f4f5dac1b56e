"""Who may screen a batch before it is paid (and an application before it is approved): an
analyst (纪委监委) every kind of batch, a department officer the kinds read as one of their
department's datasets; never an admin (who sees no warning) nor a township verifier (who
sees only the cases assigned to them). The workbench page and the HTTP API both ask here,
and here what a screening may tell its requester of why a row is held."""

from __future__ import annotations

from sunlight.appdb.account_tables import User
from sunlight.contract.roles import ANALYST, OFFICER
from sunlight.contract.screening import BATCH_KINDS, ExplanationDetail


def screenable_kinds(user: User) -> list[str]:
    """The kinds of batch (contract/screening.yaml) this account may screen: every kind for
    an analyst, those read as one of their datasets for an officer; none once disabled."""
    if not user.active:
        return []
    if user.role == ANALYST:
        return list(BATCH_KINDS)
    if user.role == OFFICER:
        return [code for code, kind in BATCH_KINDS.items() if kind.dataset in user.datasets]
    return []


def may_screen(user: User, kind: str) -> bool:
    return kind in screenable_kinds(user)


def explanation_detail(user: User) -> ExplanationDetail:
    """How much a screening tells this account of why a row is held: an analyst reads the
    warning's explanation; anyone else (an officer, who sees no warnings) only the model's
    fixed note, since the explanation names other people (a household member's car, a
    relative's post, the registry's name for an ID) and their data."""
    return "full" if user.active and user.role == ANALYST else "reduced"
