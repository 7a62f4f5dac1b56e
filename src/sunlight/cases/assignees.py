"""Who a case may be assigned to, and why each other verifier is not offered."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunlight.appdb.account_tables import User
from sunlight.contract.case_steps import case_steps
from sunlight.contract.roles import ANALYST, VERIFIER

CASE_TAKERS = (ANALYST, VERIFIER)
"""The roles a case is assigned to: a township verifier, or an analyst who checks it himself."""


def covers(user: User, township: str) -> bool:
    """Whether this user's scope takes a case of this township: an analyst's is the county,
    a verifier's their township."""
    if user.role == ANALYST:
        return True
    return user.role == VERIFIER and bool(township) and user.township == township


def why_not(user: User, township: str) -> str:
    """Why a verifier may not take a case of this township, for the analyst assigning it."""
    reasons = case_steps().not_offered
    if not township:
        return reasons.case_without_township
    if not user.township:
        return reasons.no_township
    return reasons.other_township.format(scope=user.township, township=township)


@dataclass(frozen=True)
class Candidates:
    """The active staff who may take a case, and the verifiers who may not with the reason."""

    offered: list[User]
    not_offered: list[tuple[User, str]] = field(default_factory=list)

    @property
    def verifier_in_scope(self) -> bool:
        return any(user.role == VERIFIER for user in self.offered)


def candidates(session: Session, township: str) -> Candidates:
    """Who a case of this township may be assigned to: its verifiers, then the analysts;
    and every other active verifier, with why not."""
    users = session.scalars(select(User).where(User.active, User.role.in_(CASE_TAKERS))
                            .order_by(User.role.desc(), User.display_name)).all()
    return Candidates(offered=[user for user in users if covers(user, township)],
                      not_offered=[(user, why_not(user, township)) for user in users
                                   if not covers(user, township)])
