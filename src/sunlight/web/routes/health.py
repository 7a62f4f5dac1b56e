"""GET /healthz: the app is up and its database answers."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from sunlight.web.deps import DbSession

router = APIRouter()


@router.get("/healthz")
def healthz(session: DbSession) -> dict[str, str]:
    session.execute(text("SELECT 1"))
    return {"status": "ok"}
