"""Rendered portal pages kept in memory, keyed by the publication shown and the address.

A page whose route is marked `@cached` depends on nothing but the publication the portal
shows (and the townships' phones) and its path and query: no cookie, no form token, no login.
Its 200 response is kept, gzip-compressed, under (publication id, path, query) in a
least-recently-used store bounded by bytes (SUNLIGHT_PORTAL_CACHE_MB, per server process).
Every request first asks the database which publication is shown and when a township's phone
last changed (one query); when either changed, the store is emptied, so a new or withdrawn
version, or a corrected phone, shows at once. A response that sets a cookie
or is marked private or no-store is never kept, and nothing is kept from the request.
"""

from __future__ import annotations

import gzip
import sqlite3
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import anyio.to_thread
from sqlalchemy import Engine, func, select
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sunlight.appdb.publication_tables import PUBLISHED, Publication, TownshipPhone
from sunlight.web.compression import accepts_gzip, compressible, gzipped

MARK = "_sunlight_portal_cached"
UNCACHED_PREFIXES = ("/staff", "/static", "/healthz")
KEPT_HEADERS = ("content-type", "content-language", "x-content-type-options")
"""What a kept page answers with besides its body; never a cookie."""

Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


def cached(endpoint: Endpoint) -> Endpoint:
    """Mark a portal route whose page depends only on the shown publication and the URL."""
    setattr(endpoint, MARK, True)
    return endpoint


@dataclass(frozen=True)
class Page:
    """A kept response, its body gzipped only (a fifth of the size; few browsers lack gzip)."""

    status: int
    headers: list[tuple[bytes, bytes]]
    compressed: bytes

    @property
    def size(self) -> int:
        return len(self.compressed) + 512  # the key and the bookkeeping


class PageStore:
    """Pages by key, least recently used dropped first once over `max_bytes`."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self._pages: OrderedDict[tuple[Any, ...], Page] = OrderedDict()

    def __len__(self) -> int:
        return len(self._pages)

    def get(self, key: tuple[Any, ...]) -> Page | None:
        page = self._pages.get(key)
        if page is not None:
            self._pages.move_to_end(key)
        return page

    def put(self, key: tuple[Any, ...], page: Page) -> None:
        if page.size > self.max_bytes // 8:  # one huge page would push out dozens
            return
        if (old := self._pages.pop(key, None)) is not None:
            self.bytes -= old.size
        self._pages[key] = page
        self.bytes += page.size
        while self.bytes > self.max_bytes:
            _, dropped = self._pages.popitem(last=False)
            self.bytes -= dropped.size

    def clear(self) -> None:
        self._pages.clear()
        self.bytes = 0


class ShownPublication:
    """Which publication the portal shows: its id, or None; and when a phone last changed.

    On SQLite the indexed read runs on a read-only connection of its own, on the event loop:
    about 10 µs, against some 200 µs through the session machinery and a worker thread, which
    was most of a kept page's cost. It never waits for a lock (WAL readers do not wait; a
    database that is locked all the same raises `sqlite3.OperationalError` at once). Other
    databases are asked from a worker thread.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        shown = (select(Publication.id).where(Publication.status == PUBLISHED)
                 .order_by(Publication.version.desc()).limit(1).scalar_subquery())
        phones = select(func.max(TownshipPhone.changed_at)).scalar_subquery()
        self._query = select(shown, phones)
        database = engine.url.database
        self._sqlite_file = (database if engine.dialect.name == "sqlite" and database
                             and database != ":memory:" else None)
        self._connection: sqlite3.Connection | None = None
        compiled = self._query.compile(dialect=engine.dialect)
        self._sql = str(compiled)
        self._parameters = tuple(compiled.params[name] for name in compiled.positiontup or ())

    async def read(self) -> int | None:
        """The id of the publication shown."""
        return (await self.read_state())[0]

    async def read_state(self) -> tuple[int | None, Any]:
        """The id of the publication shown, and the time a township's phone last changed."""
        if self._sqlite_file is None:
            return await anyio.to_thread.run_sync(self._read_through_engine)
        if self._connection is None:
            self._connection = sqlite3.connect(
                f"{Path(self._sqlite_file).resolve().as_uri()}?mode=ro", uri=True, timeout=0,
                isolation_level=None, check_same_thread=False)
        shown, phones = self._connection.execute(self._sql, self._parameters).fetchone()
        return (None if shown is None else int(shown)), phones

    def _read_through_engine(self) -> tuple[int | None, Any]:
        with self._engine.connect() as connection:
            shown, phones = connection.execute(self._query).one()
            return shown, phones


class PortalCache:
    """ASGI middleware serving `@cached` portal pages from a PageStore.

    Whether a route is marked shows only once the router chose it (Starlette notes the
    endpoint in the request's scope), so a page not yet kept is first rendered as usual.
    """

    def __init__(self, app: ASGIApp, *, engine: Engine, max_bytes: int) -> None:
        self.app = app
        self.store = PageStore(max_bytes)
        self.shown = ShownPublication(engine)
        self._state: tuple[int | None, Any] = (None, None)
        self._generation = 0  # counts the times the store was emptied

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (not self.store.max_bytes or scope["type"] != "http" or scope["method"] != "GET"
                or scope["path"].startswith(UNCACHED_PREFIXES)):
            await self.app(scope, receive, send)
            return
        try:
            state = await self.shown.read_state()
        except sqlite3.OperationalError:  # locked or unreadable: the route answers, uncached
            await self.app(scope, receive, send)
            return
        if state != self._state:
            self._state, self._generation = state, self._generation + 1
            self.store.clear()
        key = (state[0], scope["path"], scope["query_string"])
        page = self.store.get(key)
        if page is None:
            page = await self._render(scope, receive, send, key, self._generation)
            if page is None:
                return  # not to be kept: sent as it came
        await _send_page(page, accepts_gzip(scope), send)

    async def _render(self, scope: Scope, receive: Receive, send: Send, key: tuple[Any, ...],
                      generation: int) -> Page | None:
        """Run the route; keep and return its page, or send on a response not to be kept."""
        held: list[Message] = []
        streaming = False

        async def hold(message: Message) -> None:
            nonlocal streaming
            if not streaming and message.get("more_body", False):  # nothing to keep
                streaming = True
                for earlier in held:
                    await send(earlier)
                held.clear()
            if streaming:
                await send(message)
            else:
                held.append(message)

        await self.app(scope, receive, hold)
        page = None if streaming else _page(held)
        if page is None or getattr(scope.get("endpoint"), MARK, False) is not True:
            for message in held:
                await send(message)
            return None
        if generation == self._generation:  # not emptied meanwhile for another publication
            self.store.put(key, page)
        return page


def _page(messages: list[Message]) -> Page | None:
    """The response as a Page if it may be kept: a whole 200, no cookie, not private."""
    # The test client's extra messages (the template used) are not part of the response.
    response = [m for m in messages if m["type"] in ("http.response.start", "http.response.body")]
    if len(response) != 2 or response[1].get("more_body", False):
        return None
    start, body = response[0], response[1].get("body", b"")
    headers = Headers(raw=start["headers"])
    if start["status"] != 200 or not compressible(headers, body):
        return None
    kept = [(name, value) for name, value in start["headers"]
            if name.decode("latin-1").lower() in KEPT_HEADERS]
    return Page(200, kept, gzipped(body))


async def _send_page(page: Page, packed: bool, send: Send) -> None:
    body = page.compressed if packed else gzip.decompress(page.compressed)
    headers = MutableHeaders(raw=list(page.headers))
    headers["content-length"] = str(len(body))
    headers["vary"] = "Accept-Encoding"
    if packed:
        headers["content-encoding"] = "gzip"
    await send({"type": "http.response.start", "status": page.status, "headers": headers.raw})
    await send({"type": "http.response.body", "body": body})
