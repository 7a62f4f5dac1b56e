"""Who a case may be assigned to, and why each other verifier is not offered."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunlight.accounts.units import covers_unit, units_of
from sunlight.appdb.account_tables import User
from sunlight.contract.case_steps import case_steps
from sunlight.contract.roles import ANALYST, CASE_CHECKERS, INSPECTOR, LIAISON, VERIFIER

CASE_TAKERS = (ANALYST, VERIFIER, INSPECTOR, LIAISON)
"""The roles a case is assigned to: a township verifier or a unit's liaison, or an analyst
(an inspector, in their units) who checks it himself."""


def covers(user: User, township: str, unit: str = "") -> bool:
    """Whether this user's scope takes a case of this township or police unit: an analyst's
    is the county, a verifier's their township, an inspector's and a liaison's their units."""
    if user.role == ANALYST:
        return True
    if user.role in (INSPECTOR, LIAISON):
        return covers_unit(user, unit)
    return user.role == VERIFIER and not unit and bool(township) and user.township == township


def why_not(user: User, township: str, unit: str = "") -> str:
    """Why a verifier or liaison may not take a case of this township or unit, for the
    person assigning it."""
    reasons = case_steps().not_offered
    if unit:
        units = "、".join(units_of(user))
        return reasons.other_unit.format(scope=units, unit=unit) if units else reasons.no_unit
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
        return any(user.role in CASE_CHECKERS for user in self.offered)


def candidates(session: Session, township: str, unit: str = "") -> Candidates:
    """Who a case of this township (a police case: unit) may be assigned to: its verifiers
    (liaisons), then the analysts (and inspectors); and every other active verifier (liaison
    for a police case), with why not."""
    users = session.scalars(select(User).where(User.active, User.role.in_(CASE_TAKERS))
                            .order_by(User.role.desc(), User.display_name)).all()
    checkers = LIAISON if unit else VERIFIER
    return Candidates(offered=[user for user in users if covers(user, township, unit)],
                      not_offered=[(user, why_not(user, township, unit)) for user in users
                                   if user.role == checkers and not covers(user, township, unit)])
