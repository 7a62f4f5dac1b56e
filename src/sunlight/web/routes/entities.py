"""Entity pages: a person, account, household, company, village or township, as the entity
index (built at detection time) holds it, with its ties, warnings, cases and reports."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from sunlight.appdb.entity_tables import Entity
from sunlight.audit.chain import append
from sunlight.contract.roles import ANALYST, VERIFIER
from sunlight.contract.vocabulary import LINK_KIND_ZH, SEVERITY_ZH, SUBJECT_KIND_ZH
from sunlight.entities.refs import index_state
from sunlight.web import entity_data as data
from sunlight.web import headcount, reference
from sunlight.web.board import period_label
from sunlight.web.deps import DbSession, Staff, client_address, require, settings_of
from sunlight.web.pages import render

router = APIRouter(prefix="/staff/entities")
EntityReader = Annotated[Staff, Depends(require(ANALYST, VERIFIER))]


def _entity(session: Session, staff: Staff, kind: str, ref: str) -> Entity | None:
    """The entity if this reader may open it; None when the index is not built yet; 404 if
    it is unknown or outside the reader's township (they learn nothing of which)."""
    entity = data.find(session, kind, ref)
    if entity is None and index_state(session).built_at is None:
        return None
    if entity is None or not data.may_open(staff.user, entity):
        raise HTTPException(status_code=404)
    return entity


@router.get("/{kind}/{ref}")
def entity_page(request: Request, kind: str, ref: str, staff: EntityReader,
                session: DbSession) -> Response:
    entity = _entity(session, staff, kind, ref)
    if entity is None:
        return render(request, "staff/entities/unbuilt.html", status_code=404)
    return render(request, f"staff/entities/{entity.kind}.html",
                  page_context(request, session, staff, entity))


@router.post("/{kind}/{ref}/reveal")
def reveal(request: Request, kind: str, ref: str, staff: EntityReader,
           session: DbSession) -> Response:
    """The entity's full ID number or account, shown to this person once and audited."""
    entity = _entity(session, staff, kind, ref)
    if entity is None or entity.kind not in data.MASKED_KINDS:
        raise HTTPException(status_code=404)
    append(session, actor=staff.user.username, action="view.entity",
           target=f"{entity.kind}:{entity.ref}",
           details={"kind": entity.kind, "ref": entity.ref, "via": "entity_page"},
           address=client_address(request))
    session.commit()
    return render(request, f"staff/entities/{entity.kind}.html",
                  {**page_context(request, session, staff, entity), "revealed": True})


def page_context(request: Request, session: Session, staff: Staff,
                 entity: Entity) -> dict[str, Any]:
    village = entity.kind == "village"
    warnings = data.warnings_on(session, staff.user, entity, open_only=village)
    context: dict[str, Any] = {
        "entity": entity, "doc": entity.doc or {}, "ties": data.ties(session, entity),
        "warnings": warnings, "revealed": False, "masked": entity.kind in data.MASKED_KINDS,
        "program_names": reference.program_names(settings_of(request).catalog),
        "kind_zh": SUBJECT_KIND_ZH, "link_zh": LINK_KIND_ZH, "severity_zh": SEVERITY_ZH,
        "period_label": period_label, "grid": data.grid, "rate": data.rate,
        "links_url": f"/staff/entities/{entity.kind}/{entity.ref}/links",
    }
    if entity.kind == "person":
        context["household"] = data.by_key(session, "household", entity.household)
        context["registry"] = data.registry_states(entity.doc or {})
        context["cases"] = data.person_cases(session, staff.user, entity, warnings)
        context["payments"] = data.payment_runs(session, entity)
    elif entity.kind == "household":
        context["programs"] = data.household_programs(session, entity)
    elif entity.kind == "company":
        context["headcount"] = headcount.months(entity.doc or {})
        context["chart"] = headcount.chart(context["headcount"])
    elif entity.kind == "account":
        context["payees"], context["months"] = data.account_view(session, entity)
    elif village:
        context["peers"] = data.peers(session, entity.township)
        context["reports"] = data.village_reports(session, staff.user, entity)
    elif entity.kind == "township":
        context["peers"] = data.peers(session, entity.key)
    return context
