"""gzip for the responses where it is safe and worth it.

Compressed: HTML, JSON, CSS, JavaScript, SVG and plain text of 1 KB or more, when the
browser accepts gzip. Never compressed:
- what is compressed already (images, spreadsheets, anything with a Content-Encoding);
- anything under /staff, and any response that sets a cookie or is marked no-store or
  private. These carry a CSRF token (the workbench's session token, the portal forms'
  signed token) next to input the request echoes (a search, a form's fields). Compressing
  the two together lets someone who can watch the encrypted sizes and make the browser send
  chosen input guess the token byte by byte (BREACH). The workbench is used on the county's
  own network, where its pages' size matters little.
"""

from __future__ import annotations

import gzip

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COMPRESSIBLE = frozenset({"text/html", "text/css", "text/plain", "text/csv", "text/javascript",
                          "application/javascript", "application/json", "image/svg+xml"})
MINIMUM_BYTES = 1024
LEVEL = 6  # most of level 9's saving for a third of its time


def gzipped(body: bytes) -> bytes:
    """The body gzip-compressed, reproducibly (no time stamp in the header)."""
    return gzip.compress(body, compresslevel=LEVEL, mtime=0)


def accepts_gzip(scope: Scope) -> bool:
    """Whether the request's Accept-Encoding allows gzip (and does not refuse it by q=0)."""
    for part in Headers(scope=scope).get("accept-encoding", "").split(","):
        coding, _, quality = part.strip().partition(";")
        if coding.strip().lower() in ("gzip", "*"):
            return quality.replace(" ", "").lower() not in ("q=0", "q=0.0", "q=0.00",
                                                            "q=0.000")
    return False


def compressible(headers: Headers, body: bytes) -> bool:
    """A complete response that may and should be compressed (see the module's docstring)."""
    media = headers.get("content-type", "").partition(";")[0].strip().lower()
    caching = headers.get("cache-control", "").lower()
    return (media in COMPRESSIBLE and len(body) >= MINIMUM_BYTES
            and "content-encoding" not in headers and "set-cookie" not in headers
            and "no-store" not in caching and "private" not in caching)


class Compression:
    """ASGI middleware: gzip each whole response that `compressible` allows."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or scope["path"].startswith("/staff")
                or not accepts_gzip(scope)):
            await self.app(scope, receive, send)
            return
        start: Message | None = None

        async def send_compressed(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message  # held until the body shows whether to compress
                return
            if start is not None:
                held, start = start, None
                body = message.get("body", b"")
                headers = MutableHeaders(raw=held["headers"])
                if message["type"] == "http.response.body" and not message.get(
                        "more_body", False) and compressible(headers, body):
                    message = {**message, "body": gzipped(body)}
                    headers["content-encoding"] = "gzip"
                    headers["content-length"] = str(len(message["body"]))
                    headers.add_vary_header("Accept-Encoding")
                await send({**held, "headers": headers.raw})
            await send(message)

        await self.app(scope, receive, send_compressed)
