"""Searches by a whole ID number or account: each one in the audit log with the number
masked, and at most SUNLIGHT_ID_SEARCHES_PER_10_MINUTES of them a user. A result confirms a
guessed number (the results page shows it masked, but lists the person it belongs to): the
trail and the limit make guessing visible and slow, while an investigator typing the
numbers of a case goes on as before."""

from __future__ import annotations

import hashlib
import hmac
import re
import time

from sqlalchemy.orm import Session

from sunlight.appdb.account_tables import User
from sunlight.appdb.rate_limits import count_use
from sunlight.audit.chain import append
from sunlight.masking import masked_number
from sunlight.settings import Settings

ACTION = "search.id"
WINDOW_S = 600
"""The limit's window: ten minutes."""
_WHOLE_NUMBER = re.compile(r"[0-9X*]{15,19}")
"""As long as an ID number (15 or 18 characters) or a bank account (15 to 19 digits)."""
_SHOWN = 10
"""Characters of such a number a page shows: the first 6 and the last 4."""


def whole_number(query: str) -> bool:
    """Whether a search query (normal_query's, in capitals) is a whole ID number or account,
    or one with a few characters left as *: more of it known than any page shows."""
    return bool(_WHOLE_NUMBER.fullmatch(query)) and len(query) - query.count("*") > _SHOWN


def within_limit(session: Session, settings: Settings, user: User) -> bool:
    """Count one whole-number search of this user; whether it is within the limit. Counted
    in the app database (every server process sees the same count), committed at once."""
    bucket = hmac.new(settings.secret_key.encode(), f"rate:{ACTION}\x1f{user.id}".encode(),
                      hashlib.sha256).hexdigest()[:32]
    uses = count_use(session, bucket, WINDOW_S, time.time())
    session.commit()
    return uses <= settings.id_searches_per_10_minutes


def record(session: Session, user: User, query: str, found: int, address: str) -> None:
    """The search in the audit log, the number masked as pages show it, with how many
    entities it found (a run of searches finding nothing is someone guessing)."""
    append(session, actor=user.username, action=ACTION,
           details={"query": masked_number(query), "found": found}, address=address)
    session.commit()
