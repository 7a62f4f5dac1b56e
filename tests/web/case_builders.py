"""Warnings and cases in a workbench's database, for the case route tests."""

from __future__ import annotations

import re
from dataclasses import replace

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunlight.appdb.account_tables import User
from sunlight.appdb.case_tables import Case
from sunlight.appdb.tables import Warning
from sunlight.cases.workflow import case_for_warning, open_case, take
from sunlight.contract.cases import REPORT_CASE
from tests.appdb.builders import PERSON, detection, run
from tests.web.conftest import TOWNSHIP, StaffApp, csrf_of


def new_warning(app: StaffApp, *, township: str = TOWNSHIP, subject: str = PERSON) -> str:
    """One open warning of this township; its warning ID."""
    with app.session() as session:
        run(session, [replace(detection(range(1, 4), subject=subject), township=township)])
        warning = session.scalars(select(Warning).where(Warning.subject == subject)).one()
        return warning.warning_id


def assigned_warning(app: StaffApp, assignee: str = "verifier", *,
                     township: str = TOWNSHIP, subject: str = PERSON) -> tuple[str, str]:
    """A warning assigned (by the analyst) to `assignee`: (warning ID, case number)."""
    warning_id = new_warning(app, township=township, subject=subject)
    with app.session() as session:
        warning = session.scalars(select(Warning).where(Warning.warning_id == warning_id)).one()
        case = case_for_warning(session, warning)
        _assign(app, session, case, assignee)
        return warning_id, case.case_no


def report_case(app: StaffApp, assignee: str | None = "verifier", *,
                township: str = TOWNSHIP) -> str:
    """A citizen's report (no warning), assigned to `assignee` if given: its case number."""
    with app.session() as session:
        case = open_case(session, kind=REPORT_CASE, title="举报：低保户家有小汽车",
                         township=township, village="东村")
        if assignee is not None:
            _assign(app, session, case, assignee)
        session.commit()
        return case.case_no


def case_of(app: StaffApp, case_no: str) -> Case:
    with app.session() as session:
        return session.scalars(select(Case).where(Case.case_no == case_no)).one()


def act(app: StaffApp, client: TestClient, case_no: str, action: str,
        version: int | None = None, *, confirmed: bool = True,
        **fields: str | list[str]) -> Response:
    """Post one transition as the case page's form does (by default on the current version,
    confirmed as the browser's dialog does for a step that cannot be undone)."""
    seen = version if version is not None else case_of(app, case_no).version
    return client.post(f"/staff/cases/{case_no}/transition", follow_redirects=False, data={
        "csrf_token": csrf_of(client), "action": action, "version": str(seen),
        **({"confirmed": "yes"} if confirmed else {}), **fields})


def page_version(html: str) -> int:
    match = re.search(r'name="version" value="(\d+)"', html)
    assert match, "no transition form on the page"
    return int(match.group(1))


def _assign(app: StaffApp, session: Session, case: Case, assignee: str) -> None:
    analyst = session.get(User, app.users["analyst"])
    assert analyst is not None
    take(session, case, "assign", analyst, {"assignee": str(app.users[assignee])},
         expected_version=case.version)
    session.commit()
