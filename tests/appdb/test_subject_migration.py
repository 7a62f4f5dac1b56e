"""Migration 0015: warnings stored before it get their subject's kind and name, in place."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunlight.appdb.database import downgrade, upgrade
from sunlight.appdb.tables import Warning
from tests.appdb.builders import PERSON, detection, run

ACCOUNT = "6217493730820689217"
TOWNSHIP_YEAR = "城关镇/DIBAO/2024"


def test_upgrading_names_the_subjects_of_warnings_stored_before(session: Session, db_url: str):
    run(session, [
        detection([1, 2]),
        replace(detection([1, 2, 3], model="SHARED_ACCOUNT", subject=ACCOUNT, program=""),
                name="", account=ACCOUNT),
        replace(detection([1], model="FUNDS_WITHHELD", subject=TOWNSHIP_YEAR), name="",
                facts={"program_name": "农村最低生活保障", "year": "2024"}),
    ], models={"DECEASED_PAID", "SHARED_ACCOUNT", "FUNDS_WITHHELD"})
    session.close()
    downgrade(db_url, "0014")  # the database as the release before wrote it
    upgrade(db_url)
    subjects = {w.model: (w.subject_kind, w.subject, w.subject_name, w.people)
                for w in session.scalars(select(Warning))}
    assert subjects == {
        "DECEASED_PAID": ("person", PERSON, "王芳", []),
        # The payees come with the next detection run; until then the account stands in.
        "SHARED_ACCOUNT": ("account", ACCOUNT, ACCOUNT, []),
        "FUNDS_WITHHELD": ("township", TOWNSHIP_YEAR, "城关镇 农村最低生活保障 2024年", []),
    }
