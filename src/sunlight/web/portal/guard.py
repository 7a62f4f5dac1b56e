"""What protects the portal's forms without sessions: a signed double-submit CSRF token, and
rate limits per browser and per address.

The token is a random nonce and its HMAC under the app's secret; the page sets it as a cookie
and puts it in the form. A POST must bring the same valid token in both: another site can make
a browser send the cookie, but cannot read it to fill in the form, nor forge a signed one.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque

from fastapi import Request
from fastapi.responses import Response

from sunlight.web.deps import client_address

PORTAL_CSRF_COOKIE = "sunlight_portal_csrf"
TOKEN_HOURS = 12


def _signature(secret: str, nonce: str) -> str:
    return hmac.new(secret.encode(), f"portal-csrf:{nonce}".encode(),
                    hashlib.sha256).hexdigest()[:32]


def new_token(secret: str) -> str:
    nonce = secrets.token_urlsafe(18)
    return f"{nonce}.{_signature(secret, nonce)}"


def valid(secret: str, token: str) -> bool:
    nonce, _, signature = token.partition(".")
    return bool(nonce) and hmac.compare_digest(signature.encode(),
                                               _signature(secret, nonce).encode())


def form_token(request: Request, secret: str) -> str:
    """The token for a form on this page: the browser's own if it is valid, else a new one."""
    token = request.cookies.get(PORTAL_CSRF_COOKIE, "")
    return token if valid(secret, token) else new_token(secret)


def set_token(response: Response, token: str, *, secure: bool) -> None:
    response.set_cookie(PORTAL_CSRF_COOKIE, token, max_age=TOKEN_HOURS * 3600, path="/",
                        httponly=True, samesite="strict", secure=secure)


def checked(request: Request, secret: str, sent: str) -> bool:
    """A POST's token: signed by us, and the same as the browser's cookie."""
    cookie = request.cookies.get(PORTAL_CSRF_COOKIE, "")
    return valid(secret, sent) and hmac.compare_digest(sent.encode(), cookie.encode())


class RateLimit:
    """At most `limit` uses per address within `window` seconds (in this process's memory:
    a deployment with several workers allows that many times as much)."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit, self.window = limit, window
        self._uses: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, address: str, now: float | None = None) -> bool:
        """Count one use by `address`; False when it has used up its allowance."""
        now = time.monotonic() if now is None else now
        with self._lock:
            if len(self._uses) > 10_000:  # forget addresses whose window has passed
                self._uses = {a: q for a, q in self._uses.items()
                              if q and q[-1] > now - self.window}
            uses = self._uses.setdefault(address, deque())
            while uses and uses[0] <= now - self.window:
                uses.popleft()
            if len(uses) >= self.limit:
                return False
            uses.append(now)
            return True


# Villagers often reach the portal through one carrier address (a mobile network's NAT): an
# address may use a form this many times as often as one browser may.
BROWSERS_PER_ADDRESS = 20


def within_hourly_limit(request: Request, name: str, per_hour: int) -> bool:
    """Whether this browser may use the form called `name` once more this hour (and count it).

    A browser is known by its portal token (the forms' POSTs have checked it): `per_hour` uses
    each. Its address as a whole gets BROWSERS_PER_ADDRESS times that, so that a village
    behind one address is not stopped by one household, while clearing cookies for a fresh
    token does not lift the limit. A browser already refused uses up nothing of its
    address's allowance. The app keeps the limits of each name, made on first use.
    """
    token = request.cookies.get(PORTAL_CSRF_COOKIE, "")
    address = client_address(request)
    browser = f"browser:{token}" if token else f"address:{address}"
    return (_limit(request, name, per_hour).allow(browser)
            and _limit(request, f"{name}_by_address",
                       per_hour * BROWSERS_PER_ADDRESS).allow(address))


def _limit(request: Request, name: str, per_hour: int) -> RateLimit:
    limit: RateLimit | None = getattr(request.app.state, name, None)
    if limit is None:
        limit = RateLimit(per_hour, 3600)
        setattr(request.app.state, name, limit)
    return limit
