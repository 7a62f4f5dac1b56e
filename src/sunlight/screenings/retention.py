"""Verdict files expire: removed once `SUNLIGHT_SCREENING_VERDICT_DAYS` have passed since the
screening ended (at the web app's start and after every screening job); a download of an
expired screening is refused even before its files are gone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunlight.appdb.screening_tables import Screening
from sunlight.screenings.files import remove_all
from sunlight.settings import Settings


def expiry(settings: Settings, finished: datetime) -> datetime:
    return finished + timedelta(days=settings.screening_verdict_days)


def expired(screening: Screening, now: datetime | None = None) -> bool:
    return (screening.expires_at is not None
            and screening.expires_at <= (now or datetime.now(UTC)))


def remove_expired(settings: Settings, session: Session, now: datetime | None = None) -> int:
    """Delete the verdict files of every expired screening, in the session's (writer's)
    transaction, which the caller commits; how many screenings lost their files."""
    moment = now or datetime.now(UTC)
    due = session.scalars(select(Screening).where(Screening.expires_at <= moment,
                                                  Screening.verdicts != "")).all()
    for screening in due:
        remove_all(settings.screenings_dir, screening.id)
        screening.verdicts = ""
    return len(due)
