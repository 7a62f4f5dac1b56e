"""/staff/search: one box for a name, an ID number, an account, a 户号, a company's name or
统一社会信用代码, listing the entities that match, each linking to its page.

A GET, so that the box works from every page and a result can be reopened; what is typed
(maybe a whole ID number) stays in this request: the server keeps no access log
(cli.serve), the login redirect drops it (web.app), and the results page sends no Referer.
A search by a whole ID number or account, or by part of one that found an ID or account by
a character a page hides, is audited with the query masked, and limited per user
(web.search_guard): a result confirms a guessed number.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from sunlight.appdb.entity_tables import Entity, EntityIndexState
from sunlight.contract.roles import ANALYST, VERIFIER
from sunlight.contract.vocabulary import SUBJECT_KIND_ZH
from sunlight.entities.search import LIMIT, QUERY_MAX, Results, normal_query, scope_of, search
from sunlight.masking import masked_number
from sunlight.web import search_guard
from sunlight.web.deps import DbSession, Staff, client_address, require, settings_of
from sunlight.web.pages import render

PATH = "/staff/search"
router = APIRouter(prefix=PATH)
Searcher = Annotated[Staff, Depends(require(ANALYST, VERIFIER))]
MASKED_KEYS = frozenset({"person", "account"})
"""Kinds whose key is an ID number or an account: shown masked, as everywhere. A 户号 is
shown whole, as on every page (masked, every household would look alike)."""
TOO_LONG = (f"搜索内容过长：最多 {QUERY_MAX} 个字。请输入姓名、身份证号、银行账号、户号、"
            "企业名称或统一社会信用代码（可只输入其中一部分）。")


def too_many(most: int) -> str:
    """The refusal of a whole-number search over the limit."""
    return (f"按身份证号或银行账号搜索过于频繁：每 10 分钟最多 {most} 次，"
            "请稍后再试。如需核对多个号码，可按姓名或号码末尾 4 位搜索。")


@router.get("")
def search_page(request: Request, staff: Searcher, session: DbSession,
                q: str = "") -> Response:
    # Any length is answered with the page's own message, not the generic 参数有误 page;
    # a query too long is neither searched nor shown back.
    typed = q.strip()
    if len(typed) > QUERY_MAX:
        return _page(request, staff, session, "", error=TOO_LONG, status=400)
    query = normal_query(typed)
    if not query:
        return _page(request, staff, session, typed)
    upper, settings = query.upper(), settings_of(request)

    def refused() -> Response:
        return _page(request, staff, session, typed,
                     error=too_many(settings.id_searches_per_10_minutes), status=429)

    whole = search_guard.whole_number(upper)
    if whole and not search_guard.within_limit(session, settings, staff.user):
        return refused()
    results = search(session, typed, scope_of(staff.user))
    pins = not whole and any(hit.entity.kind in MASKED_KEYS
                             and search_guard.pins_hidden(upper, hit.entity.key)
                             for hit in results.hits)
    if pins and not search_guard.within_limit(session, settings, staff.user):
        return refused()  # what it found is not shown
    if whole or pins:
        search_guard.record(session, staff.user, upper, len(results.hits),
                            client_address(request))
    return _page(request, staff, session, typed, results=results)


def _page(request: Request, staff: Staff, session: Session, typed: str, *,
          results: Results | None = None, error: str = "", status: int = 200) -> Response:
    response = render(request, "staff/search.html", {
        "q": typed, "error": error, "results": results, "limit": LIMIT,
        "query_max": QUERY_MAX, "kind_label": SUBJECT_KIND_ZH, "shown_key": shown_key,
        "verifier": staff.role == VERIFIER,
        "built": _index_built(session) if results is not None and not results.hits else True,
    }, status_code=status)
    # Links from here must not carry what was typed to the next page, even our own.
    response.headers["referrer-policy"] = "no-referrer"
    return response


def _index_built(session: Session) -> bool:
    """Whether a detection run has built the entity index yet (before, nothing is found)."""
    state = session.get(EntityIndexState, 1)
    return state is not None and state.built_at is not None


def shown_key(entity: Entity) -> str:
    """The key as the list shows it: IDs and accounts masked; a 户号 and a company's credit
    code (public registration) whole; nothing where the key is the name (a village, a
    company without a code)."""
    if entity.kind in MASKED_KEYS:
        return masked_number(entity.key)
    if entity.kind == "household" or (entity.kind == "company" and entity.key != entity.name):
        return entity.key
    return ""
