"""A workbench served over HTTP on a port the system chose, and Debian's Chromium driven by
Playwright.

Chromium missing: the browser tests skip, or fail where `CI` is set (scripts/test.sh installs
it there).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

from sunlight.contract.catalog import load_catalog
from sunlight.publish.extract import Extract
from sunlight.publish.store import publish
from tests.serving import serving
from tests.web.conftest import StaffApp, make_staff_app, sqlite_template
from tests.web.portal_support import county_rows

__all__ = ["county_rows", "sqlite_template"]  # fixtures, shared with the web tests

CHROMIUM = "/usr/bin/chromium"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
LAUNCH_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--no-first-run"]


@dataclass
class Served:
    """A running workbench: its address, and the app (for set-up and checks)."""

    base_url: str
    staff_app: StaffApp


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium fonts-wqy-microhei)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI is set: the browser tests must run")
        pytest.skip(reason)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def served(tmp_path: Path, sqlite_template: Path) -> Iterator[Served]:
    """A fresh workbench (SQLite, the test accounts) served by uvicorn in a thread."""
    shutil.copyfile(sqlite_template, tmp_path / "app.db")
    built = make_staff_app(tmp_path / "home", f"sqlite:///{tmp_path}/app.db",
                           with_accounts=False)
    with serving(built.app) as base_url:
        yield Served(base_url, built)
    built.app.state.engine.dispose()


@pytest.fixture
def published(served: Served, county_rows: Extract) -> Served:
    """The workbench with the tiny county published to its portal."""
    with served.staff_app.session() as session:
        publish(session, county_rows, load_catalog(), actor="test")
        session.commit()
    return served


@pytest.fixture(params=[pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")])
def page(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    """A fresh browser context at desktop and at phone width, in Chinese.

    Whatever the test did, nothing on its pages may have been refused by the app's
    Content-Security-Policy (an inline script or style would be).
    """
    yield from checked_page(browser, request.param)


def checked_page(browser: Browser, viewport: ViewportSize) -> Iterator[Page]:
    """A page in a fresh context in Chinese; on closing, nothing it showed may have been
    refused by the Content-Security-Policy."""
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    yield page
    context.close()
    assert refused == []


def log_in(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/staff/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


