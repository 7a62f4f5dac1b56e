"""A warning's page: what the models found, the evidence rows, the person's timeline, the
warning's history, the case section; and revealing the full ID number (audited)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from sunlight.appdb.audit_tables import AuditEntry
from sunlight.appdb.tables import Warning
from sunlight.appdb.timeline_tables import PersonRecord
from sunlight.audit.chain import verify
from tests.appdb.builders import PERSON, detection
from tests.web.conftest import StaffApp, csrf_of, form_token
from tests.web.stored import assign, store

MASKED = f"{PERSON[:6]}********{PERSON[-4:]}"


@pytest.fixture
def wid(staff_app: StaffApp) -> str:
    """王芳's DECEASED_PAID warning over January to March 2024 (城关镇)."""
    return store(staff_app, [detection([1, 2, 3])])[PERSON]


def page(staff_app: StaffApp, wid: str, user: str = "analyst") -> str:
    response = staff_app.client(user).get(f"/staff/warnings/{wid}")
    assert response.status_code == 200, response.text
    return response.text


@pytest.mark.parametrize(("user", "status"), [  # the verifiers: as if it did not exist
    ("analyst", 200), ("verifier", 404), ("verifier_other", 404), ("officer", 403),
    ("admin", 403)])
def test_who_may_see_an_unassigned_warning(staff_app: StaffApp, wid: str, user: str,
                                           status: int):
    assert staff_app.client(user).get(f"/staff/warnings/{wid}").status_code == status


def test_the_verifier_it_is_assigned_to_may_see_it(staff_app: StaffApp, wid: str):
    assign(staff_app, wid, "verifier")
    assert staff_app.client("verifier").get(f"/staff/warnings/{wid}").status_code == 200
    assert staff_app.client("verifier_other").get(f"/staff/warnings/{wid}").status_code == 404


def test_anonymous_is_sent_to_log_in(staff_app: StaffApp, wid: str):
    response = staff_app.client().get(f"/staff/warnings/{wid}", follow_redirects=False)
    assert response.headers["location"] == f"/staff/login?next=/staff/warnings/{wid}"


def test_an_unknown_warning_is_a_404_page(staff_app: StaffApp):
    response = staff_app.client("analyst").get("/staff/warnings/W-NOSUCHWARNING")
    assert response.status_code == 404 and "未找到" in response.text


def test_the_page_says_what_was_found_and_where(staff_app: StaffApp, wid: str):
    html = page(staff_app, wid)
    assert "死亡后仍领取" in html  # the model's Chinese name
    assert "王芳已于2023年12月死亡" in html  # the explanation
    assert MASKED in html and PERSON not in html
    assert "1,500.00" in html and "2024-01 至 2024-03" in html
    assert "一卡通" in html and "低保2024.xlsx" in html and "死亡信息" in html
    assert "死亡登记.csv" in html and "问题发放" in html and "依据" in html
    assert "案件办理" in html and f'action="/staff/warnings/{wid}/assign"' in html
    assert 'class="stacked"' in html and 'data-label="文件"' in html


def test_the_timeline_shows_the_persons_records_month_by_month(staff_app: StaffApp, wid: str):
    def record(kind: str, dated: str, **extra: object) -> PersonRecord:
        values: dict[str, object] = dict(id_number=PERSON, kind=kind, dated=dated,
                                         dataset="payments", file="低保2024.xlsx", sheet="",
                                         row=2, details={}, program="")
        return PersonRecord(**{**values, **extra})

    with staff_app.session() as session:
        session.add_all([
            record("registry", "2023-12-20", dataset="residents", file="户籍.csv",
                   details={"status": "死亡", "household_id": "H007", "township": "城关镇",
                            "village": "东村", "delivered": 1}),
            record("death", "2023-12-20", dataset="deaths", file="死亡登记.csv",
                   details={"source": "火化"}),
            record("enrollment", "2019-01", dataset="enrollments", program="DIBAO",
                   details={"start_month": "2019-01-01"}),
            *[record("payment", f"2024-0{m}", program="DIBAO", amount=Decimal("500"), row=m)
              for m in (1, 2, 3, 3)],
        ])
        session.commit()
    html = page(staff_app, wid)
    assert "户籍.csv" in html and "H007" in html and "火化" in html
    assert "2019-01 起" in html
    assert "2024-03" in html and "1,000.00" in html and "×2" in html  # paid twice in March
    assert "2,000.00" in html  # the program's total


def test_changes_and_successor_are_linked(staff_app: StaffApp, wid: str):
    store(staff_app, [detection([1, 2, 3, 4])])  # a month more: the warning grows
    html = page(staff_app, wid)
    assert "截止期" in html and "2024-04" in html and "period_to" not in html
    assert "4 行" in html and "5 行（新增 1）" in html  # the evidence, counted in Chinese
    with staff_app.session() as session:
        session.execute(update(Warning).values(status="closed"))
        session.commit()
    later = store(staff_app, [detection([1, 2, 3, 4, 5])])[PERSON]
    assert later != wid
    assert f'href="/staff/warnings/{later}"' in page(staff_app, wid)
    assert f'href="/staff/warnings/{wid}"' in page(staff_app, later)


def test_revealing_the_id_number_shows_it_and_audits_who_saw_it(staff_app: StaffApp, wid: str):
    client = staff_app.client("analyst")
    token = form_token(client.get(f"/staff/warnings/{wid}").text.split("查看完整号码")[0]
                       .rsplit("<form", 1)[1])
    response = client.post(f"/staff/warnings/{wid}/reveal", data={"csrf_token": token})
    assert response.status_code == 200 and PERSON in response.text
    fragment = client.post(f"/staff/warnings/{wid}/reveal", data={"csrf_token": token},
                           headers={"X-Sunlight-Partial": "1"})
    assert PERSON in fragment.text and "<html" not in fragment.text
    with staff_app.session() as session:
        entries = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "view.id_number")).all()
        assert [(e.actor, e.target, e.details["warning"]) for e in entries] == [
            ("analyst", wid, wid)] * 2
        assert verify(session).intact
    assert PERSON not in client.get(f"/staff/warnings/{wid}").text  # masked again


def test_revealing_needs_the_form_token_and_the_page_permission(staff_app: StaffApp, wid: str):
    analyst = staff_app.client("analyst")
    assert analyst.post(f"/staff/warnings/{wid}/reveal",
                        data={"csrf_token": "forged"}).status_code == 403
    for user in ("verifier", "officer", "admin"):
        client = staff_app.client(user)
        response = client.post(f"/staff/warnings/{wid}/reveal",
                               data={"csrf_token": csrf_of(client)})
        refused = 404 if user == "verifier" else 403  # not assigned: as if it did not exist
        assert response.status_code == refused and PERSON not in response.text, user
    assert staff_app.client().post(f"/staff/warnings/{wid}/reveal").status_code == 401
    with staff_app.session() as session:
        assert not session.scalars(select(AuditEntry).where(
            AuditEntry.action == "view.id_number")).all()


def test_the_assigned_verifier_may_reveal(staff_app: StaffApp, wid: str):
    assign(staff_app, wid, "verifier")
    client = staff_app.client("verifier")
    response = client.post(f"/staff/warnings/{wid}/reveal", data={"csrf_token": csrf_of(client)})
    assert response.status_code == 200 and PERSON in response.text


def test_a_warning_of_another_township_stays_hidden_from_a_verifier(staff_app: StaffApp):
    other = store(staff_app, [replace(detection([1]), township="马家镇")])[PERSON]
    assert staff_app.client("verifier").get(f"/staff/warnings/{other}").status_code == 404


def test_a_birth_date_in_the_facts_shows_its_month_until_the_id_is_revealed(
        staff_app: StaffApp):
    # A warning stored when PAID_BEFORE_BIRTH still gave the day (it gives the month now).
    born = {"birth_date": "1971-06-05", "strength": "0.95"}
    first = replace(detection([1, 2]), facts=born)
    wid = store(staff_app, [first])[PERSON]
    store(staff_app, [replace(first, facts={**born, "strength": "0.9"})])  # logged change
    html = page(staff_app, wid)
    assert "出生日期（据身份证号）" in html and "1971年6月" in html
    assert "1971-06-05" not in html and "19710605" not in html and "birth_date" not in html
    client = staff_app.client("analyst")
    token = form_token(client.get(f"/staff/warnings/{wid}").text)
    revealed = client.post(f"/staff/warnings/{wid}/reveal", data={"csrf_token": token})
    assert PERSON in revealed.text and "1971-06-05" in revealed.text
