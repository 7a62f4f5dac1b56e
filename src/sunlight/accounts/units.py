"""The police units a member of staff covers (inspectors and liaisons, contract.roles)."""

from __future__ import annotations

from sunlight.appdb.account_tables import User
from sunlight.contract.roles import UNIT_ROLES


def units_of(user: User) -> list[str]:
    """The units this user covers; none unless their role is scoped to units."""
    return list(user.units or []) if user.role in UNIT_ROLES else []


def covers_unit(user: User, unit: str) -> bool:
    """Whether `unit` (a case's or warning's; '' for none) is one this user covers."""
    return bool(unit) and unit in units_of(user)
