"""Masking ID and bank account numbers for display: staff see the first 6 and last 4
characters, the public portal only the first 6."""

from __future__ import annotations

import re

# An ID number (15 or 18 characters, the last maybe X) or a bank account (15 to 19 digits),
# standing alone in a text: not part of a longer run of digits or letters.
_LONG_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{5,9})([0-9Xx]{4})(?![0-9A-Za-z])")


def masked_number(number: str | None) -> str:
    """An ID or account number as staff lists show it: first 6 and last 4 characters."""
    if not number:
        return ""
    if len(number) <= 10:
        return number[:2] + "*" * max(0, len(number) - 2)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def masked_name(name: str) -> str:
    """A name as a refusal may quote it to someone who typed another: 周*兰, 李*; the
    characters between the first and the last hidden (a name of one character whole)."""
    if len(name) <= 1:
        return "*" * len(name)
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def public_masked_id(number: str) -> str:
    """An ID number as the public portal shows it: the first 6 characters (where it was
    issued) only. Birth date, sequence number and check digit stay hidden, so that guessing
    the rest takes millions of tries (README, security notes); a short, odd value is hidden
    whole. publish/extract.py masks the same way in SQL."""
    if len(number) < 15:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 6)


def masked_text(text: str | None) -> str:
    """A text (a warning's explanation) with every ID or account number in it masked."""
    if not text:
        return ""
    return _LONG_NUMBER.sub(lambda m: m.group(1) + "*" * len(m.group(2)) + m.group(3), text)


def number_pieces(text: str) -> list[tuple[str, bool]]:
    """A text cut at its ID and account numbers: (piece, whether it is such a number), in
    order, so that a page can mask and link each number and escape the rest."""
    pieces: list[tuple[str, bool]] = []
    at = 0
    for found in _LONG_NUMBER.finditer(text):
        if found.start() > at:
            pieces.append((text[at:found.start()], False))
        pieces.append((found.group(0), True))
        at = found.end()
    if at < len(text):
        pieces.append((text[at:], False))
    return pieces
