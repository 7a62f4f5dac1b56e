"""The portal's page cache: a page comes from memory while the same publication is shown, a
new or withdrawn one shows at once, and nothing of one browser reaches another."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event

from sunlight.contract.catalog import load_catalog
from sunlight.publish.extract import Extract
from sunlight.publish.store import publish, withdraw
from sunlight.web.csrf import NONCE_COOKIE
from sunlight.web.portal.cache import Page, PageStore, ShownPublication
from tests.web.conftest import StaffApp
from tests.web.portal_support import Portal, county_rows, portal, village_link

__all__ = ["county_rows", "portal"]


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements run on the engine meanwhile."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def roster_link(portal: Portal) -> str:
    return village_link(portal.client().get("/").text, "东风村") + "/program/DIBAO"


def test_a_page_seen_once_comes_from_memory(portal: Portal) -> None:
    client = portal.client()
    link = roster_link(portal)
    engine = portal.staff_app.app.state.engine
    with statements(engine) as first_time:
        first = client.get(link)
    with statements(engine) as second_time:
        again = client.get(link)
    assert again.status_code == 200 and again.text == first.text
    assert any("pub_" in statement for statement in first_time)
    assert not any("pub_" in statement for statement in second_time)  # no roster read again
    with statements(engine) as ran:
        client.get(link, params={"q": "王"})  # another address is another page
    assert any("pub_" in statement for statement in ran)


def test_a_new_or_withdrawn_publication_shows_at_once(portal: Portal) -> None:
    client = portal.client()
    assert "公示第 1 版" in client.get("/").text
    assert "公示第 1 版" in client.get("/").text  # kept
    second = portal.publish()
    assert "公示第 2 版" in client.get("/").text
    with portal.staff_app.session() as session:
        withdraw(session, second.version, actor="test")
        session.commit()
    assert "公示第 1 版" in client.get("/").text


def test_nothing_of_one_browser_reaches_another(portal: Portal) -> None:
    link = roster_link(portal)
    villager = portal.client()
    villager.get("/check")  # holds a portal form token now
    token = villager.cookies[NONCE_COOKIE]
    analyst = portal.staff_app.client("analyst")
    for browser in (villager, analyst):
        assert browser.get(link).status_code == 200
        assert browser.get("/").status_code == 200
    stranger = portal.client()
    for path in (link, "/"):
        page = stranger.get(path)
        assert "set-cookie" not in page.headers
        assert token not in page.text and "analyst" not in page.text
    assert not stranger.cookies
    # The form pages carry each browser's own token: never kept.
    first, second = portal.client().get("/check"), portal.client().get("/check")
    assert first.cookies[NONCE_COOKIE] != second.cookies[NONCE_COOKIE]


def test_a_browser_without_gzip_gets_the_same_page_plain(portal: Portal) -> None:
    client = portal.client()
    link = roster_link(portal)
    packed = client.get(link, headers={"accept-encoding": "gzip"})
    plain = client.get(link, headers={"accept-encoding": "identity"})
    assert packed.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in plain.headers
    assert plain.text == packed.text and "李强户" in plain.text


def test_the_store_keeps_to_its_bound_dropping_the_least_recently_used() -> None:
    store = PageStore(max_bytes=24_000)
    page = Page(200, [], b"y" * 1500)  # 2,012 bytes with the bookkeeping
    for number in range(11):
        store.put((number,), page)
    assert store.get((0,)) is page  # now the most recently used
    store.put((11,), page)
    assert store.get((1,)) is None and store.get((0,)) is page and store.get((11,)) is page
    assert store.bytes <= store.max_bytes and len(store) == 11
    store.put(("huge",), Page(200, [], b"x" * 4000))  # over an eighth of the bound
    assert store.get(("huge",)) is None


def shown_now(shown: ShownPublication) -> int | None:
    """What `read` answers, from a thread of its own (the test may run inside an event loop)."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(lambda: asyncio.run(shown.read())).result()


def test_the_shown_publication_is_read_on_either_database(staff_app_both: StaffApp,
                                                          county_rows: Extract) -> None:
    shown = ShownPublication(staff_app_both.app.state.engine)
    assert shown_now(shown) is None
    with staff_app_both.session() as session:
        first = publish(session, county_rows, load_catalog(), actor="test").publication.id
        second = publish(session, county_rows, load_catalog(), actor="test").publication
        session.commit()
        assert shown_now(shown) == second.id
        withdraw(session, second.version, actor="test")
        session.commit()
    assert shown_now(shown) == first
