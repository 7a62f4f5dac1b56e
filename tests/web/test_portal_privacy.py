"""Privacy of the portal: a crawl of every page (and 查我家 for everyone) of a published county
finds no full ID number, no bank account and no registry 户号 embedding an ID; the portal
reads only publication tables, and its code has no path to the warehouse."""

from __future__ import annotations

import ast
import re
from collections import deque
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

import sunlight
from tests.publish_county import PAID, PEOPLE, secrets_of_county
from tests.web.conftest import form_token
from tests.web.portal_support import Portal, county_rows, portal

__all__ = ["county_rows", "portal"]

PAGE_LIMIT = 100_000
"""Bytes of HTML a page may weigh before images."""
SECRET_LIKE = re.compile(r"[0-9][0-9Xx]{11,}")


def leaks(text: str, secrets: set[str]) -> list[str]:
    """The secrets found in `text`: every long run of digits is checked for each of them."""
    lengths = {len(s) for s in secrets}
    found = []
    for run in SECRET_LIKE.findall(text):
        for length in lengths:
            found += [run[i:i + length] for i in range(len(run) - length + 1)
                      if run[i:i + length] in secrets or run[i:i + length].upper() in secrets]
    return found


def crawl(client: TestClient, start: str = "/") -> Iterator[tuple[str, str, bytes]]:
    """Every page of the portal reachable from `start`: (path, content type, body)."""
    seen, queue = {start}, deque([start])
    while queue:
        path = queue.popleft()
        response = client.get(path)
        assert response.status_code == 200, f"{path}: {response.status_code}"
        kind = response.headers["content-type"]
        yield path, kind, response.content
        if not kind.startswith("text/html"):
            continue
        for link in re.findall(r'(?:href|src)="([^"#]*)"', response.text):
            link = link.replace("&amp;", "&")
            if link.startswith("?"):
                link = path.split("?")[0] + link
            if link.startswith("/") and not link.startswith(("/static", "/staff")) \
                    and link not in seen:
                seen.add(link)
                queue.append(link)


def labelled(html: str) -> list[str]:
    """The ids of visible form fields without a <label for=...>."""
    fields = re.findall(r'<(?:input|select|textarea)\b(?![^>]*type="hidden")[^>]*\bid="([^"]+)"',
                        html)
    bare = re.findall(r'<(?:input|select|textarea)\b(?![^>]*type="hidden")(?![^>]*\bid=)[^>]*>',
                      html)
    return [f for f in fields if f'<label for="{f}"' not in html] + bare


def assert_public(client: TestClient, secrets: set[str]) -> int:
    pages = 0
    for path, kind, body in crawl(client):
        pages += 1
        text = body.decode("utf-8", errors="replace")
        assert not leaks(text, secrets), f"{path} shows {leaks(text, secrets)}"
        if kind.startswith("text/html"):
            assert len(body) < PAGE_LIMIT, f"{path} weighs {len(body):,} bytes"
            assert '<html lang="zh-CN">' in text, path
            assert not labelled(text), f"{path}: fields without a label: {labelled(text)}"
    return pages


def test_no_page_shows_a_full_id_account_or_household_number(portal: Portal) -> None:
    secrets = set(secrets_of_county())
    pages = assert_public(portal.client(), secrets)
    assert pages > 15  # home, townships, villages, rosters, people, programs, QR codes, 查我家

    client = portal.client()
    portal.staff_app.settings.portal_burst_per_minute = 1000  # one try per person, in a row
    for person in PEOPLE:  # 查我家 answers show the household, never the ID that was typed
        token = form_token(client.get("/check").text)
        answer = client.post("/check", data={"id_number": person.id, "name": person.name,
                                             "csrf_token": token})
        assert answer.status_code == 200
        assert not leaks(answer.text, secrets), f"查我家 of {person.name} shows an ID"


TABLE_NAMED = r'\b(?:FROM|JOIN|INTO|UPDATE)\s+(?!SET\b)("?\w+"?)'
"""A table a statement names (an upsert's DO UPDATE SET names none)."""
LIMITS = "rate_counts"
"""The one table besides the publication's that the portal writes: its rate limits' counts,
by keyed hashes (no address, name or ID)."""
PHONES = "township_phones"
"""The one it reads besides: the townships' phones, shown beside the rosters."""


def test_the_portal_reads_only_publication_tables(portal: Portal) -> None:
    statements: list[str] = []

    def record(_conn, _cursor, statement: str, *_args: object) -> None:
        statements.append(statement)

    engine = portal.staff_app.app.state.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        client = portal.client()
        assert_public(client, set())
        client.post("/check", data={"id_number": PEOPLE[0].id, "name": PEOPLE[0].name,
                                    "csrf_token": form_token(client.get("/check").text)})
    finally:
        event.remove(engine, "before_cursor_execute", record)
    tables = {name.strip('"') for statement in statements
              for name in re.findall(TABLE_NAMED, statement)}
    assert tables and all(t in ("publications", LIMITS, PHONES) or t.startswith("pub_")
                          for t in tables), tables
    writes = [s for s in statements if re.match(r"\s*(INSERT|UPDATE|DELETE)", s)]
    assert writes and all(LIMITS in s for s in writes)


FORBIDDEN = ("sunlight.warehouse", "sunlight.ingest", "sunlight.models", "sunlight.detect",
             "sunlight.publish.extract", "sunlight.publish.store", "sunlight.publish.run",
             "sunlight.appdb.tables.Warning")


def _imports(module: str, root: Path) -> set[str]:
    """The sunlight modules (and names) `module` imports directly."""
    path = root / Path(*module.split(".")[1:])
    file = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    found = set()
    for node in ast.walk(ast.parse(file.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sunlight"):
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("sunlight"))
    return found


REPORTS = "sunlight.web.portal.reports"
"""随手拍 files a report as a case: the one portal module that writes, and reaches the case
workflow (whose Case model names the warnings table a warning's case points to; a report's
case never does, and the statements test below holds filing and tracking to that)."""


def _reached(modules: list[str], root: Path) -> set[str]:
    reached, queue = set(), deque(modules)
    while queue:
        module = queue.popleft()
        if module in reached:
            continue
        reached.add(module)
        path = root / Path(*module.split(".")[1:])
        if path.is_dir() or path.with_suffix(".py").exists():
            queue.extend(_imports(module, root))
    return reached


def _direct_tables(modules: list[str], root: Path) -> set[str]:
    return {m for p in modules for m in _imports(p, root)
            if m.startswith("sunlight.appdb.") and m.endswith("_tables")}


def test_the_portal_code_has_no_path_to_the_warehouse() -> None:
    root = Path(sunlight.__file__).parent
    portal_modules = [f"sunlight.web.portal.{p.stem}" for p in (root / "web" / "portal")
                      .glob("*.py") if p.stem != "__init__"]
    assert "sunlight.web.portal.routes" in portal_modules and REPORTS in portal_modules
    readers = [m for m in portal_modules if m != REPORTS]
    bad = sorted(m for m in _reached(readers, root) if m.startswith(FORBIDDEN))
    assert not bad, f"the portal reaches {bad}"
    assert _direct_tables(readers, root) == {"sunlight.appdb.publication_tables"}

    writing = tuple(f for f in FORBIDDEN if f != "sunlight.appdb.tables.Warning")
    bad = sorted(m for m in _reached([REPORTS], root) if m.startswith(writing))
    assert not bad, f"随手拍 reaches {bad}"
    assert _direct_tables([REPORTS], root) <= {"sunlight.appdb.publication_tables",
                                               "sunlight.appdb.report_tables"}


REPORT_TABLES = {"publications", "reports", "report_photos", "report_replies", "cases",
                 "case_events", "audit_log", "audit_head"}
"""What filing and tracking a report may touch: never warnings, staff accounts, comments or
person timelines."""


def test_reporting_and_tracking_touch_no_internal_table_and_show_no_id(
        portal: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.web.report_support import file_report, track, tracking_code

    statements: list[str] = []

    def record(_conn, _cursor, statement: str, *_args: object) -> None:
        statements.append(statement)

    secrets = set(secrets_of_county())
    engine = portal.staff_app.app.state.engine
    monkeypatch.setattr(portal.staff_app.settings, "portal_burst_per_minute", 1000)
    client = portal.client()
    forms = [link.replace("&amp;", "&") for path, kind, body in crawl(client)
             if kind.startswith("text/html")
             for link in re.findall(r'href="(/village/\w+/person/\d+/report\?v=\d+)"',
                                    body.decode())]
    assert len(set(forms)) == len(PAID)  # a form about every beneficiary
    event.listen(engine, "before_cursor_execute", record)
    try:
        for form in sorted(set(forms)):
            filed = file_report(browser := portal.client(), form)
            assert filed.status_code == 200
            tracked = track(browser, tracking_code(filed.text))
            assert tracked.status_code == 200
            for text in (filed.text, tracked.text):
                assert not leaks(text, secrets), f"{form} shows {leaks(text, secrets)}"
    finally:
        event.remove(engine, "before_cursor_execute", record)
    tables = {name.strip('"') for statement in statements
              for name in re.findall(TABLE_NAMED, statement)}
    extra = {t for t in tables
             if not t.startswith("pub_") and t not in REPORT_TABLES and t != LIMITS}
    assert not extra, f"filing or tracking a report touched {extra}"


@pytest.mark.slow
def test_the_sample_county_published_and_crawled(sample_county: Path, portal: Portal,
                                                 tmp_path: Path) -> None:
    from tests.web.portal_sample import published_sample

    client, secrets = published_sample(portal, sample_county, tmp_path)
    assert len(secrets) > 3000
    assert assert_public(client, secrets) > 100


def test_the_leak_detector_finds_ids_inside_longer_runs() -> None:
    secrets = {"61032719500305123X", "6217000019500305123"}
    assert leaks("户号 H61032719500305123x01", secrets) == ["61032719500305123x"]
    assert leaks("卡号 6217000019500305123", secrets) == ["6217000019500305123"]
    assert leaks("610327********123X 与 6217000019500305124", secrets) == []
