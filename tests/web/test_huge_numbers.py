"""A number too large for SQLite (or not a number to int()) in an address or a form finds
nothing: every route that takes one answers 400 or 404 in Chinese, never 500."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from tests.web.case_builders import act, new_warning
from tests.web.conftest import csrf_of
from tests.web.test_permissions import ACTIONS, PAGES, World, world

__all__ = ["world"]  # the fixture, shared with the permission tests

HUGE = "99999999999999999999"
NOT_INT = "²"  # a digit to str.isdigit(), which int() refuses
CHINESE = re.compile(r"[\u4e00-\u9fff]")
NUMBERED = ("attachment_id", "photo_id", "upload_id", "user_id", "version")
"""The path parameters that are numbers (the others are case numbers and warning IDs)."""


def _numbered_routes() -> list[tuple[str, str]]:
    routes = [("GET", path) for path in PAGES] + [("POST", path) for path in ACTIONS]
    return [(method, path) for method, path in routes
            if any("{" + name + "}" in path for name in NUMBERED)]


def account(path: str) -> str:
    """The account that may use the route."""
    return "admin" if "/admin/" in path else ("officer" if "/uploads" in path else "analyst")


def client(world: World, path: str) -> TestClient:
    """The route's account, its server errors answered, not raised."""
    answering = TestClient(world.staff_app.app, raise_server_exceptions=False)
    answering.cookies = world.clients[account(path)].cookies
    return answering


def refused(response: Response) -> bool:
    return response.status_code in (400, 404) and bool(CHINESE.search(response.text))


@pytest.mark.parametrize(("method", "path"), _numbered_routes())
@pytest.mark.parametrize("number", [HUGE, NOT_INT])
def test_a_huge_id_in_the_address_finds_nothing(world: World, method: str, path: str,
                                                number: str):
    values = {**world.values, **dict.fromkeys(NUMBERED, number)}
    url = path
    for name, value in values.items():
        url = url.replace("{" + name + "}", value)
    browser = client(world, path)
    if method == "GET":
        response = browser.get(url, follow_redirects=False)
    else:
        response = browser.post(url, follow_redirects=False, data={
            "csrf_token": csrf_of(world.clients[account(path)]),
            "reason": "撤回原因", "active": "0", "password": "x" * 20, "repeat": "x" * 20})
    assert refused(response), (url, response.status_code)


@pytest.mark.parametrize("query", ["/staff/cases?page={}", "/staff/cases?assignee={}",
                                   "/staff/warnings?page={}", "/staff/admin/audit?page={}"])
@pytest.mark.parametrize("number", [HUGE, NOT_INT])
def test_a_huge_page_or_assignee_in_a_list_address_shows_a_page(world: World, query: str,
                                                                number: str):
    response = client(world, query).get(query.format(number))
    assert response.status_code in (200, 400) and CHINESE.search(response.text), \
        (query, response.status_code)


@pytest.mark.parametrize("number", [HUGE, NOT_INT])
def test_a_huge_assignee_in_a_form_is_refused_as_input(world: World, number: str):
    app = world.staff_app
    analyst = client(world, "/staff/warnings")
    token = csrf_of(world.clients["analyst"])
    warning_id = new_warning(app, subject="610327197106050199")
    assigned = analyst.post(f"/staff/warnings/{warning_id}/assign", follow_redirects=False,
                            data={"csrf_token": token, "version": "0", "assignee": number})
    assert assigned.status_code == 400 and "核查人员" in assigned.text
    case_no = world.values["case_no"]
    reassigned = act(app, analyst, case_no, "reassign", assignee=number, reason="换人")
    assert reassigned.status_code == 400 and "核查人员" in reassigned.text
