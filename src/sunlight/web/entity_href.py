"""Addresses of entity pages, for templates: `entity_url(request, 'person', id_number)`.

The address carries the entity's ref (sunlight.entities.refs), never its ID number or
account. The index's secret is read (or made) once, when the app starts (`stored_salt`): a page
rendered while a POST holds SQLite's write lock could not make it then.
"""

from __future__ import annotations

from fastapi import Request
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from sunlight.appdb.database import writing
from sunlight.appdb.entity_tables import EntityIndexState
from sunlight.entities.refs import entity_ref, index_state

ENTITY_PAGES = "/staff/entities"


def stored_salt(sessions: sessionmaker[Session]) -> str:
    """The entity index's secret, created and committed if the database has none yet.

    The workers of `sunlight serve` start together on a new database: each reads, and the
    one that finds no secret makes it holding the write lock from its first statement. A
    deferred transaction that read first would be refused at once ("database is locked")
    once another worker had written meanwhile, whatever the busy timeout.
    """
    with sessions() as session:
        state = session.get(EntityIndexState, 1)
        if state is not None:
            return state.salt
    try:
        with sessions() as session:
            salt = index_state(writing(session)).salt
            session.commit()
            return salt
    except IntegrityError:  # PostgreSQL: another worker inserted it first
        with sessions() as session:
            return index_state(session).salt


def index_salt(request: Request) -> str:
    """The entity index's secret, as the app read it at start."""
    salt: str = request.app.state.entity_salt
    return salt


def entity_url(request: Request, kind: str, key: str) -> str:
    """The page of (kind, key): person, household, account, company or village
    (`township/village`); empty when there is no key to link."""
    if not key:
        return ""
    return f"{ENTITY_PAGES}/{kind}/{entity_ref(index_salt(request), kind, key)}"
