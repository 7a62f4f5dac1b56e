"""Every browser asks for /favicon.ico on its first visit: it gets the package's own icon."""

from __future__ import annotations

from tests.web.conftest import StaffApp


def test_the_favicon_is_the_packages_icon(staff_app: StaffApp):
    client = staff_app.client()
    asked = client.get("/favicon.ico", follow_redirects=False)
    assert asked.status_code == 302
    icon = client.get(asked.headers["location"])
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in icon.content
    for page in ("/", "/staff/login"):
        assert f'rel="icon" type="image/svg+xml" href="{asked.headers["location"]}"' in \
            client.get(page).text, page
