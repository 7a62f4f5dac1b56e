"""Tracking codes: what a reporter keeps to follow their report on /track.

A code is 16 digits drawn by `secrets` (10^16 codes, about 2^53), shown in groups of four
(`3849 2210 7765 0193`): an older villager can read it aloud, copy it onto paper and type it
on a phone's number pad. /track is rate-limited per browser and per address, so guessing one
is hopeless. Codes issued before were 12 letters and digits without look-alikes
(`TQX7-9RF8-SH4R`); they keep working. Only the code's SHA-256 is stored.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata

DIGITS = "0123456789"
LENGTH = 16
GROUP = 4
EXAMPLE = "3849 2210 7765 0193"
LETTER_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""The alphabet of the codes issued before: no 0/O, 1/I/L."""
LETTER_LENGTH = 12
SEPARATORS = frozenset(" \t-_.·‐‑‒–—―・")
"""What people put between groups (after NFKC, which turns full-width forms into these)."""


def new_code() -> str:
    # Zero-padded: a code starting with 0 is as likely as any other.
    return f"{secrets.randbelow(10 ** LENGTH):0{LENGTH}d}"


def shown(code: str) -> str:
    """Grouped by four for reading aloud and copying by hand: `3849 2210 7765 0193`; a code
    issued before keeps the dashes it was shown with (`TQX7-9RF8-SH4R`)."""
    glue = " " if is_digit_code(code) else "-"
    return glue.join(groups(code))


def groups(code: str) -> list[str]:
    return [code[i:i + GROUP] for i in range(0, len(code), GROUP)]


def is_digit_code(code: str) -> bool:
    return len(code) == LENGTH and all(ch in DIGITS for ch in code)


def _squeezed(typed: str) -> str:
    # NFKC: full-width digits and letters (typed with a Chinese input method) become ASCII.
    plain = unicodedata.normalize("NFKC", typed).upper()
    return "".join(ch for ch in plain if ch not in SEPARATORS and not ch.isspace())


def normalised(typed: str) -> str | None:
    """The code as typed (spaces, dashes, full-width digits, any case), or None if it cannot
    be one, neither a digit code nor one issued before."""
    code = _squeezed(typed)
    if is_digit_code(code):
        return code
    if len(code) == LETTER_LENGTH and all(ch in LETTER_ALPHABET for ch in code):
        return code
    return None


def problem(typed: str) -> str:
    """Why what was typed cannot be a code, for the person who typed it (Chinese)."""
    code = _squeezed(typed)
    if all(ch in DIGITS for ch in code):
        return f"查询码是 {LENGTH} 位数字（如 {EXAMPLE}），您输入了 {len(code)} 位，请核对。"
    if any("A" <= ch <= "Z" for ch in code):
        foreign = "".join(dict.fromkeys(ch for ch in code if ch not in LETTER_ALPHABET))
        if foreign:
            return (f"查询码里没有“{'、'.join(foreign)}”：早先发出的字母查询码不用数字 0、1 和"
                    "字母 I、L、O，以免看错。请对照提交时显示的查询码重新输入。")
        return (f"早先发出的字母查询码是 {LETTER_LENGTH} 位（如 ABCD-EFGH-JKMN），您输入了 "
                f"{len(code)} 位，请核对。")
    strange = "".join(dict.fromkeys(ch for ch in code if ch not in DIGITS))
    return f"查询码只有数字（如 {EXAMPLE}），不含“{'、'.join(strange)}”，请核对。"


def code_hash(code: str) -> str:
    return hashlib.sha256(f"sunlight-report:{code}".encode()).hexdigest()
