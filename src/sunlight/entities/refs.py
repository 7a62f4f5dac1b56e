"""The handle an entity goes by in addresses: a keyed hash of its kind and key.

The key is the index's own random secret, kept in the app database, so that a ref says
nothing of the ID number or account behind it and cannot be computed from one by anyone
without the database; and it stays the same when the index is rebuilt.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from sqlalchemy.orm import Session

from sunlight.appdb.entity_tables import EntityIndexState

REF_LENGTH = 16


def entity_ref(salt: str, kind: str, key: str) -> str:
    """16 characters of base32 (80 bits), lower case: safe in a path, not guessable."""
    digest = hmac.new(salt.encode("ascii"), f"{kind}\x00{key}".encode(), hashlib.sha256)
    return base64.b32encode(digest.digest()).decode("ascii")[:REF_LENGTH].lower()


def index_state(session: Session) -> EntityIndexState:
    """The index's state row, created with a fresh secret the first time it is asked for."""
    state = session.get(EntityIndexState, 1)
    if state is None:
        state = EntityIndexState(id=1, salt=secrets.token_hex(32), fingerprint="",
                                 entities=0, links=0)
        session.add(state)
        session.flush()
    return state


def ref_for(session: Session, kind: str, key: str) -> str:
    """The ref of (kind, key), whether or not the index holds it yet."""
    return entity_ref(index_state(session).salt, kind, key)
