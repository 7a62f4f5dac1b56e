"""Addresses of entity pages, for templates: `entity_url(request, 'person', id_number)`.

The address carries the entity's ref (sunlight.entities.refs), never its ID number or
account. The index's secret is read once per process and kept on the app.
"""

from __future__ import annotations

from fastapi import Request
from sqlalchemy.orm import Session, sessionmaker

from sunlight.entities.refs import entity_ref, index_state
from sunlight.web.state import sessions_of

ENTITY_PAGES = "/staff/entities"


def stored_salt(sessions: sessionmaker[Session]) -> str:
    """The entity index's secret, created and committed if the database has none yet."""
    with sessions.begin() as session:
        return index_state(session).salt


def index_salt(request: Request) -> str:
    """The entity index's secret, from the app database the first time it is asked for."""
    salt: str | None = getattr(request.app.state, "entity_salt", None)
    if salt is None:
        with sessions_of(request).begin() as session:
            salt = index_state(session).salt
        request.app.state.entity_salt = salt
    return salt


def entity_url(request: Request, kind: str, key: str) -> str:
    """The page of (kind, key): person, household, account, company or village
    (`township/village`); empty when there is no key to link."""
    if not key:
        return ""
    return f"{ENTITY_PAGES}/{kind}/{entity_ref(index_salt(request), kind, key)}"
