"""A person's names in the household registry, as the entity index keeps them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunlight.appdb.entity_tables import Entity
from sunlight.entities.sql import REGISTRY_FIELDS

_NAME = REGISTRY_FIELDS.index("name")


def registered_names(session: Session, id_number: str) -> list[str]:
    """The names the registry gives this ID number, latest state first; empty when the index
    has no registry row for it (not in the registry, or the index not built)."""
    doc = session.scalar(select(Entity.doc).where(Entity.kind == "person",
                                                  Entity.key == id_number))
    states = doc.get("registry") if isinstance(doc, dict) else None
    names = [str(state[_NAME]) for state in states or []
             if isinstance(state, list) and len(state) > _NAME and state[_NAME]]
    return list(dict.fromkeys(names))
