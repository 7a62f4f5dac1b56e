"""The portal's limits replayed as the attacks that broke them: guessing a person's full ID from
the roster's mask with 查我家 from ever new addresses, a flood of reports from one address, and
limits that several server processes (and a restart) must share; which client address is
believed behind a proxy."""

from __future__ import annotations

import itertools
import re
import sqlite3
import time
from types import SimpleNamespace

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select

from sunlight.appdb.audit_tables import AuditEntry
from sunlight.appdb.report_tables import Report
from sunlight.cli.serve import server_config
from sunlight.masking import public_masked_id
from sunlight.web.app import create_app
from sunlight.web.deps import client_address, counted_address
from sunlight.web.portal import guard, reports
from tests.publish_county import li, wang
from tests.web.conftest import form_token, post_login
from tests.web.portal_support import Portal, county_rows, portal
from tests.web.report_support import file_report, track, tracking_code

__all__ = ["county_rows", "portal"]

addresses = (f"198.51.100.{n}" for n in itertools.count(1))


def stranger(app: FastAPI) -> TestClient:
    """A browser with fresh cookies, from an address never seen, claiming yet another one."""
    peer = next(addresses)
    return TestClient(app, client=(peer, 40000), headers={"X-Forwarded-For": next(addresses)})


def look_up(client: TestClient, id_number: str, name: str, account_tail: str = "") -> Response:
    token = form_token(client.get("/check").text)
    return client.post("/check", data={"id_number": id_number, "name": name,
                                       "account_tail": account_tail, "csrf_token": token})


def candidates(masked: str) -> list[str]:
    """IDs an attacker would try for a masked one: other birth dates, same visible part."""
    return [masked[:6] + f"1950{month:02d}{day:02d}" + "0015" for month in (1, 2)
            for day in range(1, 29)]


def test_guessing_one_persons_id_from_new_addresses_stops_and_the_owner_still_gets_in(
        portal: Portal) -> None:
    app = portal.staff_app.app
    masked = public_masked_id(wang.id)
    assert masked == wang.id[:6] + "*" * 12  # all the roster gives away besides the name
    tries = [look_up(stranger(app), guess, "王芳") for guess in candidates(masked)[:5]]
    assert all("没有查到" in t.text for t in tries)

    # Past 5 failures for her, ID and name no longer answer, right or wrong, from anywhere.
    for guess in (candidates(masked)[5], wang.id):
        asked = look_up(stranger(app), guess, " 王芳")
        assert asked.status_code == 200 and "一卡通" in asked.text
        assert 'name="account_tail"' in asked.text and "农村最低生活保障" not in asked.text
    # A guess with a made-up account is just not found: it tells neither part was right.
    wrong = look_up(stranger(app), wang.id, "王芳", "000000")
    assert "没有查到" in wrong.text and "农村最低生活保障" not in wrong.text
    bad = look_up(stranger(app), wang.id, "王芳", "12ab")
    assert bad.status_code == 400 and "6 位数字" in bad.text

    # The owner, and her husband who is paid nothing, with the card's last 6 digits.
    tail = wang.account[-6:]
    owner = look_up(stranger(app), wang.id, "王芳", " ".join(tail))
    assert "农村最低生活保障" in owner.text and "县级审批" in owner.text
    husband = look_up(stranger(app), li.id, "李强", tail)
    assert "王芳" in husband.text and "农村最低生活保障" in husband.text  # not aimed at: no proof
    # Another person is not affected by the guessing aimed at her.
    assert 'name="account_tail"' not in look_up(stranger(app), li.id, "李强").text


@pytest.fixture
def within_one_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    """The limits' clock held in the middle of a minute: a test's uses cannot straddle two
    of the fixed windows (on a slow machine they could, and pass the burst limit)."""
    held = time.time() // 3600 * 3600 + 1830
    monkeypatch.setattr(guard, "time", SimpleNamespace(time=lambda: held))


@pytest.mark.usefixtures("within_one_minute")
def test_a_burst_of_reports_from_one_address_is_refused(portal: Portal) -> None:
    # Fresh cookies each time: only the address is the same.
    statuses = [file_report(portal.client()).status_code for _ in range(8)]
    assert statuses == [200] * 6 + [429] * 2
    with portal.staff_app.session() as session:
        assert len(session.scalars(select(Report)).all()) == 6


@pytest.mark.usefixtures("within_one_minute")
def test_limits_hold_across_server_processes_and_restarts(portal: Portal) -> None:
    first = portal.staff_app.app
    second = create_app(portal.staff_app.settings)  # another process over the same database
    try:
        statuses = [file_report(TestClient(app)).status_code
                    for app in (first, second) * 3]
        assert statuses == [200] * 6
        assert file_report(TestClient(second)).status_code == 429
        masked = public_masked_id(wang.id)
        for number, guess in enumerate(candidates(masked)[:5]):
            look_up(stranger((first, second)[number % 2]), guess, "王芳")
        assert 'name="account_tail"' in look_up(stranger(second), wang.id, "王芳").text
    finally:
        second.state.engine.dispose()
    restarted = create_app(portal.staff_app.settings)
    try:
        assert file_report(TestClient(restarted)).status_code == 429
        assert 'name="account_tail"' in look_up(stranger(restarted), wang.id, "王芳").text
    finally:
        restarted.state.engine.dispose()


@pytest.mark.parametrize(("trusted", "peer", "seen"), [
    ("", "127.0.0.1", "127.0.0.1"),  # by default nobody is believed, not even the server itself
    ("", "10.1.2.3", "10.1.2.3"),
    ("10.0.0.0/8, 192.0.2.1", "10.1.2.3", "203.0.113.9"),  # the proxy's word is taken
    ("10.0.0.0/8, 192.0.2.1", "192.0.2.1", "203.0.113.9"),
    ("10.0.0.0/8", "198.51.100.7", "198.51.100.7"),  # anyone else's header is ignored
])
def test_x_forwarded_for_is_believed_only_from_a_configured_proxy(
        portal: Portal, monkeypatch: pytest.MonkeyPatch, trusted: str, peer: str,
        seen: str) -> None:
    settings = portal.staff_app.settings
    monkeypatch.setattr(settings, "trusted_proxies", trusted)
    config = server_config(portal.staff_app.app, settings)  # as `sunlight serve` runs it
    config.load()
    client = TestClient(config.loaded_app, client=(peer, 40000),
                        headers={"X-Forwarded-For": "203.0.113.9"})
    assert post_login(client, "nobody", "wrong-password").status_code == 401
    with portal.staff_app.session() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry is not None and entry.action == "login.failed" and entry.address == seen


def test_the_check_form_says_what_it_limits(portal: Portal) -> None:
    page = portal.client().get("/check").text
    assert re.search(r"每小时最多查询 10 次", page) and "失败 5 次" in page


def from_address(app: FastAPI, address: str) -> TestClient:
    return TestClient(app, client=(address, 40000))


def test_ipv6_addresses_of_one_subscriber_are_limited_as_one(portal: Portal) -> None:
    app = portal.staff_app.app
    # One subscriber's /64 holds 2**64 addresses: a new one for every report.
    statuses = [file_report(from_address(app, f"2001:db8:1:2::{n:x}")).status_code
                for n in range(1, 21)]
    # 6 a minute, in fixed minutes: the 20 may straddle two of them, never more.
    assert statuses[:6] == [200] * 6 and statuses.count(200) <= 12
    assert set(statuses[6:]) <= {200, 429}
    assert file_report(from_address(app, "2001:db8:1:3::1")).status_code == 200  # next /64


@pytest.mark.parametrize(("address", "counted"), [
    ("198.51.100.7", "198.51.100.7"),
    ("::ffff:198.51.100.7", "198.51.100.7"),  # an IPv4 client on a dual-stack socket
    ("2001:db8:1:2::14", "2001:db8:1:2::/64"),
    ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
    ("testclient", "testclient"),  # not an address: as it is
])
def test_limits_count_an_ipv6_client_by_its_64_and_a_mapped_one_by_its_ipv4(
        address: str, counted: str) -> None:
    request = Request({"type": "http", "client": (address, 40000), "headers": []})
    assert counted_address(request) == counted
    assert client_address(request) == address  # what the audit log records


def test_login_failures_from_one_ipv6_subscriber_count_together(portal: Portal) -> None:
    app = portal.staff_app.app
    statuses = [post_login(from_address(app, f"2001:db8:1:2::{n:x}"), f"nobody{n}",
                           "wrong-password").status_code for n in range(1, 22)]
    assert statuses == [401] * 20 + [429]
    assert post_login(from_address(app, "2001:db8:9::1"), "nobody", "wrong").status_code == 401
    with portal.staff_app.session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.actor == "nobody21")).one()
    assert entry.address == "2001:db8:1:2::15"  # the audit log keeps the full address


def test_a_report_over_the_limit_is_refused_before_its_photos_are_decoded(
        portal: Portal) -> None:
    app = portal.staff_app.app
    browser = from_address(app, "198.51.100.251")
    assert [file_report(browser).status_code for _ in range(5)] == [200] * 5  # 5 an hour
    # Not a photo at all: decoding it would refuse it (400), the limit comes first.
    assert file_report(browser, photos=[b"not a photo"]).status_code == 429
    assert file_report(from_address(app, "198.51.100.252"),
                       photos=[b"not a photo"]).status_code == 400


def test_a_tracking_lookup_reads_without_the_write_lock(
        portal: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    app = portal.staff_app.app
    code = tracking_code(file_report(portal.client()).text)
    path = app.state.engine.url.database
    writers: list[bool] = []
    looked_up = reports.track

    def tracking_while_another_writes(*args: object) -> object:
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # a staff member saving, a detection run
            other.execute("ROLLBACK")
            writers.append(True)
        except sqlite3.OperationalError:  # "database is locked"
            writers.append(False)
        finally:
            other.close()
        return looked_up(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(reports, "track", tracking_while_another_writes)
    assert track(portal.client(), code).status_code == 200
    assert writers == [True]
