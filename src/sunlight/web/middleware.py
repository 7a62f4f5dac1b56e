"""What wraps every request: a deadline and a size limit for reading its body, the
security headers of every response, and a warning when a proxy's header is ignored. Plain
ASGI, since uvicorn has no body timeout."""

from __future__ import annotations

import logging
import time
from html import escape

import anyio
from fastapi import FastAPI
from starlette.requests import ClientDisconnect
from starlette.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sunlight.cases.attachments import MAX_BYTES as ATTACHMENT_MAX
from sunlight.reports.photos import MAX_BYTES as PHOTO_MAX
from sunlight.reports.photos import MAX_PHOTOS
from sunlight.settings import Settings
from sunlight.web.problems import MEDIA_TYPE, problem_bytes

API_PREFIX = "/api/"
SCREEN_PATH = "/api/v1/screen"
"""The screening API's operations (a batch, an application): bodies up to its own limit."""
FORM_ALLOWANCE = 1 << 20
"""Bytes a form may add around the largest file it carries (boundaries, other fields)."""
FORM_MAX = 256 << 10
"""The largest body of a form that carries no file: a comment, a reason, a login."""
SECURITY_HEADERS = (
    # Only our own scripts, styles and images; no framing; forms post only to us.
    (b"content-security-policy", b"default-src 'self'; object-src 'none'; base-uri 'none'; "
                                 b"form-action 'self'; frame-ancestors 'none'"),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    # Staff addresses carry warning IDs and searched names: never sent to another site.
    (b"referrer-policy", b"same-origin"),
)
LOG = logging.getLogger("sunlight.web")
TOO_SLOW = "提交的内容传送过慢，连接已中断，没有保存任何内容。请在网络较好时重试。"
SERVER_ERROR = "服务器内部错误，本次操作未能完成。请稍后重试；如果再次出现，请告知系统管理员。"
NOT_STORED = (b"cache-control", b"no-store")
"""Staff pages carry names, IDs and case files: a shared office computer keeps none of them
in its cache or history after the person has logged out."""


def install(app: FastAPI, settings: Settings) -> None:
    """Wrap the app; the headers outermost, so that the body's refusals carry them too."""
    app.add_middleware(BodyDeadline, settings=settings)
    app.add_middleware(SecurityHeaders)
    if not settings.trusted_proxies.strip():
        app.add_middleware(UntrustedForwarding)


class UntrustedForwarding:
    """Warns once in the server log when X-Forwarded-For arrives and no proxy is trusted:
    every client then has the proxy's address, and the limits per address are shared."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.warned = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (not self.warned and scope["type"] == "http"
                and any(name.lower() == b"x-forwarded-for" for name, _ in scope["headers"])):
            self.warned = True
            LOG.warning("a request came with X-Forwarded-For, but SUNLIGHT_TRUSTED_PROXIES is "
                        "empty: the header is ignored and every client behind that proxy has "
                        "its address; name the proxy in SUNLIGHT_TRUSTED_PROXIES")
        await self.app(scope, receive, send)


class SecurityHeaders:
    """Adds SECURITY_HEADERS to every HTTP response that does not set them itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [item for item in SECURITY_HEADERS if item[0] not in present]
                if (str(scope.get("path", "")).startswith("/staff")
                        and NOT_STORED[0] not in present):
                    headers.append(NOT_STORED)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyDeadline:
    """Answers 408 to a request whose body comes too slowly, 413 to one too large.

    Once the app asks for the body, it must arrive at an average of `body_min_rate_kb` KiB/s
    after a grace of `body_grace_seconds`: a client trickling its body is cut off when the
    grace is over, an officer's large file on a slow line gets the time its size needs. The
    largest body is an upload and its form (`upload_max_mb` + 1 MB). When refused, the app
    sees the client gone and what it would answer is dropped: it has written nothing, since
    no write transaction begins before the body is read (see deps.db).
    """

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await _BodyReading(self.settings, scope, receive, send).run(self.app)


class _BodyReading:
    """One request's body as it arrives, and its refusal."""

    def __init__(self, settings: Settings, scope: Scope, receive: Receive, send: Send) -> None:
        self.grace = settings.body_grace_seconds
        self.rate = settings.body_min_rate_kb * 1024
        self.max_bytes = body_limit(str(scope.get("path", "")), settings)
        self.declared = _content_length(scope)
        self.scope, self.outer_receive, self.outer_send = scope, receive, send
        self.started: float | None = None
        self.received = 0
        self.complete = False
        self.refused = False
        self.answering = False

    async def run(self, app: ASGIApp) -> None:
        try:
            await app(self.scope, self.receive, self.send)
        except ClientDisconnect:
            if not self.refused:
                raise

    async def receive(self) -> Message:
        if self.refused:
            return {"type": "http.disconnect"}
        if self.complete:  # the app now only listens for the client leaving
            return await self.outer_receive()
        if self.declared is not None and self.declared > self.max_bytes:
            return await self.refuse(413)
        if self.started is None:
            self.started = time.monotonic()
        message: Message | None = None
        with anyio.move_on_after(self.started + self.grace + self.received / self.rate
                                 - time.monotonic()):
            message = await self.outer_receive()
        if message is None:
            return await self.refuse(408)
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.received > self.max_bytes:
                return await self.refuse(413)
            self.complete = not message.get("more_body", False)
        return message

    async def send(self, message: Message) -> None:
        if self.refused:
            return  # the client has had its 408 or 413
        if message["type"] == "http.response.start":
            self.answering = True
        await self.outer_send(message)

    async def refuse(self, status: int) -> Message:
        self.refused = True
        if not self.answering:
            message = (TOO_SLOW if status == 408
                       else f"提交的内容超过上限（{_size(self.max_bytes)}），没有保存。")
            path = str(self.scope.get("path", ""))
            if path.startswith(API_PREFIX):  # a program reads it: problem details
                body = problem_bytes("too-slow" if status == 408 else "too-large", message)
                kind = MEDIA_TYPE.encode()
            else:
                body = _page(message, "/staff" if path.startswith("/staff") else "/").encode()
                kind = b"text/html; charset=utf-8"
            await self.outer_send({"type": "http.response.start", "status": status, "headers": [
                (b"content-type", kind),
                (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
            await self.outer_send({"type": "http.response.body", "body": body})
        return {"type": "http.disconnect"}


def body_limit(path: str, settings: Settings) -> int:
    """The most a request to `path` may send: a file's limit and its form where a form takes
    a file, else a form of text. Counted as the body streams, whatever it declares (a
    chunked body declares nothing), so that no stranger can make the server spool hundreds
    of megabytes to a form that takes none."""
    if path in ("/staff/uploads", "/staff/screening"):
        return (settings.upload_max_mb << 20) + FORM_ALLOWANCE
    if path.startswith("/staff/cases/") and path.endswith("/attachments"):
        return ATTACHMENT_MAX + FORM_ALLOWANCE
    if path == "/report":
        return MAX_PHOTOS * PHOTO_MAX + FORM_ALLOWANCE
    if path.startswith(SCREEN_PATH):
        return settings.api_screen_max_mb << 20
    return FORM_MAX


def _size(limit: int) -> str:
    return f"{limit >> 20} MB" if limit >= 1 << 20 else f"{limit >> 10} KB"


def server_error(path: str) -> Response:
    """The page of a request that failed inside the app. Starlette answers it outside every
    middleware, so it carries the security headers itself."""
    home = "/staff" if path.startswith("/staff") else "/"
    headers = {name.decode(): value.decode() for name, value in (*SECURITY_HEADERS, NOT_STORED)}
    return HTMLResponse(_page(SERVER_ERROR, home), status_code=500, headers=headers)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _page(message: str, home: str) -> str:
    return ('<!doctype html><html lang="zh-CN"><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>未能完成 · Sunlight</title><p>{escape(message)}</p>'
            f'<p><a href="{home}">返回首页</a></p></html>')
