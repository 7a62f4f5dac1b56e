"""Warnings stored in a test workbench, and cases assigned, as the workflow would do it."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from sunlight.appdb.account_tables import User
from sunlight.appdb.tables import Warning
from sunlight.cases.workflow import case_for_warning, take
from sunlight.models.detection import Detection
from tests.appdb.builders import run
from tests.web.conftest import StaffApp


def store(staff_app: StaffApp, detections: Iterable[Detection],
          models: Iterable[str] | None = None) -> dict[str, str]:
    """Store one detection run; the warning IDs by subject (and program, if several)."""
    detections = list(detections)
    with staff_app.session() as session:
        run(session, detections, models=set(models or {d.model for d in detections}))
        rows = session.execute(select(Warning.subject, Warning.program, Warning.warning_id))
        found: dict[str, str] = {}
        for subject, program, warning_id in rows:
            found[subject] = warning_id
            found[f"{subject}/{program}"] = warning_id
    return found


def assign(staff_app: StaffApp, warning_id: str, username: str) -> str:
    """The analyst assigns the warning's case to `username`; returns the case number."""
    with staff_app.session() as session:
        warning = session.scalars(select(Warning).where(Warning.warning_id == warning_id)).one()
        case = case_for_warning(session, warning)
        analyst = session.scalars(select(User).where(User.username == "analyst")).one()
        assignee = session.scalars(select(User).where(User.username == username)).one()
        take(session, case, "assign", analyst, {"assignee": str(assignee.id)},
             expected_version=case.version)
        session.commit()
        return case.case_no
