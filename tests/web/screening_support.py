"""Screening a batch through the workbench page, as a browser sends it, for the tests."""

from __future__ import annotations

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select

from sunlight.accounts.users import add_user
from sunlight.appdb.screening_tables import Screening
from sunlight.contract.roles import OFFICER
from tests.web.conftest import PASSWORD, StaffApp, csrf_of

FINANCE = {"caizheng": "财政局甲", "caizheng2": "财政局乙"}
"""Two officers of the finance bureau, whose department pays (their login → display name)."""


def add_finance_officers(staff_app: StaffApp) -> None:
    with staff_app.session() as session:
        for username, shown in FINANCE.items():
            user = add_user(session, username, OFFICER, PASSWORD, display_name=shown,
                            department="财政局")
            staff_app.users[username] = user.id
        session.commit()


def send_batch(client: TestClient, name: str, body: bytes, kind: str = "payments") -> Response:
    return client.post("/staff/screening", follow_redirects=False,
                       data={"dataset": kind, "csrf_token": csrf_of(client, "/staff/account")},
                       files={"file": (name, body, "application/octet-stream")})


def screened(staff_app: StaffApp, client: TestClient, name: str, body: bytes,
             kind: str = "payments") -> str:
    """Send a batch, wait for its job, and return its page's location once the last poll
    sees it done."""
    response = send_batch(client, name, body, kind)
    assert response.status_code == 303, response.text
    assert staff_app.app.state.jobs.wait(timeout=300)
    location = response.headers["location"]
    fragment = client.get(f"{location}/status").text
    assert "data-poll" not in fragment
    return location


def screenings(staff_app: StaffApp) -> list[Screening]:
    with staff_app.session() as session:
        return list(session.scalars(select(Screening).order_by(Screening.id)))
