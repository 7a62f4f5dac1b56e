"""Which standing warnings touch which entity: refreshed after every detection run.

A person: the warnings about them and those that concern them (`warning_people`: the payees
of an account, the cadre beside a relative...); an account, a village, a company or a
household its own; a household also its members'.

Done in the app database alone (warnings and entities both live there), so a run that
leaves the warehouse, and so the index, unchanged still shows its new warnings' counts.
The pairs wanted are gathered in a temporary table and only those that differ from the
stored ones are written, as are only the counts that differ: most runs change few or none.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import (
    Column,
    Connection,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Select,
    Table,
    and_,
    delete,
    func,
    literal,
    select,
    union,
    update,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.expression import Exists, FromClause

from sunlight.appdb.entity_tables import Entity, EntityWarning
from sunlight.appdb.tables import Warning, WarningPerson
from sunlight.contract.cases import RETRACTED

WANTED = Table("entity_warnings_wanted", MetaData(),
               Column("entity_id", Integer), Column("warning_pk", Integer),
               PrimaryKeyConstraint("entity_id", "warning_pk"), prefixes=["TEMPORARY"])
"""The (entity, standing warning) pairs as they should be, for the length of a refresh."""


def refresh_warnings(session: Session) -> int:
    """Bring `entity_warnings` and `Entity.warnings` in line with the standing warnings,
    writing only what differs; returns the pairs."""
    connection = session.connection()
    WANTED.drop(connection, checkfirst=True)  # left by a refresh whose transaction failed
    WANTED.create(connection)
    try:
        _gather(connection)
        _write_differences(connection)
        _count(connection)
    finally:
        WANTED.drop(connection)
    return session.scalar(select(func.count()).select_from(EntityWarning)) or 0


def _gather(connection: Connection) -> None:
    # UNION, not UNION ALL: a warning's subject is also among the people it concerns.
    connection.execute(WANTED.insert().from_select(["entity_id", "warning_pk"],
                                                   union(*_touching())))
    # Then households from their members' pairs: few rows to start from, two key lookups.
    connection.execute(WANTED.insert().from_select(["entity_id", "warning_pk"], _households()))


def _write_differences(connection: Connection) -> None:
    stored = cast(Table, EntityWarning.__table__)

    def same(one: FromClause, other: FromClause) -> Exists:
        return select(literal(1)).where(one.c.entity_id == other.c.entity_id,
                                        one.c.warning_pk == other.c.warning_pk).exists()

    wanted = WANTED.alias("wanted")
    connection.execute(delete(stored).where(~same(wanted, stored)))
    kept = stored.alias("kept")
    connection.execute(stored.insert().from_select(
        ["entity_id", "warning_pk"],
        select(WANTED.c.entity_id, WANTED.c.warning_pk).where(~same(kept, WANTED))))


def _count(connection: Connection) -> None:
    """Each entity's count of pairs, written where it differs (a changed entity's row was
    written with 0)."""
    # `> 0`, the condition of the index of warned entities: those rows alone are read.
    warned = select(EntityWarning.entity_id)
    connection.execute(update(Entity).where(Entity.warnings > 0, Entity.id.not_in(warned))
                       .values(warnings=0))
    counted = (select(EntityWarning.entity_id, func.count().label("pairs"))
               .group_by(EntityWarning.entity_id).subquery("counted"))
    connection.execute(update(Entity).where(
        Entity.id == counted.c.entity_id,
        (Entity.warnings != counted.c.pairs) | Entity.warnings.is_(None))
        .values(warnings=counted.c.pairs))


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
    member, household = aliased(Entity), aliased(Entity)
    already = WANTED.alias("already")
    # Members found by id alone: only a person has a 户号, and a condition on `kind` would
    # lead SQLite to walk every person by the (kind, household) index instead.
    # DISTINCT: two members may be concerned by one warning (an account's payees); and a
    # household's own warning is there already.
    return (select(household.id, WANTED.c.warning_pk).distinct()
            .select_from(WANTED)
            .join(member, member.id == WANTED.c.entity_id)
            .join(household, and_(household.kind == "household",
                                  household.key == member.household))
            .where(member.household != "", ~select(already.c.entity_id).where(
                already.c.entity_id == household.id,
                already.c.warning_pk == WANTED.c.warning_pk).exists()))
