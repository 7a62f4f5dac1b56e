"""Which standing warnings touch which entity: refreshed after every detection run.

A person: the warnings about them and those that concern them (`warning_people`: the payees
of an account, the cadre beside a relative...); an account, a village, a company or a
household its own; a household also its members'.

Done in the app database alone (warnings and entities both live there), so a run that
leaves the warehouse, and so the index, unchanged still shows its new warnings' counts.
"""

from __future__ import annotations

from sqlalchemy import Select, delete, func, literal, select, union, update
from sqlalchemy.orm import Session, aliased

from sunlight.appdb.entity_tables import Entity, EntityWarning
from sunlight.appdb.tables import Warning, WarningPerson
from sunlight.contract.cases import RETRACTED


def refresh_warnings(session: Session) -> int:
    """Rewrite `entity_warnings` and `Entity.warnings`; returns the pairs written."""
    session.execute(delete(EntityWarning))
    insert = EntityWarning.__table__.insert()  # type: ignore[attr-defined]
    # UNION, not UNION ALL: a warning's subject is also among the people it concerns.
    session.execute(insert.from_select(["entity_id", "warning_pk"], union(*_touching())))
    # Then households from their members' pairs: few rows to start from, two key lookups.
    session.execute(insert.from_select(["entity_id", "warning_pk"], _households()))
    # `> 0`, the condition of the index of warned entities: those rows alone are read.
    session.execute(update(Entity).where(Entity.warnings > 0).values(warnings=0))
    counted = (select(func.count()).where(EntityWarning.entity_id == Entity.id)
               .scalar_subquery())
    session.execute(update(Entity).where(Entity.id.in_(select(EntityWarning.entity_id)))
                    .values(warnings=counted))
    return session.scalar(select(func.count()).select_from(EntityWarning)) or 0


def _touching() -> list[Select[int, int]]:
    standing = Warning.status != RETRACTED
    place = Warning.township + literal("/") + Warning.village

    def by(kind: str, key: object) -> Select[int, int]:
        return (select(Entity.id, Warning.id).select_from(Warning).join(
            Entity, (Entity.kind == kind) & (Entity.key == key)).where(standing))

    concerned = (select(Entity.id, Warning.id).select_from(WarningPerson)
                 .join(Warning, Warning.id == WarningPerson.warning_pk)
                 .join(Entity, (Entity.kind == "person")
                       & (Entity.key == WarningPerson.id_number))
                 .where(standing, WarningPerson.id_number != ""))
    return [by("person", Warning.id_number).where(Warning.id_number != ""),
            by("account", Warning.account).where(Warning.account != ""),
            by("village", place).where(Warning.village != ""), concerned,
            # A company's or a household's own warning (contract §4 subject kinds).
            *(by(kind, Warning.subject).where(Warning.subject_kind == kind)
              for kind in ("company", "household"))]


def _households() -> Select[int, int]:
    person, household = aliased(Entity), aliased(Entity)
    already = aliased(EntityWarning)
    # DISTINCT: two members may be concerned by one warning (an account's payees); and a
    # household's own warning is there already.
    return (select(household.id, EntityWarning.warning_pk).distinct()
            .select_from(EntityWarning)
            .join(person, (person.id == EntityWarning.entity_id) & (person.kind == "person"))
            .join(household, (household.kind == "household")
                  & (household.key == person.household))
            .where(person.household != "", ~select(already.entity_id).where(
                already.entity_id == household.id,
                already.warning_pk == EntityWarning.warning_pk).exists()))
