"""/staff/search: one box for a name, an ID number, an account, a 户号, a company's name or
统一社会信用代码, listing the entities that match, each linking to its page.

A GET, so that the box works from every page and a result can be reopened; what is typed
(maybe a whole ID number) stays in this request: the server keeps no access log
(cli.serve), the login redirect drops it (web.app), the results page sends no Referer, and
no audit entry records it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from sunlight.appdb.entity_tables import Entity, EntityIndexState
from sunlight.contract.roles import ANALYST, VERIFIER
from sunlight.contract.vocabulary import SUBJECT_KIND_ZH
from sunlight.entities.search import LIMIT, QUERY_MAX, normal_query, scope_of, search
from sunlight.masking import masked_number
from sunlight.web.deps import DbSession, Staff, require
from sunlight.web.pages import render
from sunlight.web.params import FORM_TEXT_MAX

PATH = "/staff/search"
router = APIRouter(prefix=PATH)
Searcher = Annotated[Staff, Depends(require(ANALYST, VERIFIER))]
PRIVATE_KEYS = frozenset({"person", "household", "account"})
"""Kinds whose key is private (ID number, 户号, account): shown masked, as everywhere."""
TOO_LONG = (f"搜索内容过长：最多 {QUERY_MAX} 个字。请输入姓名、身份证号、银行账号、户号、"
            "企业名称或统一社会信用代码（可只输入其中一部分）。")


@router.get("")
def search_page(request: Request, staff: Searcher, session: DbSession,
                q: Annotated[str, Query(max_length=FORM_TEXT_MAX)] = "") -> Response:
    typed = q.strip()
    error = TOO_LONG if len(typed) > QUERY_MAX else ""
    searched = bool(normal_query(typed)) and not error
    results = search(session, typed, scope_of(staff.user)) if searched else None
    response = render(request, "staff/search.html", {
        "q": typed[:QUERY_MAX], "error": error, "results": results, "limit": LIMIT,
        "query_max": QUERY_MAX, "kind_label": SUBJECT_KIND_ZH, "shown_key": shown_key,
        "verifier": staff.role == VERIFIER,
        "built": _index_built(session) if results is not None and not results.hits else True,
    }, status_code=400 if error else 200)
    # Links from here must not carry what was typed to the next page, even our own.
    response.headers["referrer-policy"] = "no-referrer"
    return response


def _index_built(session: Session) -> bool:
    """Whether a detection run has built the entity index yet (before, nothing is found)."""
    state = session.get(EntityIndexState, 1)
    return state is not None and state.built_at is not None


def shown_key(entity: Entity) -> str:
    """The key as the list shows it: IDs, 户号 and accounts masked; a company's credit code
    (public registration) whole; nothing where the key is the name (a village, a company
    without a code)."""
    if entity.kind in PRIVATE_KEYS:
        return masked_number(entity.key)
    if entity.kind == "company" and entity.key != entity.name:
        return entity.key
    return ""
