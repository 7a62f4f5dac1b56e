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


def _squeezed(typed: str) -> str:
    return "".join(ch for ch in typed.upper() if ch not in " -\t\u3000－")


def normalised(typed: str) -> str | None:
    """The code as typed (any case, spaces or dashes), or None if it cannot be one."""
    code = _squeezed(typed)
    if len(code) != LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def problem(typed: str) -> str:
    """Why what was typed cannot be a code, for the person who typed it (Chinese)."""
    code = _squeezed(typed)
    foreign = "".join(dict.fromkeys(ch for ch in code if ch not in ALPHABET))
    if foreign:
        return (f"查询码里没有“{'、'.join(foreign)}”：码中不用数字 0、1 和字母 I、L、O，"
                "以免看错。请对照提交时显示的查询码重新输入。")
    return f"查询码是 12 位字母和数字（如 ABCD-EFGH-JKMN），您输入了 {len(code)} 位，请核对。"


def code_hash(code: str) -> str:
    return hashlib.sha256(f"sunlight-report:{code}".encode()).hexdigest()
