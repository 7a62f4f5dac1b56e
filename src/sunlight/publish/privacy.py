"""What the public may see of a person, and how 查我家 finds a household without storing IDs.

Shared by `sunlight publish` and the portal; it imports nothing of the warehouse.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata

from sunlight.text import squeeze


def normal_id(id_number: str) -> str:
    """An ID number as typed into a form: spaces and width removed, `x` as `X`."""
    if id_number.isascii() and id_number.isalnum():  # as the warehouse holds them
        return id_number.upper()
    return squeeze(unicodedata.normalize("NFKC", id_number)).upper()


def normal_code(text: str) -> str:
    """A 统一社会信用代码 (or part of one) as typed, cleaned as ingestion cleans codes:
    spaces, width and quote marks removed, letters in capitals."""
    text = squeeze(unicodedata.normalize("NFKC", text))
    return "".join(c for c in text if c not in "'‘’`").upper()


def normal_name(name: str) -> str:
    """A name as typed: spaces, width and the forms of the middle dot ignored."""
    text = squeeze(unicodedata.normalize("NFKC", name))
    for dot in ("・", "•", "‧", "∙", "．", "."):
        text = text.replace(dot, "·")
    return text


ACCOUNT_TAIL = 6
"""How many last digits of an account 查我家 asks for as further proof."""


def normal_account_tail(text: str) -> str:
    """The last digits of an account as typed, spaces and width removed; empty unless it is
    ACCOUNT_TAIL digits."""
    digits = squeeze(unicodedata.normalize("NFKC", text))
    return digits if len(digits) == ACCOUNT_TAIL and digits.isascii() and digits.isdigit() \
        else ""


class LookupKeys:
    """The 查我家 key of a person: HMAC-SHA256 of ID number and name under a publication's
    secret (publish/lookups.py), 128 bits of it. Both must be right for a household to be found.

    The proof key adds the last digits of an account the household is paid into, which the
    public never sees: asked for once a person's lookups failed too often. It is a different
    message (three fields, where a typed ID or name can hold no separator), so neither key
    can stand for the other, and a miss does not say which of the three was wrong.
    """

    def __init__(self, secret: str) -> None:
        self._keyed = hmac.new(secret.encode(), digestmod=hashlib.sha256)
        self._names: dict[str, str] = {}

    def key(self, id_number: str, name: str) -> str:
        return self._digest(f"{normal_id(id_number)}\x1f{self._normal(name)}")

    def proof_key(self, id_number: str, name: str, account_tail: str) -> str:
        return self._digest(f"{normal_id(id_number)}\x1f{self._normal(name)}\x1f"
                            f"{account_tail}")

    def _normal(self, name: str) -> str:
        normal = self._names.get(name)
        if normal is None:
            normal = self._names[name] = normal_name(name)
        return normal

    def _digest(self, message: str) -> str:
        digest = self._keyed.copy()
        digest.update(message.encode())
        return digest.hexdigest()[:32]


def lookup_key(secret: str, id_number: str, name: str) -> str:
    """The key of one person (the portal asks for one at a time)."""
    return LookupKeys(secret).key(id_number, name)


def proof_key(secret: str, id_number: str, name: str, account_tail: str) -> str:
    """The proof key of one person (ID, name and the account's last digits)."""
    return LookupKeys(secret).proof_key(id_number, name, account_tail)


def village_code(township: str, village: str) -> str:
    """A short code for a village that stays the same across publications (for QR codes)."""
    digest = hashlib.sha256(f"{township}\x1f{village}".encode()).hexdigest()
    return digest[:10]
