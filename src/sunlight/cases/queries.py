"""The case lists: whose cases a user sees, filtered, deadline first, and counts per status."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, case, false, func, select, true
from sqlalchemy.orm import Session, selectinload

from sunlight.accounts.units import units_of
from sunlight.appdb.account_tables import User
from sunlight.appdb.case_tables import Case
from sunlight.contract.cases import ACTIVE, CLOSED, RETRACTED
from sunlight.contract.roles import ANALYST, INSPECTOR, LIAISON, VERIFIER

T = TypeVar("T", bound=Any)


@dataclass(frozen=True)
class CaseFilter:
    """What the case list is narrowed to; empty means any."""

    status: str = ""
    kind: str = ""
    township: str = ""
    overdue_only: bool = False
    assignee_id: int | None = None


def scope(user: User) -> ColumnElement[bool]:
    """The cases this user may see (workflow.may_see): all for an analyst, their units' for
    an inspector, their own for a verifier (of their township) and a liaison (of their units)."""
    if user.role == ANALYST:
        return true()
    if user.role == INSPECTOR:
        return Case.unit.in_(units_of(user))
    if user.role == VERIFIER:
        return ((Case.assignee_id == user.id) & (Case.unit == "")
                & (Case.township == (user.township or "")))
    if user.role == LIAISON:
        return (Case.assignee_id == user.id) & Case.unit.in_(units_of(user))
    return false()


def listed(session: Session, user: User, wanted: CaseFilter, *, today: date,
           limit: int = 100, offset: int = 0) -> Sequence[Case]:
    """Open work first, nearest deadline first (cases without one after), then by number."""
    finished = case((Case.status.in_((CLOSED, RETRACTED)), 1), else_=0)
    query = (_filtered(select(Case), user, wanted, today)
             .options(selectinload(Case.assignee), selectinload(Case.warning))
             .order_by(finished, Case.deadline.asc().nulls_last(), Case.id)
             .limit(limit).offset(offset))
    return session.scalars(query).all()


def count(session: Session, user: User, wanted: CaseFilter, *, today: date) -> int:
    query = _filtered(select(func.count()).select_from(Case), user, wanted, today)
    return session.scalar(query) or 0


def status_counts(session: Session, user: User, *, today: date) -> dict[str, int]:
    """Cases per status this user sees, and `overdue`: those past their deadline."""
    rows = session.execute(select(Case.status, func.count()).where(scope(user))
                           .group_by(Case.status)).all()
    counts = {status: number for status, number in rows}
    counts["overdue"] = count(session, user, CaseFilter(overdue_only=True), today=today)
    return counts


def townships(session: Session) -> list[str]:
    """The townships that have cases, for the filter."""
    return list(session.scalars(select(Case.township).where(Case.township != "")
                                .distinct().order_by(Case.township)))


def assignees(session: Session) -> list[User]:
    """The people cases are assigned to, for the filter."""
    return list(session.scalars(select(User).where(User.id.in_(
        select(Case.assignee_id).where(Case.assignee_id.is_not(None)))).order_by(
        User.role, User.display_name)))


def overdue_clause(today: date) -> ColumnElement[bool]:
    """The SQL of workflow.overdue."""
    return Case.deadline.is_not(None) & (Case.deadline < today) & Case.status.in_(ACTIVE)


def _filtered(query: Select[T], user: User, wanted: CaseFilter, today: date) -> Select[T]:
    query = query.where(scope(user))
    if wanted.status:
        query = query.where(Case.status == wanted.status)
    if wanted.kind:
        query = query.where(Case.kind == wanted.kind)
    if wanted.township:
        query = query.where(Case.township == wanted.township)
    if wanted.assignee_id is not None:
        query = query.where(Case.assignee_id == wanted.assignee_id)
    if wanted.overdue_only:
        query = query.where(overdue_clause(today))
    return query
