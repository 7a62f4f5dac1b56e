"""Which standing warnings touch which entity: refreshed after every detection run.

Done in the app database alone (warnings and entities both live there), so a run that
leaves the warehouse, and so the index, unchanged still shows its new warnings' counts.
"""

from __future__ import annotations

from sqlalchemy import Select, delete, func, literal, select, union_all, update
from sqlalchemy.orm import Session, aliased

from sunlight.appdb.entity_tables import Entity, EntityWarning
from sunlight.appdb.tables import Warning
from sunlight.contract.cases import RETRACTED


def refresh_warnings(session: Session) -> int:
    """Rewrite `entity_warnings` and `Entity.warnings`; returns the pairs written."""
    session.execute(delete(EntityWarning))
    insert = EntityWarning.__table__.insert()  # type: ignore[attr-defined]
    session.execute(insert.from_select(["entity_id", "warning_pk"], union_all(*_touching())))
    # Then households from their members' pairs: few rows to start from, two key lookups.
    session.execute(insert.from_select(["entity_id", "warning_pk"], _households()))
    session.execute(update(Entity).where(Entity.warnings != 0).values(warnings=0))
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

    return [by("person", Warning.id_number).where(Warning.id_number != ""),
            by("account", Warning.account).where(Warning.account != ""),
            by("village", place).where(Warning.village != "")]


def _households() -> Select[int, int]:
    person, household = aliased(Entity), aliased(Entity)
    return (select(household.id, EntityWarning.warning_pk).select_from(EntityWarning)
            .join(person, (person.id == EntityWarning.entity_id) & (person.kind == "person"))
            .join(household, (household.kind == "household")
                  & (household.key == person.household))
            .where(person.household != ""))
