"""Which key a publication's 查我家 hashes are under, and what the portal can still match.

A hash is keyed by the publication's random salt, stored beside it, and by a secret that never
enters the database: a MAC of that salt under the key of the audit log (audit/key.py:
SUNLIGHT_AUDIT_KEY, else derived from SUNLIGHT_SECRET_KEY). A database backup alone then gives
nothing to test guessed ID numbers against. The publication names the key by its fingerprint,
so that a process with another key (the secret rotated) knows its hashes cannot match, rather
than answering "not found" to everyone. Publications from before the secret (`keyed_by` "")
are keyed by the salt alone and still answer until the next publication.
"""

from __future__ import annotations

from dataclasses import dataclass

from sunlight.appdb.publication_tables import Publication
from sunlight.audit.key import AuditKey

_PURPOSE = "publication lookup"


def lookup_secret(key: AuditKey, salt: str) -> str:
    """The HMAC key of a publication's lookup hashes, from its salt and the process's key."""
    return key.mac(_PURPOSE, salt)


@dataclass(frozen=True)
class Lookups:
    """What 查我家 can match in a publication, for a process with a given key."""

    secret: str | None
    """The HMAC key of its hashes; None when they are under a key this process lacks."""
    proofs: bool
    """Whether it holds the account-digit proofs (publications before them hold none)."""
    keyed: bool
    """Whether its hashes are keyed by a secret outside the database."""

    @property
    def republish_advised(self) -> bool:
        """Publishing again would give 查我家 everything it should have."""
        return self.secret is None or not self.proofs or not self.keyed


def lookups_of(publication: Publication, key: AuditKey) -> Lookups:
    proofs = int((publication.counts or {}).get("lookup_proofs", 0)) > 0
    if not publication.lookup_keyed_by:
        return Lookups(publication.lookup_salt, proofs, keyed=False)
    if publication.lookup_keyed_by != key.fingerprint:
        return Lookups(None, proofs, keyed=True)
    return Lookups(lookup_secret(key, publication.lookup_salt), proofs, keyed=True)
