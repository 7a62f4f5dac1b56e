"""The one CSRF mechanism of every form: the workbench's, the login form's and the portal's.

A browser holds a random nonce in a cookie that no script and no other site can read. A
form's token is HMAC(secret, purpose, nonce, session): the purpose names the area the form
belongs to, the session is a logged-in staff member's own random value (empty on the login
form and the portal). A POST must bring the token its cookie and session give for its
purpose. Another site can make the browser send the cookie but can neither read it nor
compute the HMAC; a token taken from another browser, another session or another area's
form does not match. Tokens are compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from enum import StrEnum

from fastapi import Request
from fastapi.responses import Response

from sunlight.web.state import settings_of

NONCE_COOKIE = "sunlight_browser"
NONCE_HOURS = 12
"""How long a nonce lives without a page that refreshes it: a form left open longer is
refused as expired (and the person's input shown back)."""
FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
TOKEN_MAX = 128
_NONCE = re.compile(r"[A-Za-z0-9_-]{22,64}")


class Purpose(StrEnum):
    """The area whose forms a token is good for."""

    STAFF = "staff"
    LOGIN = "login"
    PORTAL = "portal"


def token(secret: str, purpose: Purpose, nonce: str, session: str = "") -> str:
    message = "\x1f".join(("csrf", purpose.value, nonce, session))
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def sent_nonce(request: Request) -> str:
    """The nonce the browser's cookie holds, or "" when it has none (or a forged shape)."""
    nonce = request.cookies.get(NONCE_COOKIE, "")
    return nonce if _NONCE.fullmatch(nonce) else ""


def browser_nonce(request: Request) -> str:
    """The browser's nonce, or a new one that `keep` will give it (the same all request)."""
    nonce = sent_nonce(request) or getattr(request.state, "csrf_nonce", "")
    if not nonce:
        nonce = secrets.token_urlsafe(24)
    request.state.csrf_nonce = nonce
    return nonce


def form_token(request: Request, purpose: Purpose, session: str = "") -> str:
    """The token for a form of `purpose` on the page being made; `keep` the nonce after."""
    return token(settings_of(request).secret_key, purpose, browser_nonce(request), session)


def keep(request: Request, response: Response) -> None:
    """Give (or refresh) the browser the nonce the page's tokens were made from."""
    response.set_cookie(NONCE_COOKIE, browser_nonce(request), max_age=NONCE_HOURS * 3600,
                        path="/", httponly=True, samesite="lax",
                        secure=settings_of(request).secure_cookies)


def checked(request: Request, purpose: Purpose, sent: str, session: str = "") -> bool:
    """Whether a POST's token is the one this browser (and session) has for `purpose`."""
    nonce = sent_nonce(request)
    if not nonce or not sent or len(sent) > TOKEN_MAX:
        return False
    expected = token(settings_of(request).secret_key, purpose, nonce, session)
    return hmac.compare_digest(sent.encode(), expected.encode())
