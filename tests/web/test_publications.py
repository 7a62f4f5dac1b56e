"""/staff/publications: an analyst publishes the warehouse to the portal in the background and
withdraws a version; nobody else may; both are audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from sunlight.appdb.audit_tables import AuditEntry
from sunlight.appdb.publication_tables import PUBLISHED, WITHDRAWN, Publication
from sunlight.jobs.runner import JobRunner
from sunlight.publish.jobs import Publisher
from tests.publish_county import ingested
from tests.web.conftest import StaffApp, csrf_of


def publisher(app: StaffApp) -> Publisher:
    found: Publisher = app.app.state.publisher
    return found


def publish_now(app: StaffApp) -> str:
    """Press the button as the analyst, wait for the job, and return the page after it."""
    client = app.client("analyst")
    pressed = client.post("/staff/publications", data={"csrf_token": csrf_of(client)},
                          follow_redirects=False)
    assert pressed.status_code == 303
    assert publisher(app).wait(120)
    return client.get("/staff/publications").text


def audited(app: StaffApp, action: str) -> list[AuditEntry]:
    with app.session() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


@pytest.mark.parametrize("user", ["verifier", "officer", "admin"])
def test_only_analysts_may_publish_or_withdraw(staff_app: StaffApp, user: str) -> None:
    client = staff_app.client(user)
    assert client.get("/staff/publications").status_code == 403
    assert client.get("/staff/publications/job").status_code == 403
    token = csrf_of(client)
    assert client.post("/staff/publications", data={"csrf_token": token}).status_code == 403
    assert client.post("/staff/publications/1/withdraw",
                       data={"csrf_token": token, "reason": "x"}).status_code == 403
    assert "公示发布" not in client.get("/staff/account").text
    assert publisher(staff_app).latest() is None


def test_anonymous_is_sent_to_log_in(staff_app: StaffApp) -> None:
    client = staff_app.client()
    page = client.get("/staff/publications", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/staff/login")
    assert client.post("/staff/publications").status_code == 401


def test_publishing_needs_the_csrf_token(staff_app: StaffApp) -> None:
    client = staff_app.client("analyst")
    assert client.post("/staff/publications").status_code == 403
    assert publisher(staff_app).latest() is None


def test_an_empty_warehouse_says_there_is_nothing_to_publish(staff_app: StaffApp) -> None:
    page = publish_now(staff_app)
    assert "发布失败" in page and "数据仓库中没有发放数据" in page
    assert audited(staff_app, "publication.publish") == []


def test_publish_then_withdraw_from_the_workbench(staff_app: StaffApp) -> None:
    ingested(staff_app.settings.home)
    analyst = staff_app.client("analyst")
    assert "/staff/publications" in analyst.get("/staff/account").text  # in the menu
    assert "尚未发布过公示" in analyst.get("/staff/publications").text

    page = publish_now(staff_app)
    assert "已发布" in page and "第 1 版" in page and "门户正在显示" in page
    [entry] = audited(staff_app, "publication.publish")
    assert entry.actor == "analyst" and entry.target == "v1"
    assert "东风村" in staff_app.client().get("/").text  # the portal shows it

    publish_now(staff_app)
    with staff_app.session() as session:
        assert session.scalars(select(Publication.version)
                               .order_by(Publication.version)).all() == [1, 2]

    token = csrf_of(analyst)
    unexplained = analyst.post("/staff/publications/2/withdraw",
                               data={"csrf_token": token, "reason": " "})
    assert unexplained.status_code == 400 and "请填写撤回第 2 版的原因" in unexplained.text
    withdrawn = analyst.post("/staff/publications/2/withdraw", follow_redirects=False,
                             data={"csrf_token": token, "reason": "名单有误"})
    assert withdrawn.status_code == 303
    again = analyst.post("/staff/publications/2/withdraw",
                         data={"csrf_token": token, "reason": "名单有误"})
    assert again.status_code == 400 and "不是正在公示的版本" in again.text
    with staff_app.session() as session:
        states = dict(session.execute(select(Publication.version, Publication.status)).all())
    assert states == {1: PUBLISHED, 2: WITHDRAWN}
    [entry] = audited(staff_app, "publication.withdraw")
    assert entry.actor == "analyst" and entry.details == {"reason": "名单有误"}
    assert "已撤回：名单有误" in analyst.get("/staff/publications").text
    assert "公示第 1 版" in staff_app.client().get("/").text


def test_a_pending_publication_polls_and_a_second_one_waits(staff_app: StaffApp) -> None:
    ingested(staff_app.settings.home)
    staff_app.app.state.jobs.stop()  # no runner claims it yet
    client = staff_app.client("analyst")
    token = csrf_of(client)
    client.post("/staff/publications", data={"csrf_token": token}, follow_redirects=False)
    fragment = client.get("/staff/publications/job").text
    assert 'data-poll="/staff/publications/job"' in fragment and "发布中" in fragment
    second = client.post("/staff/publications", data={"csrf_token": token})
    assert second.status_code == 409 and "已有一次发布正在进行" in second.text
    assert JobRunner(staff_app.settings, staff_app.app.state.sessions).wait(120)
    fragment = client.get("/staff/publications/job").text
    assert "data-poll" not in fragment and "已发布" in fragment and "第 1 版" in fragment
