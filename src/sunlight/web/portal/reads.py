"""Everything the portal shows, read from the publication tables of the current version.

This is the portal's only access to data: it reads `publications`, the `pub_*` tables and
the townships' phones, and nothing else (a test holds every statement of a crawl to that).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from sunlight.appdb.publication_tables import (
    PUBLISHED,
    PubApproval,
    PubBeneficiary,
    PubCompanyPayment,
    PubEntry,
    PubHousehold,
    Publication,
    PubLookup,
    PubPayment,
    PubProgram,
    PubVillage,
    PubVillageProgram,
    TownshipPhone,
)
from sunlight.publish.privacy import lookup_key, normal_code, proof_key

ROSTER_PAGE = 100
"""Roster lines per page: a page of a big village stays well under 100 KB."""


def current(session: Session) -> Publication | None:
    """The newest publication not withdrawn."""
    return session.scalar(select(Publication).where(Publication.status == PUBLISHED)
                          .order_by(Publication.version.desc()).limit(1))


@dataclass(frozen=True)
class CompanyProgram:
    """A company program in a township: how many companies it paid, and how much."""

    program: PubProgram
    companies: int
    total: Decimal


@dataclass(frozen=True)
class Township:
    name: str
    villages: list[PubVillage]
    company_programs: list[CompanyProgram] = field(default_factory=list)
    """Company programs paid there (companies are listed per township, not per village)."""

    @property
    def beneficiaries(self) -> int:
        return sum(v.beneficiaries for v in self.villages)

    @property
    def total(self) -> Decimal:
        return sum((v.total for v in self.villages), Decimal(0))


def townships(session: Session, publication: Publication) -> list[Township]:
    """Every township with a village of beneficiaries or a company paid, by name."""
    villages = session.scalars(select(PubVillage).where(
        PubVillage.publication_id == publication.id).order_by(PubVillage.no)).all()
    grouped: dict[str, list[PubVillage]] = {}
    for village in villages:
        grouped.setdefault(village.township, []).append(village)
    companies = _company_programs(session, publication)
    return [Township(name, grouped.get(name, []), companies.get(name, []))
            for name in sorted(grouped.keys() | companies.keys())]


def _company_programs(session: Session,
                      publication: Publication) -> dict[str, list[CompanyProgram]]:
    """Per township, its company programs in catalog order."""
    about = {p.code: p for p in programs(session, publication)}
    rows = session.execute(
        select(PubCompanyPayment.township, PubCompanyPayment.program,
               func.count(PubCompanyPayment.credit_code.distinct()),
               func.sum(PubCompanyPayment.amount))
        .where(PubCompanyPayment.publication_id == publication.id)
        .group_by(PubCompanyPayment.township, PubCompanyPayment.program)).all()
    found: dict[str, list[CompanyProgram]] = {}
    for township, code, companies, total in rows:
        if code in about:
            found.setdefault(township, []).append(
                CompanyProgram(about[code], int(companies), Decimal(total or 0)))
    for listed in found.values():
        listed.sort(key=lambda summary: summary.program.position)
    return found


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
class HouseholdLine:
    """A household on a roster listed by household: its 户主 and the lines of its members."""

    household_no: int
    head: str
    """The registry's 户主, else the first member paid (who need not be the head)."""
    lines: list[RosterLine]

    @property
    def persons(self) -> int:
        """保障人口: the household's persons paid under the program."""
        return len(self.lines)

    @property
    def amount_per_period(self) -> Decimal:
        return sum((line.entry.amount_per_period for line in self.lines), Decimal(0))

    @property
    def total(self) -> Decimal:
        return sum((line.entry.total for line in self.lines), Decimal(0))


@dataclass(frozen=True)
class Roster:
    lines: list[RosterLine]
    matching: int
    """Lines (households, for a roster by household) matching the search, or all."""
    page: int
    pages: int
    households: list[HouseholdLine] = field(default_factory=list)
    """The page's households, for a program listed by household (`lines` is then empty)."""


def roster(session: Session, publication: Publication, place: PubVillage, about: PubProgram,
           name: str = "", page: int = 1) -> Roster:
    """A program's roster in a village, ordered by household; `name` narrows it."""
    if about.listed_by == "household":
        return _household_roster(session, publication, place, about.code, name, page)
    where = [PubEntry.publication_id == publication.id, PubEntry.village_no == place.no,
             PubEntry.program == about.code]
    if name:
        where.append(PubBeneficiary.name.contains(name, autoescape=True))
    matching = session.scalar(select(func.count()).select_from(PubEntry)
                              .join(PubBeneficiary, _PERSON_OF_ENTRY).where(*where)) or 0
    pages = _pages(matching)
    page = min(max(page, 1), pages)
    rows = session.execute(
        select(PubEntry, PubBeneficiary).join(PubBeneficiary, _PERSON_OF_ENTRY).where(*where)
        .order_by(PubBeneficiary.household_no, PubBeneficiary.no)
        .limit(ROSTER_PAGE).offset((page - 1) * ROSTER_PAGE)).all()
    return Roster([RosterLine(e, b) for e, b in rows], matching, page, pages)


_PERSON_OF_ENTRY = (PubBeneficiary.publication_id == PubEntry.publication_id) & (
    PubBeneficiary.no == PubEntry.beneficiary_no)


def _pages(lines: int) -> int:
    return max(1, -(-lines // ROSTER_PAGE))


def _household_roster(session: Session, publication: Publication, place: PubVillage,
                      code: str, name: str, page: int) -> Roster:
    """By household: a village's lines of one program are few (hundreds), so they are read
    whole and grouped here; `name` finds a household by its head or any member paid."""
    rows = session.execute(
        select(PubEntry, PubBeneficiary, PubHousehold.head)
        .join(PubBeneficiary, _PERSON_OF_ENTRY)
        .outerjoin(PubHousehold, (PubHousehold.publication_id == PubEntry.publication_id)
                   & (PubHousehold.village_no == PubEntry.village_no)
                   & (PubHousehold.household_no == PubBeneficiary.household_no))
        .where(PubEntry.publication_id == publication.id, PubEntry.village_no == place.no,
               PubEntry.program == code)
        .order_by(PubBeneficiary.household_no, PubBeneficiary.no)).all()
    grouped: dict[int, HouseholdLine] = {}
    for entry, person, head in rows:
        line = grouped.setdefault(person.household_no, HouseholdLine(
            person.household_no, head or person.name, []))
        line.lines.append(RosterLine(entry, person))
    found = [h for h in grouped.values()
             if not name or name in h.head or any(name in x.person.name for x in h.lines)]
    pages = _pages(len(found))
    page = min(max(page, 1), pages)
    shown = found[(page - 1) * ROSTER_PAGE:page * ROSTER_PAGE]
    return Roster([], len(found), page, pages, shown)


@dataclass(frozen=True)
class CompanyLine:
    """A company on a roster's page, with its payments there, month by month."""

    company: str
    credit_code: str
    payments: list[PubCompanyPayment]


@dataclass(frozen=True)
class CompanyRoster:
    """A page of a company program's roster in a township (paged by payment)."""

    companies: list[CompanyLine]
    matching: int
    """Payments matching the search, or all."""
    page: int
    pages: int


def company_roster(session: Session, publication: Publication, township: str, code: str,
                   name: str = "", page: int = 1) -> CompanyRoster:
    """The payments of a company program in a township, by company and month; `name` narrows
    them to companies whose name or 统一社会信用代码 holds it."""
    where = [PubCompanyPayment.publication_id == publication.id,
             PubCompanyPayment.township == township, PubCompanyPayment.program == code]
    if name:
        where.append(or_(PubCompanyPayment.company.contains(name, autoescape=True),
                         PubCompanyPayment.credit_code.contains(normal_code(name) or name,
                                                                autoescape=True)))
    matching = session.scalar(select(func.count()).select_from(PubCompanyPayment)
                              .where(*where)) or 0
    pages = _pages(matching)
    page = min(max(page, 1), pages)
    lines = session.scalars(select(PubCompanyPayment).where(*where)
                            .order_by(PubCompanyPayment.no)
                            .limit(ROSTER_PAGE).offset((page - 1) * ROSTER_PAGE)).all()
    companies: dict[tuple[str, str], CompanyLine] = {}
    for line in lines:  # numbered by company, then month: a company's lines are together
        companies.setdefault((line.company, line.credit_code), CompanyLine(
            line.company, line.credit_code, [])).payments.append(line)
    return CompanyRoster(list(companies.values()), matching, page, pages)


def household_head(session: Session, publication: Publication, place: PubVillage,
                   household_no: int) -> str:
    """The 户主 the registry names for a household of the village, or ""."""
    found = session.get(PubHousehold, (publication.id, place.no, household_no))
    return found.head if found is not None else ""


def township_phone(session: Session, township: str) -> str:
    """The phone an admin entered for the township, or ""."""
    found = session.get(TownshipPhone, township)
    return found.phone if found is not None else ""


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
