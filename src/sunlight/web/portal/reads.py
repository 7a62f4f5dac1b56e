"""Everything the portal shows, read from the publication tables of the current version.

This is the portal's only access to data: it reads `publications` and the `pub_*` tables, and
nothing else (a test holds every statement of a crawl to that).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sunlight.appdb.publication_tables import (
    PUBLISHED,
    PubApproval,
    PubBeneficiary,
    PubEntry,
    Publication,
    PubLookup,
    PubPayment,
    PubProgram,
    PubVillage,
    PubVillageProgram,
)
from sunlight.publish.privacy import lookup_key, proof_key

ROSTER_PAGE = 100
"""Roster lines per page: a page of a big village stays well under 100 KB."""


def current(session: Session) -> Publication | None:
    """The newest publication not withdrawn."""
    return session.scalar(select(Publication).where(Publication.status == PUBLISHED)
                          .order_by(Publication.version.desc()).limit(1))


@dataclass(frozen=True)
class Township:
    name: str
    villages: list[PubVillage]

    @property
    def beneficiaries(self) -> int:
        return sum(v.beneficiaries for v in self.villages)

    @property
    def total(self) -> Decimal:
        return sum((v.total for v in self.villages), Decimal(0))


def townships(session: Session, publication: Publication) -> list[Township]:
    villages = session.scalars(select(PubVillage).where(
        PubVillage.publication_id == publication.id).order_by(PubVillage.no)).all()
    grouped: dict[str, list[PubVillage]] = {}
    for village in villages:
        grouped.setdefault(village.township, []).append(village)
    return [Township(name, rows) for name, rows in grouped.items()]


def programs(session: Session, publication: Publication) -> list[PubProgram]:
    return list(session.scalars(select(PubProgram).where(
        PubProgram.publication_id == publication.id).order_by(PubProgram.position)))


def program(session: Session, publication: Publication, code: str) -> PubProgram | None:
    return session.get(PubProgram, (publication.id, code))


def village(session: Session, publication: Publication, code: str) -> PubVillage | None:
    return session.scalar(select(PubVillage).where(PubVillage.publication_id == publication.id,
                                                   PubVillage.code == code))


def village_programs(session: Session, publication: Publication,
                     place: PubVillage) -> list[tuple[PubVillageProgram, PubProgram]]:
    rows = session.execute(
        select(PubVillageProgram, PubProgram)
        .join(PubProgram, (PubProgram.publication_id == PubVillageProgram.publication_id)
              & (PubProgram.code == PubVillageProgram.program))
        .where(PubVillageProgram.publication_id == publication.id,
               PubVillageProgram.village_no == place.no)
        .order_by(PubProgram.position)).all()
    return [(summary, about) for summary, about in rows]


@dataclass(frozen=True)
class RosterLine:
    entry: PubEntry
    person: PubBeneficiary


@dataclass(frozen=True)
class Roster:
    lines: list[RosterLine]
    matching: int
    """Lines matching the search (all lines without one)."""
    page: int
    pages: int


def roster(session: Session, publication: Publication, place: PubVillage, code: str,
           name: str = "", page: int = 1) -> Roster:
    """A program's roster in a village, ordered by household; `name` narrows it."""
    where = [PubEntry.publication_id == publication.id, PubEntry.village_no == place.no,
             PubEntry.program == code]
    joined = (PubBeneficiary.publication_id == PubEntry.publication_id) & (
        PubBeneficiary.no == PubEntry.beneficiary_no)
    if name:
        where.append(PubBeneficiary.name.contains(name, autoescape=True))
    matching = session.scalar(select(func.count()).select_from(PubEntry)
                              .join(PubBeneficiary, joined).where(*where)) or 0
    pages = max(1, -(-matching // ROSTER_PAGE))
    page = min(max(page, 1), pages)
    rows = session.execute(
        select(PubEntry, PubBeneficiary).join(PubBeneficiary, joined).where(*where)
        .order_by(PubBeneficiary.household_no, PubBeneficiary.no)
        .limit(ROSTER_PAGE).offset((page - 1) * ROSTER_PAGE)).all()
    return Roster([RosterLine(e, b) for e, b in rows], matching, page, pages)


@dataclass
class Benefit:
    """A roster line of a person with its payments and approval chain."""

    entry: PubEntry
    program: PubProgram
    payments: list[PubPayment] = field(default_factory=list)
    approvals: list[PubApproval] = field(default_factory=list)


@dataclass
class Beneficiary:
    person: PubBeneficiary
    benefits: list[Benefit]


def beneficiary(session: Session, publication: Publication, place: PubVillage,
                no: int) -> Beneficiary | None:
    person = session.get(PubBeneficiary, (publication.id, no))
    if person is None or person.village_no != place.no:
        return None
    return _with_benefits(session, publication, [person])[0]


def household(session: Session, publication: Publication, place: PubVillage,
              household_no: int) -> list[Beneficiary]:
    people = session.scalars(select(PubBeneficiary).where(
        PubBeneficiary.publication_id == publication.id, PubBeneficiary.village_no == place.no,
        PubBeneficiary.household_no == household_no).order_by(PubBeneficiary.no)).all()
    return _with_benefits(session, publication, list(people))


@dataclass(frozen=True)
class Household:
    village: PubVillage
    members: list[Beneficiary]
    household_no: int


def find_household(session: Session, publication: Publication, secret: str, id_number: str,
                   name: str, account_tail: str = "") -> list[Household]:
    """查我家: the household(s) of the person with this ID number and name, if any has
    benefits (a person paid in two villages has a household in each); with `account_tail`,
    only if an account the household was paid into ends so as well. `secret` is the
    publication's (publish/lookups.py)."""
    key = (proof_key(secret, id_number, name, account_tail) if account_tail
           else lookup_key(secret, id_number, name))
    found = session.execute(
        select(PubLookup.household_no, PubVillage)
        .join(PubVillage, (PubVillage.publication_id == PubLookup.publication_id)
              & (PubVillage.no == PubLookup.village_no))
        .where(PubLookup.publication_id == publication.id, PubLookup.key == key)
        .order_by(PubVillage.no)).all()
    return [Household(place, household(session, publication, place, number), number)
            for number, place in found]


def _with_benefits(session: Session, publication: Publication,
                   people: list[PubBeneficiary]) -> list[Beneficiary]:
    if not people:
        return []
    about = {p.code: p for p in programs(session, publication)}
    entries = session.scalars(select(PubEntry).where(
        PubEntry.publication_id == publication.id,
        PubEntry.beneficiary_no.in_([p.no for p in people]))
        .order_by(PubEntry.no)).all()
    benefits = {e.no: Benefit(e, about[e.program]) for e in entries}
    numbers = list(benefits)
    for payment in session.scalars(select(PubPayment).where(
            PubPayment.publication_id == publication.id, PubPayment.entry_no.in_(numbers))
            .order_by(PubPayment.entry_no, PubPayment.line)):
        benefits[payment.entry_no].payments.append(payment)
    for step in session.scalars(select(PubApproval).where(
            PubApproval.publication_id == publication.id, PubApproval.entry_no.in_(numbers))
            .order_by(PubApproval.entry_no, PubApproval.line)):
        benefits[step.entry_no].approvals.append(step)
    return [Beneficiary(p, [b for b in benefits.values() if b.entry.beneficiary_no == p.no])
            for p in people]


def person(session: Session, publication: Publication, place: PubVillage,
           no: int) -> PubBeneficiary | None:
    """A beneficiary of this village by their number in the publication, without benefits."""
    found = session.get(PubBeneficiary, (publication.id, no))
    return found if found is not None and found.village_no == place.no else None
