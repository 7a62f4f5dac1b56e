"""What a roster tells villagers besides the names: the 公示期, the 异议期, and whom to call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sunlight.appdb.publication_tables import Publication
from sunlight.clock import LOCAL_TIME
from sunlight.settings import Settings

REPORT_HOTLINE = "12388"
"""纪检监察举报电话: the same number in every county of China."""


@dataclass(frozen=True)
class Notice:
    published: date
    notice_until: date
    """The last day of the 公示期."""
    objection_until: date
    """The last day objections to the roster are taken (异议期)."""
    township_phone: str
    """"" when no admin entered one: only the hotline is shown."""
    hotline: str = REPORT_HOTLINE

    @property
    def township_tel(self) -> str:
        """The number a phone dials: its digits (and a leading +) before any 转 extension."""
        number = self.township_phone.split("转")[0]
        return "".join(c for c in number if c.isdigit() or c == "+")


def notice_of(publication: Publication, settings: Settings, township_phone: str) -> Notice:
    """The periods of a publication, counted in county days from the day it was published."""
    published = publication.published_at.astimezone(LOCAL_TIME).date()
    return Notice(published, published + timedelta(days=settings.notice_days - 1),
                  published + timedelta(days=settings.objection_days - 1), township_phone)
