"""gzip where it is safe (the portal's pages, stylesheets, scripts), never beside a CSRF token
(BREACH), and static files cached by browsers under versioned addresses."""

from __future__ import annotations

import hashlib
import re

import pytest

from sunlight.web.app import STATIC
from sunlight.web.compression import accepts_gzip
from tests.web.conftest import StaffApp
from tests.web.portal_support import Portal, county_rows, portal, village_link

__all__ = ["county_rows", "portal"]
GZIP = {"accept-encoding": "gzip"}


def test_portal_pages_are_compressed_for_browsers_that_accept_it(portal: Portal) -> None:
    client = portal.client()
    link = village_link(client.get("/").text, "马家村")
    page = client.get(link, headers=GZIP)
    assert page.headers["content-encoding"] == "gzip" and "马家村" in page.text
    assert "Accept-Encoding" in page.headers["vary"]
    portal.staff_app.settings.public_url = "https://gongshi.example.gov.cn"
    png = client.get(link + "/qr.png", headers=GZIP)  # compressed already
    assert "content-encoding" not in png.headers and png.content.startswith(b"\x89PNG")


def test_pages_with_a_csrf_token_are_never_compressed(portal: Portal) -> None:
    analyst = portal.staff_app.client("analyst")
    for path in ("/staff/account", "/staff/warnings?q=王", "/staff/login"):
        page = analyst.get(path, headers=GZIP)
        assert page.status_code == 200 and "content-encoding" not in page.headers, path
    for path in ("/check", "/report", "/track"):
        form = portal.client().get(path, headers=GZIP)
        assert form.status_code == 200 and "content-encoding" not in form.headers, path


def test_static_files_are_linked_by_version_and_cached_for_a_year(staff_app: StaffApp) -> None:
    client = staff_app.client()
    page = client.get("/staff/login").text
    for name in ("sunlight.css", "sunlight.js"):
        version = hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:16]
        link = f"/static/{name}?v={version}"
        assert link in page
        answer = client.get(link, headers=GZIP)
        assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert answer.headers["content-encoding"] == "gzip"
        assert answer.content == (STATIC / name).read_bytes()
        again = client.get(link, headers={"if-none-match": answer.headers["etag"]})
        assert again.status_code == 304 and not again.content
    assert re.search(r'/static/portal\.css\?v=\w{16}', client.get("/").text)
    unversioned = client.get("/static/portal.css")
    assert unversioned.status_code == 200 and unversioned.headers["cache-control"] == "no-cache"
    assert client.get("/static/../app.py").status_code == 404
    assert client.get("/static/nothing.css").status_code == 404


@pytest.mark.parametrize(("header", "accepted"), [
    ("gzip, deflate, br", True), ("br;q=1.0, gzip;q=0.8", True), ("*", True),
    ("gzip;q=0", False), ("identity", False), ("", False), ("deflate", False)])
def test_what_counts_as_accepting_gzip(header: str, accepted: bool) -> None:
    scope = {"type": "http", "headers": [(b"accept-encoding", header.encode())]}
    assert accepts_gzip(scope) is accepted
