"""Tracking codes: what a reporter keeps to follow their report on /track.

Twelve characters from an alphabet without look-alikes (no 0/O, 1/I/L), drawn by `secrets`:
31^12, about 2^59 codes, and /track is rate-limited per address, so guessing one is hopeless.
Only the code's SHA-256 is stored.
"""

from __future__ import annotations

import hashlib
import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 12


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def shown(code: str) -> str:
    """Grouped by four for reading aloud and copying by hand: ABCD-EFGH-JKMN."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def normalised(typed: str) -> str | None:
    """The code as typed (any case, spaces or dashes), or None if it cannot be one."""
    code = "".join(ch for ch in typed.upper() if ch not in " -\t\u3000－")
    if len(code) != LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def code_hash(code: str) -> str:
    return hashlib.sha256(f"sunlight-report:{code}".encode()).hexdigest()
