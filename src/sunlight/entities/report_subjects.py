"""The entities a citizen's report names: the persons of the entity index it may be about, with
their household, vehicles, companies and standing warnings.

A report knows its person only by the name the portal showed, the place it was filed from and
(filed from a beneficiary's page) the ID masked to its first 6 characters. Every person of
that name in that township and village is a candidate, those whose ID does not fit the mask
left out; staff judge which one is meant, so several are listed, not one guessed.

A report filed without a roster line names nobody in its fields; its text may. Then the
candidates are the persons of its village whose name (two characters or more) the text
contains: a lead for staff to judge, as namesakes are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunlight.appdb.case_tables import Case
from sunlight.appdb.entity_tables import Entity, EntityLink
from sunlight.appdb.report_tables import Report
from sunlight.appdb.tables import Warning
from sunlight.contract.cases import RETRACTED

MAX_CANDIDATES = 10
"""More namesakes than this in one village is a list no one reads; the page says so."""
MAX_RESIDENTS = 20_000
"""The residents of a village read to find the names a report's text contains: more than
any village holds, so that a corrupted index cannot make one page read the county."""
MIN_NAME = 2
"""A one-character name would be found in almost any text."""
_MASK = re.compile(r"[0-9X*]{6,18}")


@dataclass(frozen=True)
class ReportedPerson:
    """One person the report may be about, and what the index ties to them."""

    person: Entity
    household: Entity | None
    vehicles: list[dict[str, Any]] = field(default_factory=list)
    """As the index keeps them on the person (plate, type, status ...)."""
    companies: list[Entity] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)


@dataclass(frozen=True)
class ReportSubjects:
    """The candidates, and whether there were more than the page lists."""

    people: list[ReportedPerson]
    more: bool = False
    by_text: bool = False
    """Found by their names in the report's text: the report named nobody in its fields."""


def report_subjects(session: Session, report: Report, case: Case) -> ReportSubjects:
    """The persons of the entity index the report may be about, with their ties."""
    found = candidates(session, report, case)
    return ReportSubjects([_with_ties(session, person) for person in found[:MAX_CANDIDATES]],
                          more=len(found) > MAX_CANDIDATES, by_text=not report.subject_name)


def candidates(session: Session, report: Report, case: Case) -> Sequence[Entity]:
    """The persons the report may be about: of its name, township and village, or (when it
    names nobody) of its village and named in its text; at most one more than a page lists."""
    if not report.subject_name:
        return named_in_text(session, report.description, case)
    if not case.township:
        return []
    query = select(Entity).where(Entity.kind == "person", Entity.name == report.subject_name,
                                 Entity.township == case.township)
    if case.village:
        query = query.where(Entity.village == case.village)
    mask = report.subject_masked_id.strip().upper()
    if _MASK.fullmatch(mask) and mask.strip("*"):
        # In LIKE, _ stands for one character as * does in the mask; nothing else is left
        # in it that LIKE would read as a wildcard.
        query = query.where(Entity.key.like(mask.replace("*", "_")))
    return session.scalars(query.order_by(Entity.key).limit(MAX_CANDIDATES + 1)).all()


def named_in_text(session: Session, text: str, case: Case) -> Sequence[Entity]:
    """Persons of the case's village whose name the text contains, in the order the text
    names them (namesakes by ID); at most one more than a page lists."""
    if not text or not case.township or not case.village:
        return []
    residents = session.execute(
        select(Entity.id, Entity.name, Entity.key)
        .where(Entity.kind == "person", Entity.township == case.township,
               Entity.village == case.village)
        .limit(MAX_RESIDENTS))
    found = sorted((text.find(name), key, pk) for pk, name, key in residents
                   if len(name) >= MIN_NAME and name in text)
    ids = [pk for _, _, pk in found[:MAX_CANDIDATES + 1]]
    if not ids:
        return []
    by_id = {person.id: person for person in
             session.scalars(select(Entity).where(Entity.id.in_(ids)))}
    return [by_id[pk] for pk in ids]


def _with_ties(session: Session, person: Entity) -> ReportedPerson:
    household = session.scalar(select(Entity).where(
        Entity.kind == "household", Entity.key == person.household)) if person.household else None
    companies = session.scalars(
        select(Entity).join(EntityLink, EntityLink.target_id == Entity.id)
        .where(EntityLink.source_id == person.id, EntityLink.kind == "legal_rep",
               Entity.kind == "company")
        .order_by(Entity.name)).all()
    warnings = session.scalars(
        select(Warning).where(Warning.id_number == person.key, Warning.status != RETRACTED)
        .order_by(Warning.score.desc(), Warning.warning_id)).all()
    vehicles = person.doc.get("vehicles") if isinstance(person.doc, dict) else None
    return ReportedPerson(person=person, household=household,
                          vehicles=[v for v in vehicles or [] if isinstance(v, dict)],
                          companies=list(companies), warnings=list(warnings))
