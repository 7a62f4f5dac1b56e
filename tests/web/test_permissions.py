"""Who may see and do what: every staff route, requested by every role and by no one.

The table below must name every route under /staff: a new route without a row fails
`test_every_staff_route_is_in_the_table`, so no page is added without deciding who may use it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from tests.web.case_builders import assigned_warning
from tests.web.conftest import ACCOUNTS, TOWNSHIP, StaffApp, csrf_of

EVERYONE = frozenset(ACCOUNTS)
ANALYST = frozenset({"analyst"})
CASEWORK = frozenset({"analyst", "verifier"})  # the verifier: the case assigned to them
LISTS = frozenset({"analyst", "verifier", "verifier_other"})  # each verifier: their own cases
UPLOADERS = frozenset({"analyst", "officer"})  # the officer: their own datasets
SCREENED = frozenset({"analyst"})  # the analyst's screening: the officer is told it is not found
ADMIN = frozenset({"admin"})
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00"
       b"\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe"
       b"\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")

PAGES: dict[str, frozenset[str]] = {
    "/staff": EVERYONE,
    "/staff/account": EVERYONE,
    "/staff/admin/audit": ADMIN,
    "/staff/admin/tokens": ADMIN,
    "/staff/admin/townships": ADMIN,
    "/staff/admin/users": ADMIN,
    "/staff/cases": LISTS,
    "/staff/cases/{case_no}": CASEWORK,
    "/staff/cases/{case_no}/attachments/{attachment_id}": CASEWORK,
    "/staff/cases/{report_case_no}/photos/{photo_id}": CASEWORK,
    "/staff/dashboard": ANALYST,
    "/staff/entities/{kind}/{ref}": CASEWORK,
    "/staff/entities/{kind}/{ref}/links": CASEWORK,  # the verifier: their township's
    "/staff/oversight": ANALYST,  # and inspectors (test_oversight.py): their units'
    "/staff/oversight/cases": ANALYST,
    "/staff/oversight/coverage": ANALYST,
    "/staff/oversight/findings": ANALYST,
    "/staff/publications": ANALYST,
    "/staff/publications/job": ANALYST,
    "/staff/screening": UPLOADERS,
    "/staff/screening/{screening_id}": SCREENED,
    "/staff/screening/{screening_id}/status": SCREENED,
    "/staff/screening/{screening_id}/verdicts.csv": SCREENED,
    "/staff/screening/{screening_id}/verdicts.xlsx": SCREENED,
    "/staff/search": LISTS,
    "/staff/self-corrections": ANALYST,
    "/staff/uploads": UPLOADERS,
    "/staff/uploads/{upload_id}": UPLOADERS,
    "/staff/uploads/{upload_id}/report.xlsx": UPLOADERS,
    "/staff/uploads/{upload_id}/status": UPLOADERS,
    "/staff/uploads/templates/{code}": UPLOADERS,
    "/staff/warnings": LISTS,
    "/staff/warnings/export.xlsx": ANALYST,
    "/staff/warnings/{warning_id}": CASEWORK,
    "/staff/warnings/{warning_id}/notice": CASEWORK,
}
"""GET routes of logged-in staff → the accounts that get the page (the others get 403)."""

ACTIONS: dict[str, frozenset[str]] = {
    "/staff/account/password": EVERYONE,
    "/staff/admin/audit/checkpoint": ADMIN,
    "/staff/admin/audit/verify": ADMIN,
    "/staff/admin/tokens": ADMIN,
    "/staff/admin/tokens/{token_id}/revoke": ADMIN,
    "/staff/admin/townships": ADMIN,
    "/staff/admin/users": ADMIN,
    "/staff/admin/users/{user_id}/active": ADMIN,
    "/staff/admin/users/{user_id}/password": ADMIN,
    "/staff/admin/users/{user_id}/township": ADMIN,
    "/staff/admin/users/{user_id}/units": ADMIN,
    "/staff/cases/{case_no}/attachments": CASEWORK,
    "/staff/cases/{case_no}/comments": CASEWORK,
    "/staff/cases/{report_case_no}/reply": CASEWORK,
    "/staff/cases/{case_no}/transition": CASEWORK,
    "/staff/entities/{kind}/{ref}/reveal": CASEWORK,
    "/staff/logout": EVERYONE,
    "/staff/publications": ANALYST,
    "/staff/publications/{version}/withdraw": ANALYST,
    "/staff/screening": UPLOADERS,
    "/staff/self-corrections": ANALYST,
    "/staff/uploads": UPLOADERS,
    "/staff/uploads/{upload_id}/rollback": UPLOADERS,
    "/staff/warnings/{warning_id}/assign": ANALYST,
    "/staff/warnings/{warning_id}/reveal": CASEWORK,
}
"""POST routes of logged-in staff → the accounts allowed to act (the others get 403)."""

PUBLIC = {("GET", "/staff/login"), ("POST", "/staff/login")}


def refusal(name: str, path: str, allowed: frozenset[str]) -> int:
    """403 for a role that may not use the route at all; 404 for a verifier outside a case's
    scope and for an officer asking for another's screening, the answer a case or screening
    that does not exist gets."""
    if "{" in path and ((allowed == CASEWORK and name == "verifier_other")
                        or (path.startswith("/staff/screening/") and name == "officer")):
        return 404
    return 403


@dataclass
class World:
    """One of everything a route can name, owned so that the verifier and officer may use it."""

    staff_app: StaffApp
    values: dict[str, str]
    clients: dict[str, TestClient]

    def url(self, path: str) -> str:
        for name, value in self.values.items():
            path = path.replace("{" + name + "}", value)
        return path


def staff_routes(staff_app: StaffApp) -> set[tuple[str, str]]:
    found = set()
    for included in staff_app.app.routes:
        router = getattr(included, "original_router", None)
        for route in (router.routes if router else [included]):
            if isinstance(route, APIRoute) and route.path.startswith("/staff"):
                found |= {(method, route.path) for method in route.methods}
    return found


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory,
          sqlite_template: object) -> Iterator[World]:
    import shutil

    from tests.web.conftest import make_staff_app
    from tests.web.screening_support import send_batch
    from tests.web.test_screening_page import BATCH
    from tests.web.test_uploads import DEATHS, send

    folder = tmp_path_factory.mktemp("permissions")
    shutil.copyfile(str(sqlite_template), folder / "app.db")
    staff_app = make_staff_app(folder / "home", f"sqlite:///{folder}/app.db",
                               with_accounts=False)
    clients = {name: staff_app.client(name) for name in ACCOUNTS}
    warning_id, case_no = assigned_warning(staff_app)
    clients["analyst"].post(f"/staff/cases/{case_no}/attachments",
                            data={"csrf_token": csrf_of(clients["analyst"])},
                            files={"file": ("scan.png", PNG, "image/png")})
    with staff_app.session() as session:
        from sunlight.appdb.case_tables import CaseAttachment
        attachment = session.query(CaseAttachment).one()
    report_case_no, photo_id = _report_assigned_to_verifier(staff_app)
    upload = send(clients["officer"], "deaths", "deaths.csv", DEATHS)
    staff_app.app.state.ingest_worker.wait(timeout=120)
    screening = send_batch(clients["analyst"], "待发放清单.csv", BATCH)
    staff_app.app.state.jobs.wait(timeout=120)
    values = {"warning_id": warning_id, "case_no": case_no, "kind": "person",
              "ref": _person_in_the_verifiers_township(staff_app),
              "attachment_id": str(attachment.id),
              "upload_id": upload.headers["location"].rsplit("/", 1)[-1],
              "user_id": str(staff_app.users["verifier"]),
              "report_case_no": report_case_no, "photo_id": str(photo_id), "version": "1",
              "code": "deaths",
              "screening_id": screening.headers["location"].rsplit("/", 1)[-1]}
    yield World(staff_app, values, clients)
    staff_app.app.state.engine.dispose()


def _person_in_the_verifiers_township(staff_app: StaffApp) -> str:
    """An entity of the index (its page), in the township the verifier works in."""
    from sunlight.appdb.entity_tables import Entity
    from sunlight.entities.refs import index_state, ref_for

    with staff_app.session() as session:
        index_state(session).built_at = datetime.now(UTC)  # built: a missing ref is a 404
        ref = ref_for(session, "person", "610327195001010011")
        session.add(Entity(kind="person", key="610327195001010011", ref=ref, name="张三",
                           township=TOWNSHIP, village="东村", household="H1", warnings=0,
                           doc={}))
        session.commit()
    return ref


def _report_assigned_to_verifier(staff_app: StaffApp) -> tuple[str, int]:
    """A villager's report with a photo, about the verifier's township, assigned to them."""
    from sunlight.appdb.account_tables import User
    from sunlight.appdb.report_tables import ReportPhoto
    from sunlight.cases.workflow import take
    from sunlight.reports.filing import Draft, Place, file_report
    from sunlight.reports.photos import cleaned
    from tests.web.report_support import photo_with_gps

    with staff_app.session() as session:
        filed = file_report(session, Draft("冒领", "此人已外出务工多年，仍在领取低保。", True),
                            Place(TOWNSHIP, "东村"), None, [cleaned(photo_with_gps(), 1)],
                            staff_app.settings.report_photos_dir)
        analyst = session.get(User, staff_app.users["analyst"])
        assert analyst is not None
        take(session, filed.case, "assign", analyst,
             {"assignee": str(staff_app.users["verifier"])}, expected_version=1)
        photo = session.query(ReportPhoto).one()
        session.commit()
        return filed.case.case_no, photo.id


def test_every_staff_route_is_in_the_table(world: World):
    def route(path: str) -> str:  # the table names a report's case apart from a warning's
        return path.replace("{report_case_no}", "{case_no}")

    tabled = ({("GET", route(path)) for path in PAGES}
              | {("POST", route(path)) for path in ACTIONS} | PUBLIC)
    assert staff_routes(world.staff_app) == tabled


@pytest.mark.parametrize("path", sorted(PAGES))
def test_pages(world: World, path: str):
    url = world.url(path)
    for name, client in world.clients.items():
        response = client.get(url, follow_redirects=False)
        if name in PAGES[path]:
            assert response.status_code in (200, 303), (name, url, response.status_code)
            assert "/staff/login" not in response.headers.get("location", ""), (name, url)
        else:
            assert response.status_code == refusal(name, path, PAGES[path]), \
                (name, url, response.status_code)
    anonymous = TestClient(world.staff_app.app).get(url, follow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/staff/login")


@pytest.mark.parametrize("path", sorted(ACTIONS))
def test_actions_refused_to_everyone_else(world: World, path: str):
    url = world.url(path)
    for name, client in world.clients.items():
        if name in ACTIONS[path]:
            continue
        response = client.post(url, data={"csrf_token": csrf_of(client)},
                               follow_redirects=False)
        assert response.status_code == refusal(name, path, ACTIONS[path]), \
            (name, url, response.status_code)
    anonymous = TestClient(world.staff_app.app).post(url, follow_redirects=False)
    assert anonymous.status_code == 401


def test_a_verifier_of_another_township_sees_nothing_of_this_case(world: World):
    other = world.clients["verifier_other"]
    for path in [p for p, who in PAGES.items() if who == CASEWORK and "{" in p]:
        assert other.get(world.url(path), follow_redirects=False).status_code == 404
    board = other.get("/staff/warnings")
    assert board.status_code == 200 and world.values["warning_id"] not in board.text


MISSING = {"warning_id": "W-AAAAAAAAAAAA", "case_no": "AJ2099999999", "report_case_no":
           "AJ2099999998", "attachment_id": "999999", "photo_id": "999999", "kind": "person",
           "ref": "aaaaaaaaaaaaaaaa"}
"""Values naming nothing, for every placeholder of the case routes."""


@pytest.mark.parametrize("path", sorted(p for p, who in {**PAGES, **ACTIONS}.items()
                                        if who == CASEWORK and "{" in p))
def test_a_case_not_theirs_answers_a_verifier_as_one_that_does_not_exist(world: World,
                                                                          path: str):
    """Same status, same page: case numbers and warning IDs cannot be probed."""
    other = world.clients["verifier_other"]

    def answer(url: str) -> tuple[int, str]:
        if path in PAGES:
            response = other.get(url, follow_redirects=False)
        else:
            response = other.post(url, follow_redirects=False, data={
                "csrf_token": csrf_of(other), "action": "verify", "reason": "试探"})
        return response.status_code, response.text

    existing = answer(world.url(path))
    missing_url = path
    for name, value in MISSING.items():
        missing_url = missing_url.replace("{" + name + "}", value)
    assert existing == answer(missing_url)
    assert existing[0] == 404
