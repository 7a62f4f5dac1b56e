"""Session tokens and the secret that keys them (and CSRF tokens, see web.csrf)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sunlight.settings import DEFAULT_SECRET, Settings

SESSION_COOKIE = "sunlight_session"


class InsecureSecret(RuntimeError):
    """The app was asked to serve real data with the demo's secret."""


def check_secret(settings: Settings, *, demo: bool) -> None:
    """Outside demo mode, refuse the default secret and one too short to resist guessing."""
    if demo:
        return
    if settings.secret_key == DEFAULT_SECRET:
        raise InsecureSecret(
            "SUNLIGHT_SECRET_KEY is not set: the workbench will not serve real data with the "
            "demo's secret. Set it to a long random value, e.g. "
            "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`.")
    if len(settings.secret_key) < 32:
        raise InsecureSecret("SUNLIGHT_SECRET_KEY is shorter than 32 characters")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(secret: str, token: str) -> str:
    """What the database keeps of a session token: useless without the secret."""
    return hmac.new(secret.encode(), token.encode(), hashlib.sha256).hexdigest()


def same(left: str, right: str) -> bool:
    return bool(left) and hmac.compare_digest(left.encode(), right.encode())
