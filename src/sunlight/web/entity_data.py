"""What an entity page reads: the entity, its ties, its warnings and cases, all from the app
database by indexed queries (never the warehouse), within what the reader may see."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, aliased

from sunlight.appdb.account_tables import User
from sunlight.appdb.case_tables import Case
from sunlight.appdb.entity_tables import Entity, EntityLink, EntityPayment, EntityWarning
from sunlight.appdb.report_tables import Report
from sunlight.appdb.tables import Warning
from sunlight.cases.queries import scope
from sunlight.contract.cases import CLOSED, REPORT_CASE, RETRACTED
from sunlight.contract.roles import ANALYST, VERIFIER
from sunlight.entities.payments import account_cells, account_payees, payee_totals, run_periods
from sunlight.entities.sql import REGISTRY_FIELDS
from sunlight.masking import masked_number, public_masked_id
from sunlight.timeline import Grid
from sunlight.web.board import visible

KINDS = ("person", "account", "household", "company", "village", "township")
MASKED_KINDS = ("person", "account")
"""Kinds whose key is an ID number or an account: masked unless revealed."""
PAGE_TIES: dict[str, tuple[str, ...]] = {
    "person": ("payee", "cadre", "official", "legal_rep"), "account": ("payee",),
    "household": ("resident",), "company": ("legal_rep", "payee"), "village": ("cadre", "official"),
    "township": ("cadre", "official")}
"""The ties a page lists: a village's hundreds of households are on its link view only."""
SHOWN = 100


@dataclass(frozen=True)
class Tie:
    """A link as one end's page shows it: the kind, the role, and the entity at the far end."""

    kind: str
    role: str
    details: dict[str, Any]
    other_id: int
    other_kind: str
    other_key: str
    other_name: str
    other_warnings: int
    outgoing: bool


def find(session: Session, kind: str, ref: str) -> Entity | None:
    if kind not in KINDS or len(ref) > 24:
        return None
    return session.scalar(select(Entity).where(Entity.ref == ref, Entity.kind == kind))


def may_open(user: User, entity: Entity) -> bool:
    """An analyst opens any entity; a verifier those of their own township."""
    if user.role == ANALYST:
        return True
    return user.role == VERIFIER and bool(user.township) and entity.township == user.township


def by_key(session: Session, kind: str, key: str) -> Entity | None:
    if not key:
        return None
    return session.scalar(select(Entity).where(Entity.kind == kind, Entity.key == key))


def ties(session: Session, entity: Entity) -> list[Tie]:
    """The entity's links of the kinds its page lists, both ways."""
    kinds = PAGE_TIES.get(entity.kind, ())
    other = aliased(Entity)
    found: list[Tie] = []
    for outgoing in (True, False):
        near, far = ((EntityLink.source_id, EntityLink.target_id) if outgoing
                     else (EntityLink.target_id, EntityLink.source_id))
        rows = session.execute(
            select(EntityLink.kind, EntityLink.role, EntityLink.details, other.id, other.kind,
                   other.key, other.name, other.warnings)
            .join(other, other.id == far)
            .where(near == entity.id, EntityLink.kind.in_(kinds))
            .order_by(EntityLink.kind, other.key).limit(SHOWN))
        found += [Tie(kind, role, details, far_id, far_kind, far_key, far_name, warned, outgoing)
                  for kind, role, details, far_id, far_kind, far_key, far_name, warned in rows]
    return _with_payee_totals(session, entity, found)


def _with_payee_totals(session: Session, entity: Entity, found: list[Tie]) -> list[Tie]:
    """Payee ties with what was paid (first, last, months, amount, rows), from the runs."""
    accounts = {pair[0] for tie in found if (pair := _pair(entity, tie))}
    if not accounts:
        return found
    totals = payee_totals(session, accounts)
    return [replace(tie, details={**tie.details, **totals[pair].as_details()})
            if (pair := _pair(entity, tie)) in totals else tie for tie in found]


def _pair(entity: Entity, tie: Tie) -> tuple[str, str] | None:
    """(account, person) of a payee tie, else None."""
    if tie.kind != "payee":
        return None
    if entity.kind == "account":
        return entity.key, tie.other_key
    return tie.other_key, entity.key


def account_view(session: Session, account: Entity) -> tuple[list[dict[str, Any]],
                                                              list[dict[str, Any]]]:
    """An account's payees with what each was paid, and its money by period and payee
    ({id, f, t, a}), from the runs of months (and the document, for payees without an ID)."""
    doc = account.doc or {}
    payees = account_payees(session, account.key, list(doc.get("payees") or []))
    return payees, list(doc.get("months") or []) + account_cells(session, account.key)


def warnings_on(session: Session, user: User, entity: Entity, *,
                open_only: bool = False) -> Sequence[Warning]:
    """The standing warnings touching the entity that this reader may see, riskiest first."""
    query = (visible(user).join(EntityWarning, EntityWarning.warning_pk == Warning.id)
             .where(EntityWarning.entity_id == entity.id, Warning.status != RETRACTED))
    if open_only:
        query = query.where(Warning.status != CLOSED)
    return session.scalars(query.order_by(Warning.score.desc(), Warning.warning_id)
                           .limit(SHOWN)).all()


def person_cases(session: Session, user: User, person: Entity,
                 warnings: Sequence[Warning]) -> Sequence[Case]:
    """Cases of the person's warnings, those whose disposal disciplined them (处分对象), and
    those of citizens' reports naming them (the name and the ID as the portal masked it, in
    their township), that this reader may see."""
    about = or_(Case.warning_pk.in_([w.id for w in warnings]),
                Case.disciplined_id_number == person.key)
    if not person.name:
        return session.scalars(select(Case).where(scope(user), about)
                               .order_by(Case.id.desc()).limit(SHOWN)).all()
    named = and_(Report.subject_name == person.name,
                 Report.subject_masked_id.in_((public_masked_id(person.key),
                                               masked_number(person.key))),
                 Case.township == person.township)
    return session.scalars(
        select(Case).outerjoin(Report, Report.case_id == Case.id)
        .where(scope(user), or_(about, named))
        .order_by(Case.id.desc()).limit(SHOWN)).all()


def village_reports(session: Session, user: User, village: Entity) -> Sequence[Case]:
    """Citizens' reports about the village still being handled, newest first."""
    return session.scalars(
        select(Case).where(scope(user), Case.kind == REPORT_CASE,
                           Case.township == village.township, Case.village == village.village,
                           Case.status.not_in((CLOSED, RETRACTED)))
        .order_by(Case.id.desc()).limit(SHOWN)).all()


def peers(session: Session, township: str) -> Sequence[Entity]:
    """The villages of a township, by name."""
    return session.scalars(select(Entity).where(Entity.kind == "village",
                                                Entity.township == township)
                           .order_by(Entity.village)).all()


def registry_states(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """A person's registry states as named fields, latest first."""
    return [dict(zip(REGISTRY_FIELDS, state, strict=False))
            for state in doc.get("registry") or []]


def payment_runs(session: Session, person: Entity) -> list[dict[str, Any]]:
    """The person's runs of months paid alike ({g, f, t, a, n}, as `grid` reads them), by
    the index on `entity_payments.person`: tens of rows, seldom hundreds."""
    rows = session.execute(
        select(EntityPayment.program, EntityPayment.first, EntityPayment.last,
               EntityPayment.amount, EntityPayment.rows)
        .where(EntityPayment.person == person.key)
        .order_by(EntityPayment.first, EntityPayment.program, EntityPayment.account))
    return [{"g": program, "f": first, "t": last, "a": amount, "n": n}
            for program, first, last, amount, n in rows]


def household_programs(session: Session, household: Entity) -> list[dict[str, Any]]:
    """Per program, what the household's members (whose registry row names the 户号) were
    paid: payees, first and last period, the sum; from their runs of months."""
    members = select(Entity.key).where(Entity.kind == "person",
                                       Entity.household == household.key)
    rows = session.execute(
        select(EntityPayment.program, EntityPayment.person, EntityPayment.first,
               EntityPayment.last, EntityPayment.amount)
        .where(EntityPayment.person.in_(members)))
    found: dict[str, dict[str, Any]] = {}
    for program, person, first, last, amount in rows:
        line = found.setdefault(program, {"program": program, "payees": set(), "first": first,
                                          "last": last, "amount": Decimal(0)})
        line["payees"].add(person)
        line["first"], line["last"] = min(line["first"], first), max(line["last"], last)
        line["amount"] += Decimal(amount) * len(run_periods(first, last))
    return [{**line, "payees": len(line["payees"])} for _, line in sorted(found.items())]


def grid(runs: list[dict[str, Any]] | None, column: str) -> Grid:
    """Expand runs of months paid alike ({f, t, a, n?} and `column`) into a grid."""
    found = Grid()
    for run in runs or []:
        key = str(run.get(column) or "")
        amount = Decimal(run["a"])
        for period in run_periods(run["f"], run["t"]):
            total, count = found.cells.get((period, key), (Decimal(0), 0))
            found.cells[(period, key)] = (total + amount, count + int(run.get("n") or 1))
            found.totals[key] = found.totals.get(key, Decimal(0)) + amount
    found.periods = sorted({period for period, _ in found.cells})
    found.columns = sorted(found.totals)
    return found


def rate(count: int, residents: int) -> str:
    """Per 100 residents, one decimal; a dash without residents."""
    return f"{count * 100 / residents:.1f}" if residents else "—"
