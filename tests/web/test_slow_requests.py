"""A client that sends its request slowly holds up no one, and is cut off with 408.

The attack of issue #11: an anonymous POST /report whose body trickled in at a byte a second
made every staff login fail for as long as it lasted (the POST held SQLite's write lock while
it waited for its body). Here the app is served by uvicorn and the body sent on a raw socket.
"""

from __future__ import annotations

import re
import select as io_select
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlencode

import httpx
import pytest
from sqlalchemy import func, select

from sunlight.appdb.case_tables import Case
from sunlight.appdb.report_tables import Report
from sunlight.appdb.upload_tables import Upload
from sunlight.web.middleware import body_limit
from tests.serving import serving
from tests.web.conftest import PASSWORD, StaffApp, form_token
from tests.web.report_support import hidden_fields
from tests.web.test_uploads import DEATHS

LOGIN_TIMEOUT = 25
"""Seconds a login may take: generous, yet below SQLite's 30 s wait for the write lock."""
BOUNDARY = "sunlight-test-boundary"


class Trickle:
    """A POST on a raw socket whose body goes out `chunk` bytes every `pause` seconds.

    It sends `Expect: 100-continue` and waits for the interim answer, which uvicorn gives
    when the app first asks for the body: from then on the app is waiting on this client.
    """

    def __init__(self, base_url: str, path: str, body: bytes, headers: dict[str, str], *,
                 chunk: int = 1, pause: float = 1.0) -> None:
        url = httpx.URL(base_url)
        assert url.port is not None
        self.socket = socket.create_connection((url.host, url.port), timeout=60)
        head = [f"POST {path} HTTP/1.1", f"Host: {url.host}:{url.port}",
                f"Content-Length: {len(body)}", "Expect: 100-continue",
                *(f"{name}: {value}" for name, value in headers.items())]
        self.socket.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        interim = self._read_until(b"\r\n\r\n")
        assert interim.startswith(b"HTTP/1.1 100"), interim
        self.stop = threading.Event()
        self.sender = threading.Thread(target=self._send, args=(body, chunk, pause), daemon=True)
        self.sender.start()

    def _send(self, body: bytes, chunk: int, pause: float) -> None:
        for start in range(0, len(body), chunk):
            if start and self.stop.wait(pause):
                return
            if io_select.select([self.socket], [], [], 0)[0]:
                # The server has answered (and will close): a byte sent now would reach a
                # closed socket, whose reset can destroy the answer before it is read.
                return
            try:
                self.socket.sendall(body[start:start + chunk])
            except OSError:
                return  # the server has closed the connection

    def _read_until(self, end: bytes) -> bytes:
        received = b""
        while end not in received:
            data = self.socket.recv(4096)
            if not data:
                break
            received += data
        return received

    def answered(self) -> bool:
        """Whether the server has sent anything (or closed the connection) since the 100."""
        self.socket.setblocking(False)
        try:
            return self.socket.recv(1, socket.MSG_PEEK) is not None
        except BlockingIOError:
            return False
        finally:
            self.socket.setblocking(True)

    def answer(self, *, whole: bool = True) -> str:
        """The server's answer: read until it closes the connection, or only its head."""
        self.socket.settimeout(60)
        return self._read_until(b"\x00" if whole else b"\r\n\r\n").decode("utf-8", "replace")

    def close(self) -> None:
        self.stop.set()
        self.sender.join(timeout=10)
        self.socket.close()


@contextmanager
def trickling(base_url: str, path: str, body: bytes, headers: dict[str, str],
              **pace: float) -> Iterator[Trickle]:
    trickle = Trickle(base_url, path, body, headers, **pace)  # type: ignore[arg-type]
    try:
        yield trickle
    finally:
        trickle.close()


def report_request(base_url: str) -> tuple[bytes, dict[str, str]]:
    """A complete, valid anonymous report (as the form sends it), and its headers."""
    with httpx.Client(base_url=base_url) as browser:
        page = browser.get("/report")
        fields = {**hidden_fields(page.text), "category": "冒领",
                  "description": "此人已外出务工多年，仍在领取低保。", "anonymous": "1"}
        cookie = "; ".join(f"{name}={value}" for name, value in browser.cookies.items())
    return urlencode(fields).encode(), {
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}


def upload_request(base_url: str, padding: int = 0) -> tuple[bytes, dict[str, str]]:
    """A complete, valid upload of a deaths file by the logged-in officer, and its headers."""
    with httpx.Client(base_url=base_url) as browser:
        token = form_token(browser.get("/staff/login").text)
        assert browser.post("/staff/login", data={
            "username": "officer", "password": PASSWORD, "csrf_token": token}).status_code == 303
        csrf = form_token(browser.get("/staff/account").text)
        cookie = "; ".join(f"{name}={value}" for name, value in browser.cookies.items())
    content = DEATHS + b"\n" * padding
    parts = [f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
             f"{value}\r\n".encode() for name, value in (("csrf_token", csrf),
                                                         ("dataset", "deaths"))]
    parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
                 f'filename="deaths.csv"\r\nContent-Type: text/csv\r\n\r\n'.encode()
                 + content + f"\r\n--{BOUNDARY}--\r\n".encode())
    return b"".join(parts), {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
                             "Cookie": cookie}


ATTACKS = {"report": ("/report", report_request), "upload": ("/staff/uploads", upload_request)}


def log_in_over_http(base_url: str) -> httpx.Response:
    with httpx.Client(base_url=base_url, timeout=LOGIN_TIMEOUT) as browser:
        token = form_token(browser.get("/staff/login").text)
        return browser.post("/staff/login", data={
            "username": "analyst", "password": PASSWORD, "csrf_token": token})


def stored(staff_app: StaffApp) -> dict[str, int]:
    with staff_app.session() as session:
        return {table.__name__: session.scalar(select(func.count()).select_from(table)) or 0
                for table in (Report, Case, Upload)}


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_a_login_succeeds_while_a_post_trickles_in(staff_app_both: StaffApp, attack: str):
    """On SQLite and on PostgreSQL; the slow POST is still open when the login is done."""
    staff_app_both.settings.body_grace_seconds = 600  # the trickle outlasts the login
    path, build = ATTACKS[attack]
    with serving(staff_app_both.app) as base_url:
        body, headers = build(base_url)
        with trickling(base_url, path, body, headers) as trickle:
            login = log_in_over_http(base_url)
            assert login.status_code == 303, login.text
            assert login.headers["location"] == "/staff"
            assert not trickle.answered()  # still sending, still waited on


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_a_body_too_slow_is_refused_with_408_and_nothing_is_stored(staff_app: StaffApp,
                                                                   attack: str):
    # Half-way between two of the trickle's bytes (one a second): the 408 is not sent just as
    # a byte arrives, whose reset (the socket closed) could destroy the answer unread.
    staff_app.settings.body_grace_seconds = 1.5
    path, build = ATTACKS[attack]
    with serving(staff_app.app) as base_url:
        body, headers = build(base_url)
        with trickling(base_url, path, body, headers) as trickle:
            answer = trickle.answer()
    assert re.match(r"HTTP/1\.1 408 ", answer), answer
    assert "传送过慢" in answer and "没有保存任何内容" in answer
    assert "connection: close" in answer.lower()
    assert stored(staff_app) == {"Report": 0, "Case": 0, "Upload": 0}


def test_a_large_body_on_a_slow_line_gets_the_time_its_size_needs(staff_app: StaffApp):
    """Longer than the grace period in all, but at the minimum rate: accepted."""
    staff_app.settings.body_grace_seconds = 2
    staff_app.settings.body_min_rate_kb = 1
    with serving(staff_app.app) as base_url:
        body, headers = upload_request(base_url, padding=3000)
        assert len(body) > 3 * 1024  # four pieces, three pauses: past the grace period
        with trickling(base_url, "/staff/uploads", body, headers, chunk=1024,
                       pause=1.0) as trickle:
            answer = trickle.answer(whole=False)
    assert re.match(r"HTTP/1\.1 303 ", answer), answer
    staff_app.app.state.ingest_worker.wait(timeout=120)
    assert stored(staff_app)["Upload"] == 1


@pytest.mark.parametrize(("path", "pieces"), [
    ("/track", 8), ("/check", 8), ("/staff/login", 8),  # 512 KB to a form of text
    ("/report", 260),  # 16.25 MB: more than three full photos
])
def test_a_body_over_its_forms_limit_without_a_length_is_refused_while_read(
        staff_app: StaffApp, path: str, pieces: int):
    # Chunked: no Content-Length to refuse it by; the bytes are counted as they come.
    client = staff_app.client()
    form = form_token(client.get("/report").text)
    chunks = iter([f"csrf_token={form}&description=".encode()] + [b"x" * (1 << 16)] * pieces)
    response = client.post(path, content=chunks,
                           headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413
    assert "超过上限" in response.text and "没有保存" in response.text
    assert stored(staff_app) == {"Report": 0, "Case": 0, "Upload": 0}


def test_an_upload_may_send_what_its_file_limit_allows(staff_app: StaffApp):
    assert body_limit("/staff/uploads", staff_app.settings) > 500 << 20
    assert body_limit("/report", staff_app.settings) > 15 << 20
    assert body_limit("/staff/cases/AJ-1/attachments", staff_app.settings) > 20 << 20
    assert body_limit("/staff/cases/AJ-1/comments", staff_app.settings) == 256 << 10
