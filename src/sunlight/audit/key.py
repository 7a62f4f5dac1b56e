"""The key that seals the audit log: where it comes from, and the part of it that may be shown.

The key never enters the database. It is `SUNLIGHT_AUDIT_KEY`, or else derived from
`SUNLIGHT_SECRET_KEY`; either way the MAC key is an HMAC of that text under a fixed label, so
the session secret and the audit key are never the same bytes. A session carries the key of
the process that opened it (`bind`): the web app binds its own settings' key, a command the
environment's. The fingerprint (an HMAC of a fixed text) names a key without revealing it, so
that the database can say which key sealed the log and a command run with another one is
refused with a message saying which setting differs.

The demo's built-in secret is public, and so is the key derived from it (`DEMO_KEY`): a log
sealed with it (the demo's, or one a command wrote before the workbench first started with
its own secret) is protected no better than by plain hashes, and a real key takes it over as
it takes over a log from before keys (sunlight.audit.chain).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from sunlight.settings import DEFAULT_SECRET, Settings, get_settings

_LABEL = b"sunlight audit log v1"
_SESSION_INFO = "sunlight.audit_key"
FINGERPRINT_LENGTH = 16


class AuditKeyMismatch(RuntimeError):
    """The audit log was sealed with another key than this process has."""


@dataclass(frozen=True)
class AuditKey:
    """A MAC key and, for messages, the setting it comes from."""

    secret: bytes = field(repr=False)
    source: str

    @property
    def fingerprint(self) -> str:
        """Names the key in the database and in checkpoints; reveals nothing of it."""
        return self.mac("fingerprint", "")[:FINGERPRINT_LENGTH]

    def mac(self, purpose: str, text: str) -> str:
        """HMAC-SHA256 of `text`; `purpose` keeps an entry's MAC from passing for a head's."""
        message = purpose.encode() + b"\0" + text.encode()
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()

    def mismatch(self, sealed_with: str | None) -> AuditKeyMismatch:
        """The refusal when the log names another fingerprint than this key's."""
        return AuditKeyMismatch(
            f"the audit log is sealed with the key of fingerprint {sealed_with}, but this "
            f"process's key, from {self.source}, has fingerprint {self.fingerprint}: run it "
            "with the same SUNLIGHT_AUDIT_KEY as the workbench (or, where that is not set, "
            "the same SUNLIGHT_SECRET_KEY)")


def _derived(material: str, source: str) -> AuditKey:
    return AuditKey(hmac.new(material.encode(), _LABEL, hashlib.sha256).digest(), source)


DEMO_KEY = _derived(DEFAULT_SECRET, "the built-in demo secret (neither SUNLIGHT_AUDIT_KEY nor "
                                    "SUNLIGHT_SECRET_KEY is set)")
"""Public, as the demo's secret is: what it seals is no better protected than plain hashes."""


def audit_key(settings: Settings) -> AuditKey:
    """The key these settings name: SUNLIGHT_AUDIT_KEY, else one derived from the secret."""
    if settings.audit_key:
        return _derived(settings.audit_key, "SUNLIGHT_AUDIT_KEY")
    if settings.secret_key == DEFAULT_SECRET:
        return DEMO_KEY
    return _derived(settings.secret_key, "SUNLIGHT_SECRET_KEY (SUNLIGHT_AUDIT_KEY is not set)")


def bind(sessions: sessionmaker[Session], settings: Settings) -> sessionmaker[Session]:
    """Give every session of `sessions` the audit key of `settings`."""
    info = dict(sessions.kw.get("info") or {})
    info[_SESSION_INFO] = audit_key(settings)
    sessions.configure(info=info)
    return sessions


def key_of(session: Session) -> AuditKey:
    """The session's bound key, else the environment's (what any command would use)."""
    bound = session.info.get(_SESSION_INFO)
    return bound if isinstance(bound, AuditKey) else audit_key(get_settings())
