"""No page shows a code: every GET route that renders HTML, visited as every role and as an
anonymous villager over a workbench holding something in every state, shows none of the codes
the contract defines (models, datasets, programs, states, audit actions, roles, sanctions...)
in the text a person reads."""

from __future__ import annotations

import inspect
import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from sunlight.appdb.tables import Warning
from sunlight.contract.cases import STATUS_ZH
from sunlight.contract.catalog import load_catalog
from sunlight.contract.datasets import DATASETS
from sunlight.contract.roles import ROLES
from sunlight.contract.vocabulary import codes
from sunlight.models.registry import load_library
from tests.web.every_state import Workbench, seeded
from tests.web.page_text import codes_in, visible_text

IDENTITIES: tuple[str | None, ...] = (None, *ROLES)
"""An anonymous villager, then a member of staff of each role."""
VALUES_PER_PARAMETER = 3
"""Values tried per path parameter: routes with several take every combination."""
_PARAMETER = re.compile(r"{(\w+)(?::\w+)?}")


def contract_codes() -> frozenset[str]:
    """Every code defined in contract/ and beside each model."""
    library = load_library()
    found = set(codes()) | set(DATASETS) | set(library)
    found |= {program.code for program in load_catalog().programs}
    found |= {fact for model in library.values() for fact in model.spec.facts}
    return frozenset(found)


def get_routes(app: Any) -> Iterator[tuple[str, Any]]:
    """The path and endpoint of every GET route, routers included however deep (a new route
    is covered without being listed here)."""
    yield from _walk(app.routes, "")


def _walk(routes: list[Any], prefix: str) -> Iterator[str]:
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            context = route.include_context
            yield from _walk(included.routes, prefix + context.prefix)
        elif hasattr(route, "methods"):
            if "GET" in (route.methods or ()):
                yield prefix + route.path, route.endpoint
        elif hasattr(route, "routes"):
            yield from _walk(route.routes, prefix + getattr(route, "path", ""))


def addresses(path: str, endpoint: Any, ids: dict[str, list[str]]) -> list[str] | None:
    """The route's path with its parameters filled from the seeded ids, and the query
    parameters the seed has values for (the portal's `v`, the version its links name); None
    when a path parameter has no values (the seed must then learn to make one)."""
    query = "&".join(f"{name}={ids[name][0]}" for name in inspect.signature(endpoint).parameters
                     if ids.get(name) and f"{{{name}" not in path)
    segments = path.split("/")
    choices = []
    for index, segment in enumerate(segments):
        for name in _PARAMETER.findall(segment):
            # What the parameter belongs to: `qr.{kind}` → qr, `/village/{code}` → village.
            literal = segment.split("{")[0].strip(".")
            before = segments[index - 1] if index and "{" not in segments[index - 1] else ""
            owner = literal or before
            values = ids.get(f"{owner}_{name}") or ids.get(name)
            if not values:
                return None
            choices.append([(name, value) for value in values[:VALUES_PER_PARAMETER]])
    filled = []
    for combination in itertools.product(*choices):
        address = path
        for name, value in combination:
            address = _PARAMETER.sub(lambda m, n=name, v=value: v if m.group(1) == n
                                     else m.group(0), address)
        filled.append(f"{address}?{query}" if query else address)
    return filled


@pytest.fixture(scope="module")
def workbench(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workbench]:
    bench = seeded(Path(tmp_path_factory.mktemp("every_state")) / "home")
    yield bench
    bench.app.state.engine.dispose()  # type: ignore[attr-defined]


def test_the_seed_holds_every_state(workbench: Workbench) -> None:
    with workbench.app.state.sessions() as session:  # type: ignore[attr-defined]
        states = set(session.scalars(select(Warning.status)))
    assert states == set(STATUS_ZH)


def test_no_page_shows_a_code(workbench: Workbench) -> None:
    known = contract_codes()
    clients = {who: workbench.client(who) for who in IDENTITIES}
    unfilled, unreached, shown = [], [], []
    # The audit log last, so that it holds what visiting the other pages wrote.
    for path, endpoint in sorted(get_routes(workbench.app),
                                 key=lambda route: ("/admin/audit" in route[0], route[0])):
        filled = addresses(path, endpoint, workbench.ids)
        if filled is None:
            unfilled.append(path)
            continue
        reached = False
        for address in filled:
            for who, client in clients.items():
                response = client.get(address)
                reached = reached or response.status_code == 200
                if "text/html" not in response.headers.get("content-type", ""):
                    continue
                found = codes_in(visible_text(response.text), known)
                if found:
                    shown.append(f"{address} as {who or 'anonymous'}: {sorted(found)}")
        if not reached:
            unreached.append(path)
    assert not (unfilled or unreached or shown), (
        f"routes the seed has no values for: {unfilled}\n"
        f"routes no identity could open at any address: {unreached}\n"
        "codes shown on pages:\n" + "\n".join(shown))


def test_the_scan_finds_a_code_shown_as_text_only() -> None:
    known = contract_codes()
    page = ('<p title="case.assign">分派核查（<span>case.assign</span>）</p>'
            '<a href="/staff/warnings?model=DECEASED_PAID">死亡后仍领取</a>'
            '<script>var s = "open";</script><p>状态：open，RELATIVE_OF_CADRE</p>')
    assert codes_in(visible_text(page), known) == {"case.assign", "open", "RELATIVE_OF_CADRE"}
