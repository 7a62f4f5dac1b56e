"""Every masked ID and account number a staff page shows is a link to its entity page: each
staff GET route, visited as each role over the workbench that holds something in every state.

The audit log is left out: it keeps what was done with IDs masked (never the full number),
so there is nothing to link them by, and only the administrator reads it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from sunlight.contract.roles import ROLES
from tests.web.every_state import Workbench, seeded
from tests.web.test_no_codes_on_pages import addresses, get_routes

MASKED = re.compile(r"\d{6}\*{4,}[0-9Xx]{4}")
"""A number as staff pages mask it: the first 6 and last 4 characters."""
_ENTITY_LINK = re.compile(r'<a\b[^>]*\bhref="/staff/entities/(?:person|account|household|'
                          r'village|company|township)/[a-z2-7]{16}"[^>]*>.*?</a>', re.S)
# Form controls cannot hold a link: a choice of 处分对象 names the person by masked ID.
# An entity page's own number (`#entity-key`) is the page itself: there is nothing to link.
# A person registered in a township the reader may not open is named, not linked (the page
# would refuse them; tests/web/test_entity_scope.py checks that no link shown fails to open).
_CONTROLS = re.compile(r"<select\b.*?</select>|<textarea\b.*?</textarea>|<input\b[^>]*>"
                       r"|<script\b.*?</script>|<span id=\"entity-key\">.*?</span>"
                       r"|<span class=\"elsewhere\">[^<]*</span> <span class=\"hint\">（外乡镇）",
                       re.S)
SKIPPED = ("/staff/admin/audit", "/notice", ".xlsx")


def unlinked_numbers(html: str) -> list[str]:
    """The masked numbers of a page that are not inside a link to an entity page."""
    rest = _ENTITY_LINK.sub(" ", _CONTROLS.sub(" ", html))
    return MASKED.findall(rest)


def linked_numbers(html: str) -> int:
    return sum(len(MASKED.findall(link)) for link in _ENTITY_LINK.findall(html))


@pytest.fixture(scope="module")
def workbench(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workbench]:
    bench = seeded(Path(tmp_path_factory.mktemp("every_state")) / "home")
    yield bench
    bench.app.state.engine.dispose()  # type: ignore[attr-defined]


def test_every_masked_number_on_a_staff_page_links_to_its_entity(workbench: Workbench):
    clients = {role: workbench.client(role) for role in ROLES}
    unlinked, linked, pages = [], 0, 0
    for path, endpoint in sorted(get_routes(workbench.app)):
        if not path.startswith("/staff") or any(part in path for part in SKIPPED):
            continue
        for address in addresses(path, endpoint, workbench.ids) or []:
            for role, client in clients.items():
                response = client.get(address)
                if (response.status_code != 200
                        or "text/html" not in response.headers.get("content-type", "")):
                    continue
                pages += 1
                linked += linked_numbers(response.text)
                found = unlinked_numbers(response.text)
                if found:
                    unlinked.append(f"{address} as {role}: {sorted(set(found))}")
    assert not unlinked, "masked numbers without a link:\n" + "\n".join(unlinked)
    # The seed shows numbers on the board, the warning pages, the case list and the
    # self-corrections: a scan that saw none would prove nothing.
    assert pages > 10 and linked > 10


def test_the_scan_finds_a_number_outside_a_link() -> None:
    page = ('<a href="/staff/entities/person/abcdefghijklmnop">王芳（610327********0172）</a>'
            '<select><option>610327********0172</option></select>'
            '<p>账户 622848*********0017</p>'
            '<a href="/staff/warnings/W-1">610327********0172</a>')
    assert unlinked_numbers(page) == ["622848*********0017", "610327********0172"]
    assert linked_numbers(page) == 1
