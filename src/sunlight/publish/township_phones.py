"""The townships' phones the portal shows beside their rosters, as an admin entered them."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunlight.appdb.publication_tables import PubVillage, TownshipPhone
from sunlight.audit.chain import append
from sunlight.publish.store import current

PHONE_MAX = 40
_PHONE = re.compile(r"^[0-9+()（）\- 转]{3,40}$")
"""Digits with the marks a number is written with: 0954-1234567, (0954)1234567 转 8012."""


class BadPhone(ValueError):
    """A phone number the portal would not show: the message is in Chinese."""


def normal_phone(text: str) -> str:
    """The number as it will be shown (spaces at the ends and doubled ones removed), "" for
    none; BadPhone if it is not a phone number."""
    phone = " ".join(text.replace("\u3000", " ").split())
    if phone and not _PHONE.match(phone):
        raise BadPhone(f"“{phone[:PHONE_MAX]}”不是电话号码：只能包含数字、空格、“-”、括号和“转”，"
                       f"不超过 {PHONE_MAX} 个字符。")
    return phone


def township_phones(session: Session) -> dict[str, str]:
    """Every township the shown publication names, then any other with a phone, → phone."""
    stored = {row.township: row.phone for row in session.scalars(select(TownshipPhone))}
    publication = current(session)
    named = [] if publication is None else session.scalars(
        select(PubVillage.township).where(PubVillage.publication_id == publication.id)
        .distinct().order_by(PubVillage.township)).all()
    return {**{t: stored.get(t, "") for t in named},
            **{t: p for t, p in sorted(stored.items()) if t not in named and p}}


def set_phones(session: Session, phones: dict[str, str], *, actor: str,
               address: str = "") -> list[str]:
    """Store the phones that changed (validated by the caller), each audited; the townships
    changed. A cleared phone stays as a row with "" (the portal's cache notices the change)."""
    changed = []
    now = datetime.now(UTC)
    for township, phone in phones.items():
        row = session.get(TownshipPhone, township)
        if (row.phone if row is not None else "") == phone:
            continue
        if row is None:
            row = TownshipPhone(township=township)
            session.add(row)
        row.phone, row.changed_at, row.changed_by = phone, now, actor
        append(session, actor=actor, action="township.phone", target=township,
               details={"phone": phone}, address=address)
        changed.append(township)
    session.flush()
    return changed
