"""A browser's first visit asks for the site's icon: it finds the package's own, not a 404."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.browser.conftest import Served


def test_a_first_visit_draws_the_icon_and_meets_no_missing_file(
        page: Page, published: Served) -> None:
    failed: list[str] = []
    page.on("response", lambda response: failed.append(f"{response.status} {response.url}")
            if response.status >= 400 else None)
    for path in ("/", "/staff/login"):
        page.goto(published.base_url + path)
        href = page.locator('link[rel="icon"]').get_attribute("href")
        assert href and "/favicon.svg" in href
        # A browser that ignores the link asks for /favicon.ico: it is sent to the same icon.
        asked = page.request.get(published.base_url + "/favicon.ico")
        assert asked.ok and asked.url.endswith(href)
        drawn = page.evaluate("""href => new Promise(done => {
            const img = new Image(); img.onload = () => done(img.naturalWidth);
            img.onerror = () => done(0); img.src = href; })""", href)
        assert drawn > 0, path
    assert failed == []
