"""Every response forbids framing, sniffing, foreign scripts and leaking addresses, and no page
needs anything the strict Content-Security-Policy would refuse (the browser tests check the
pages as Chromium runs them)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from sunlight.web.templating import TEMPLATES
from tests.web.case_builders import report_case
from tests.web.conftest import StaffApp
from tests.web.test_case_files import PDF, attachment_ids, upload

EXPECTED = {
    "content-security-policy": "default-src 'self'; object-src 'none'; base-uri 'none'; "
                               "form-action 'self'; frame-ancestors 'none'",
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}
INLINE = re.compile(r"<script(?![^>]*\bsrc=)|<style|\sstyle=|\son[a-z]+=|javascript:", re.I)


@pytest.mark.parametrize("path", ["/", "/report", "/staff/login", "/staff/cases",
                                  "/static/sunlight.css", "/static/sunlight.js", "/healthz",
                                  "/no-such-page", "/staff/no-such-page"])
def test_every_response_carries_the_security_headers(staff_app: StaffApp, path: str):
    response = staff_app.client().get(path, follow_redirects=False)
    assert {name: response.headers.get(name) for name in EXPECTED} == EXPECTED


def test_a_response_that_sets_a_header_itself_keeps_its_own(staff_app: StaffApp):
    case_no = report_case(staff_app)
    client = staff_app.client("analyst")
    assert upload(client, case_no, "a.pdf", PDF).status_code == 303
    [attachment] = attachment_ids(staff_app)
    response = client.get(f"/staff/cases/{case_no}/attachments/{attachment}")
    assert response.status_code == 200
    assert response.headers.get_list("x-content-type-options") == ["nosniff"]  # not twice


def test_no_template_has_inline_script_or_style():
    found = {str(path.relative_to(TEMPLATES)): match.group(0)
             for path in TEMPLATES.rglob("*.html")
             if (match := INLINE.search(path.read_text(encoding="utf-8")))}
    assert found == {}


@pytest.mark.parametrize("path", ["/staff/login", "/staff/cases", "/staff/no-such-page"])
def test_staff_pages_are_never_kept_in_the_browsers_cache(staff_app: StaffApp, path: str):
    response = staff_app.client("analyst").get(path, follow_redirects=False)
    assert response.headers.get_list("cache-control") == ["no-store"]


@pytest.mark.parametrize("path", ["/staff/broken", "/broken"])
def test_a_server_error_is_a_chinese_page_with_the_security_headers(staff_app: StaffApp,
                                                                    path: str):
    def broken() -> None:
        raise RuntimeError("a bug")

    staff_app.app.add_api_route(path, broken)
    response = TestClient(staff_app.app, raise_server_exceptions=False).get(path)
    assert response.status_code == 500
    assert "服务器内部错误" in response.text and "a bug" not in response.text
    assert {name: response.headers.get(name) for name in EXPECTED} == EXPECTED
    assert response.headers.get("cache-control") == "no-store"
