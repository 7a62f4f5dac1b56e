"""Police staff accounts: the admin creates an inspector or a liaison with the units the data
names, and moves them to other units; what they see follows."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from sunlight.appdb.account_tables import User
from sunlight.appdb.audit_tables import AuditEntry
from sunlight.demo_staff import create_demo_staff
from tests.web.bureau_story import STATION, TRAFFIC, bureau_home, detect
from tests.web.conftest import PASSWORD, StaffApp, csrf_of
from tests.web.page_text import visible_text

__all__ = ["bureau_home"]


@pytest.fixture
def bureau(staff_app: StaffApp, bureau_home: Path) -> StaffApp:
    detect(bureau_home, staff_app.settings.database_url)
    return staff_app


def add(app: StaffApp, username: str, role: str, units: str):
    client = app.client("admin")
    return client.post("/staff/admin/users", follow_redirects=False, data={
        "csrf_token": csrf_of(client), "username": username, "display_name": username,
        "role": role, "units": units, "password": PASSWORD})


def user(app: StaffApp, username: str) -> User:
    with app.session() as session:
        return session.scalars(select(User).where(User.username == username)).one()


def test_the_admin_creates_an_inspector_of_two_units(bureau: StaffApp):
    assert add(bureau, "sun", "inspector", f"{STATION}、{TRAFFIC}").status_code == 303
    assert user(bureau, "sun").units == [STATION, TRAFFIC]
    page = visible_text(bureau.client("admin").get("/staff/admin/users").text)
    assert f"{STATION}、{TRAFFIC}" in page and "公安督察人员" in page
    dashboard = bureau.client("sun").get("/staff/oversight")
    assert dashboard.status_code == 200 and STATION in dashboard.text


def test_a_unit_the_data_never_names_is_refused_and_the_form_kept(bureau: StaffApp):
    response = add(bureau, "liu", "liaison", "城关派出")
    assert response.status_code == 400
    text = visible_text(response.text)
    assert "数据中没有单位“城关派出”" in text and STATION in text
    assert 'value="城关派出"' in response.text


def test_a_liaison_needs_a_unit(bureau: StaffApp):
    response = add(bureau, "liu", "liaison", "")
    assert response.status_code == 400 and "必须指定负责单位" in visible_text(response.text)


def test_moving_an_inspector_to_another_unit_is_audited_and_moves_what_they_see(
        bureau: StaffApp):
    add(bureau, "sun", "inspector", TRAFFIC)
    assert bureau.client("sun").get(f"/staff/oversight/findings?unit={STATION}").status_code == 404
    admin = bureau.client("admin")
    moved = admin.post(f"/staff/admin/users/{user(bureau, 'sun').id}/units",
                       follow_redirects=False,
                       data={"csrf_token": csrf_of(admin), "units": STATION})
    assert moved.status_code == 303 and user(bureau, "sun").units == [STATION]
    assert bureau.client("sun").get(f"/staff/oversight/findings?unit={STATION}").status_code == 200
    with bureau.session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "user.units")).one()
    assert entry.details == {"previous_units": [TRAFFIC], "units": [STATION]}


def test_a_township_verifier_has_no_units_to_change(bureau: StaffApp):
    admin = bureau.client("admin")
    response = admin.post(f"/staff/admin/users/{bureau.users['verifier']}/units",
                          data={"csrf_token": csrf_of(admin), "units": STATION})
    assert response.status_code == 400
    assert user(bureau, "verifier").units == []


def test_the_demo_has_an_inspector_of_every_unit_and_the_busiest_units_liaison(
        bureau: StaffApp):
    with bureau.session() as session:
        accounts = {a.username: a for a in create_demo_staff(session)}
        session.commit()
    assert set(user(bureau, "inspector").units) == {STATION, TRAFFIC}
    assert accounts["liaison"].scope == STATION  # 4 open police warnings, the brigade 1
    assert user(bureau, "liaison").role == "liaison"
