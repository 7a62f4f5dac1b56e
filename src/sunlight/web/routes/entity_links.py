"""/staff/entities/{kind}/{ref}/links: an entity's link view (关系图谱), drawn and tabled.

For analysts, and for verifiers within their township: an entity of another township is
404 to them, as if it did not exist, and its neighbours from other townships are left out.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from sunlight.appdb.entity_tables import Entity
from sunlight.contract.roles import ANALYST, VERIFIER
from sunlight.contract.vocabulary import LINK_KIND_ZH, SUBJECT_KIND_ZH
from sunlight.entities.graph import LINK_KINDS, NODE_LIMIT, neighbourhood
from sunlight.entities.graph_warnings import attach_warnings
from sunlight.web import entity_data
from sunlight.web.board import visible
from sunlight.web.deps import DbSession, Staff, require
from sunlight.web.entity_href import entity_url
from sunlight.web.entity_scope import account_labels
from sunlight.web.link_view import drawing, key_text, label
from sunlight.web.pages import render

router = APIRouter(prefix="/staff/entities")
Reader = Annotated[Staff, Depends(require(ANALYST, VERIFIER))]
HOPS = {1: "一层", 2: "两层"}


def visible_entity(session: Session, staff: Staff, kind: str, ref: str) -> Entity:
    """The entity, if this member of staff may open its page (the entity pages' rule); else
    404, whether it exists or not."""
    entity = entity_data.find(session, kind, ref)
    if entity is None or not entity_data.may_open(staff.user, entity):
        raise HTTPException(status_code=404)
    return entity


@router.get("/{kind}/{ref}/links")
def link_view(request: Request, kind: str, ref: str, staff: Reader, session: DbSession,
              link: Annotated[list[str] | None, Query()] = None, hops: str = "2") -> Response:
    """The neighbourhood of ties of the kinds ticked (all when none is), one or two hops."""
    entity = visible_entity(session, staff, kind, ref)
    asked = set((link or [])[:len(LINK_KINDS)])
    chosen = [tie for tie in LINK_KINDS if tie in asked]
    depth = 1 if hops == "1" else 2
    township = None if staff.role == ANALYST else staff.user.township
    graph = neighbourhood(session, entity, hops=depth, kinds=chosen or LINK_KINDS,
                          township=township)
    attach_warnings(session, graph, visible(staff.user), sees_all=staff.role == ANALYST)
    # A verifier reads an account by the payees they may open (entity_scope.account_label).
    names = account_labels(session, staff.user, [n.entity for n in graph.nodes.values()])
    drawn = drawing(graph, lambda k, key: entity_url(request, k, key), names)
    return render(request, "staff/entities/links.html", {
        "entity": entity, "name": names.get(entity.id) or label(entity),
        "key_text": key_text(entity),
        "kind_label": SUBJECT_KIND_ZH.get(entity.kind, ""),
        "page_url": entity_url(request, entity.kind, entity.key),
        "graph": graph, "drawing": drawn, "limit": NODE_LIMIT,
        "link_kinds": {kind: LINK_KIND_ZH[kind] for kind in LINK_KINDS},
        "tie_kinds": LINK_KIND_ZH, "chosen": chosen, "hops": HOPS, "depth": depth,
    })
