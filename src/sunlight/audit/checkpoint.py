"""Signed checkpoints of the audit log's head, kept outside the database.

A checkpoint is a small JSON file: the number and hash of the newest entry, when it was taken,
the key's fingerprint, and a MAC of all of it with the audit key. Holding the log to an
earlier checkpoint catches what the database alone cannot: the newest entries cut off with
the head set back, or the whole log replaced (the entry numbered in the checkpoint must still
exist with that hash). Without the key nobody can make or alter one.
"""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from sunlight.appdb.audit_tables import AuditEntry
from sunlight.audit.chain import seal
from sunlight.audit.key import AuditKey, key_of

FORMAT = "sunlight-audit-checkpoint/1"
MAX_BYTES = 4096


class BadCheckpoint(ValueError):
    """The file is not a checkpoint, or not one signed with this key."""


@dataclass(frozen=True)
class Checkpoint:
    """The head of the log at one moment, signed."""

    entry: int
    entry_hash: str
    at: datetime
    key_fingerprint: str
    mac: str

    def to_json(self) -> str:
        return json.dumps({**_signed_fields(self.entry, self.entry_hash, self.at,
                                            self.key_fingerprint), "mac": self.mac}, indent=2)


def take(session: Session) -> Checkpoint:
    """A checkpoint of the head as the session sees it (the log sealed first if need be)."""
    key = key_of(session)
    head = seal(session)
    at = datetime.now(UTC).replace(microsecond=0)
    mac = key.mac("checkpoint", _canonical(_signed_fields(head.last_id, head.last_hash, at,
                                                           key.fingerprint)))
    return Checkpoint(head.last_id, head.last_hash, at, key.fingerprint, mac)


def read(text: str, key: AuditKey) -> Checkpoint:
    """The checkpoint in `text`; BadCheckpoint if it is malformed or its MAC does not match."""
    try:
        data = json.loads(text)
        fields = _signed_fields(int(data["entry"]), str(data["entry_hash"]),
                                datetime.fromisoformat(data["at"]), str(data["key"]))
        mac = str(data["mac"])
    except (ValueError, KeyError, TypeError) as error:
        raise BadCheckpoint(f"not a Sunlight audit checkpoint ({FORMAT}): {error}") from error
    if data.get("format") != FORMAT:
        raise BadCheckpoint(f"not a Sunlight audit checkpoint: its format is "
                            f"{data.get('format')!r}, not {FORMAT!r}")
    if fields["key"] != key.fingerprint:
        raise BadCheckpoint(f"the checkpoint names the key of fingerprint {fields['key']}, but "
                            f"this process's key, from {key.source}, has fingerprint "
                            f"{key.fingerprint}")
    if not hmac.compare_digest(mac.encode(), key.mac("checkpoint", _canonical(fields)).encode()):
        raise BadCheckpoint("the checkpoint's signature does not match: it was altered, or not "
                            "made with this deployment's audit key")
    return Checkpoint(fields["entry"], fields["entry_hash"], datetime.fromisoformat(fields["at"]),
                      fields["key"], mac)


def hold(session: Session, checkpoint: Checkpoint) -> list[str]:
    """What differs between the log and the checkpoint: its entry gone, or another."""
    if checkpoint.entry == 0:
        return []
    entry = session.get(AuditEntry, checkpoint.entry)
    taken = f"the checkpoint of {checkpoint.at.isoformat()}"
    if entry is None:
        return [f"entry {checkpoint.entry} named by {taken} no longer exists: the log was cut "
                "off or replaced"]
    if entry.entry_hash != checkpoint.entry_hash:
        return [f"entry {checkpoint.entry}: its hash is not the one in {taken}: the log was "
                "rewritten"]
    return []


def _signed_fields(entry: int, entry_hash: str, at: datetime,
                   fingerprint: str) -> dict[str, Any]:
    return {"format": FORMAT, "entry": entry, "entry_hash": entry_hash,
            "at": at.astimezone(UTC).isoformat(), "key": fingerprint}


def _canonical(fields: dict[str, Any]) -> str:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"))
