"""What protects the portal's forms without sessions: rate limits per browser and per
address, and the count of failed 查我家 tries per person. (Their CSRF tokens: web.csrf.)
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

from fastapi import Request
from sqlalchemy.orm import Session

from sunlight.appdb.rate_limits import count_use, take_back
from sunlight.masking import public_masked_id
from sunlight.publish.privacy import normal_id, normal_name
from sunlight.web import csrf
from sunlight.web.deps import counted_address, settings_of

# Villagers often reach the portal through one carrier address (a mobile network's NAT): an
# address may use a form this many times as often as one browser may.
BROWSERS_PER_ADDRESS = 20
HOUR_S = 3600
BURST_S = 60
CHECK_FAILURES_S = 30 * 24 * 3600
"""How long a failed 查我家 counts against the person it aimed at: 30 to 60 days."""


def within_limits(request: Request, session: Session, name: str, per_hour: int) -> bool:
    """Whether this browser may use the form called `name` once more (and count it).

    Per address, at most SUNLIGHT_PORTAL_BURST_PER_MINUTE uses a minute: a flood from one
    address stops within seconds. A browser is known by its CSRF nonce (the forms' POSTs
    have checked its token): `per_hour` uses each. Its address as a whole gets
    BROWSERS_PER_ADDRESS times that, so that a village behind one address is not stopped by
    one household, while clearing cookies for a fresh nonce does not lift the limit. A use
    refused by one limit counts against none after it. Counted in the app database (every
    server process sees the same counts), and committed at once, so that no counter row
    stays locked while the request goes on. A route that only reads afterwards begins its
    reads with `reading`.
    """
    settings = settings_of(request)
    nonce = csrf.sent_nonce(request)
    address = f"address:{counted_address(request)}"
    browser = f"browser:{nonce}" if nonce else address
    now = time.time()
    limits = ((f"{name}:burst", address, BURST_S, settings.portal_burst_per_minute),
              (name, browser, HOUR_S, per_hour),
              (f"{name}:address", address, HOUR_S, per_hour * BROWSERS_PER_ADDRESS))
    allowed = all(count_use(session, _bucket(settings.secret_key, limit, subject), window,
                            now) <= most for limit, subject, window, most in limits)
    _settle(session)
    return allowed


def too_often(what: str) -> str:
    """The refusal of a use over a limit, e.g. too_often("查询")."""
    return f"{what}次数过多，请稍后再试（最长一小时）。"


def person_looked_up(secret: str, id_number: str, name: str) -> str:
    """Whom a 查我家 try aims at, as far as the public roster tells: the name and what the
    public mask shows of the ID. Someone guessing the hidden characters of one person's ID
    cannot change this, whatever address or browser they try from."""
    return _bucket(secret, "check:person",
                   f"{normal_name(name)}\x1f{public_masked_id(normal_id(id_number))}")


@dataclass(frozen=True)
class CheckTry:
    """A 查我家 try, counted against the person it aims at before it is made: tries at the
    same moment (from many addresses) cannot all slip under the limit. `settle` takes the
    count back unless the try was made and found nothing."""

    person: str
    at: float
    alone: bool
    """Whether ID and name may still answer on their own (SUNLIGHT_CHECK_FAILURES_PER_PERSON
    failures in the last 30 to 60 days not yet reached)."""

    def settle(self, session: Session, *, failed: bool) -> None:
        if not failed:
            take_back(session, self.person, CHECK_FAILURES_S, self.at)
        _settle(session)


def check_try(request: Request, session: Session, person: str) -> CheckTry:
    """Count a 查我家 try at this person (see CheckTry)."""
    now = time.time()
    tries = count_use(session, person, CHECK_FAILURES_S, now, with_previous=True)
    return CheckTry(person, now, tries <= settings_of(request).check_failures_per_person)


def _bucket(secret: str, limit: str, subject: str) -> str:
    # Keyed: the counters hold no address or name, and nobody can aim at another's bucket.
    return hmac.new(secret.encode(), f"rate:{limit}\x1f{subject}".encode(),
                    hashlib.sha256).hexdigest()[:32]


def _settle(session: Session) -> None:
    # No transaction begun after it: a route that only reads then must not hold SQLite's
    # write lock (as a POST's transactions would) until its response is sent.
    session.commit()
