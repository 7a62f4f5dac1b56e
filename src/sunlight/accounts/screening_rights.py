"""Who may screen a batch before it is paid (and an application before it is approved): an
analyst (纪委监委) every kind of batch, a department officer the kinds read as one of their
department's datasets; never an admin (who sees no warning) nor a township verifier (who
sees only the cases assigned to them). The workbench page and the HTTP API both ask here."""

from __future__ import annotations

from sunlight.appdb.account_tables import User
from sunlight.contract.roles import ANALYST, OFFICER
from sunlight.contract.screening import BATCH_KINDS


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
