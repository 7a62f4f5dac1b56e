"""Searches that name what a masked number hides: each one in the audit log with the query
masked, and at most SUNLIGHT_ID_SEARCHES_PER_10_MINUTES of them a user.

A result confirms a guessed number (the results page shows it masked, but lists the person
it belongs to), and so does a start or an end of one that reaches into the hidden digits
(6103271949 lists those born in 1949; a digit at a time, such searches rebuild a whole ID).
So a whole ID number or account is audited and counted whatever it finds (a guess that
finds nothing is part of the trail), and a shorter number when it found an ID or account
by a character a page hides. The trail and the limit make guessing visible and slow, while
an investigator typing the numbers of a case goes on as before."""

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
_NUMBER = re.compile(r"[0-9X*]+")
_WHOLE_NUMBER = re.compile(r"[0-9X*]{15,19}")
"""As long as an ID number (15 or 18 characters) or a bank account (15 to 19 digits)."""
_SHOWN_START, _SHOWN_END = 6, 4
"""Characters of such a number a page shows: the first 6 and the last 4."""
_SHOWN = _SHOWN_START + _SHOWN_END


def whole_number(query: str) -> bool:
    """Whether a search query (normal_query's, in capitals) is a whole ID number or account,
    or one with a few characters left as *: more of it known than any page shows."""
    return bool(_WHOLE_NUMBER.fullmatch(query)) and len(query) - query.count("*") > _SHOWN


def pins_hidden(query: str, key: str) -> bool:
    """Whether a number-like query (in capitals) that found this ID or account names one of
    the characters its mask hides: as a start longer than 6, an end longer than 4, the
    whole, or a mask with a hidden place filled in (a leading run of * aligns it at the
    end, search.py)."""
    if not _NUMBER.fullmatch(query):
        return False
    hidden = range(_SHOWN_START, len(key) - _SHOWN_END)
    if "*" not in query:
        return ((key.startswith(query) and len(query) > _SHOWN_START)
                or (key.endswith(query) and len(query) > _SHOWN_END))
    offset = len(key) - len(query) if query.startswith("*") else 0
    return any(c != "*" and offset + i in hidden for i, c in enumerate(query))


def within_limit(session: Session, settings: Settings, user: User) -> bool:
    """Count one whole-number search of this user; whether it is within the limit. Counted
    in the app database (every server process sees the same count), committed at once."""
    bucket = hmac.new(settings.secret_key.encode(), f"rate:{ACTION}\x1f{user.id}".encode(),
                      hashlib.sha256).hexdigest()[:32]
    uses = count_use(session, bucket, WINDOW_S, time.time())
    session.commit()
    return uses <= settings.id_searches_per_10_minutes


def record(session: Session, user: User, query: str, found: int, address: str) -> None:
    """The search in the audit log, with how many entities it found (a run of searches
    finding nothing is someone guessing): a whole number masked as pages show it, a part
    of one as * only (its first six characters may be hidden ones)."""
    shown = masked_number(query) if whole_number(query) else "*" * len(query)
    append(session, actor=user.username, action=ACTION,
           details={"query": shown, "found": found}, address=address)
    session.commit()
