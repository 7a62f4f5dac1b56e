"""What the public may see of a person, and how 查我家 finds a household without storing IDs.

Shared by `sunlight publish` and the portal; it imports nothing of the warehouse.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata

from sunlight.text import squeeze


def mask_id(id_number: str) -> str:
    """First 6 and last 4 characters, the rest as `*`; a short or odd value is hidden whole."""
    text = id_number.strip()
    if len(text) < 15:
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


def normal_id(id_number: str) -> str:
    """An ID number as typed into a form: spaces and width removed, `x` as `X`."""
    return squeeze(unicodedata.normalize("NFKC", id_number)).upper()


def normal_name(name: str) -> str:
    """A name as typed: spaces, width and the forms of the middle dot ignored."""
    text = squeeze(unicodedata.normalize("NFKC", name))
    for dot in ("・", "•", "‧", "∙", "．", "."):
        text = text.replace(dot, "·")
    return text


def lookup_key(salt: str, id_number: str, name: str) -> str:
    """The 查我家 key of a person: HMAC-SHA256 of ID number and name under the
    publication's own salt. Both must be right for a household to be found."""
    message = f"{normal_id(id_number)}\x1f{normal_name(name)}".encode()
    return hmac.new(salt.encode(), message, hashlib.sha256).hexdigest()


def village_code(township: str, village: str) -> str:
    """A short code for a village that stays the same across publications (for QR codes)."""
    digest = hashlib.sha256(f"{township}\x1f{village}".encode()).hexdigest()
    return digest[:10]
