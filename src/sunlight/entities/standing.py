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
    pairs = union_all(*_touching())
    session.execute(EntityWarning.__table__.insert().from_select(  # type: ignore[attr-defined]
        ["entity_id", "warning_pk"], pairs))
    session.execute(update(Entity).where(Entity.warnings != 0).values(warnings=0))
    counted = (select(func.count()).where(EntityWarning.entity_id == Entity.id)
               .scalar_subquery())
    session.execute(update(Entity).where(Entity.id.in_(select(EntityWarning.entity_id)))
                    .values(warnings=counted))
    return session.scalar(select(func.count()).select_from(EntityWarning)) or 0


def _touching() -> list[Select[int, int]]:
    standing = Warning.status != RETRACTED
    person = aliased(Entity)
    household = aliased(Entity)
    place = Warning.township + literal("/") + Warning.village

    def by(kind: str, key: object) -> Select[int, int]:
        return (select(Entity.id, Warning.id).select_from(Warning).join(
            Entity, (Entity.kind == kind) & (Entity.key == key)).where(standing))

    members = (select(household.id, Warning.id).select_from(Warning)
               .join(person, (person.kind == "person") & (person.key == Warning.id_number))
               .join(household, (household.kind == "household")
                     & (household.key == person.household))
               .where(standing, Warning.id_number != "", person.household != ""))
    return [by("person", Warning.id_number).where(Warning.id_number != ""),
            by("account", Warning.account).where(Warning.account != ""),
            by("village", place).where(Warning.village != ""), members]
