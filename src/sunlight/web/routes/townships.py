"""/staff/admin/townships: the phone of each township, shown on its villages' portal pages.

Admin only; each change is audited. A township without a phone shows the 12388 hotline alone.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from sunlight.contract.roles import ADMIN
from sunlight.publish.township_phones import BadPhone, normal_phone, set_phones, township_phones
from sunlight.web.deps import DbSession, Staff, client_address, require
from sunlight.web.pages import render
from sunlight.web.params import FormText

router = APIRouter(prefix="/staff/admin/townships")
Admin = Annotated[Staff, Depends(require(ADMIN))]
TOWNSHIPS_MAX = 1_000
"""Far beyond a county's townships: a longer form is no admin typing."""


class Phones(BaseModel):
    """Each township's name beside the phone typed for it, in the page's order."""

    township: list[FormText] = Field(default=[], max_length=TOWNSHIPS_MAX)
    phone: list[FormText] = Field(default=[], max_length=TOWNSHIPS_MAX)


@router.get("")
def phones_page(request: Request, staff: Admin, session: DbSession,
                done: str = "") -> Response:
    return _page(request, session, done="电话已保存，公示页面即时更新。" if done else "")


@router.post("")
def save_phones(request: Request, staff: Admin, session: DbSession,
                form: Annotated[Phones, Form()]) -> Response:
    """Save the phones of the townships listed (a township not listed is ignored)."""
    listed = township_phones(session)
    typed = dict(zip(form.township, form.phone, strict=False))
    wanted = {}
    try:
        for name in listed:
            wanted[name] = normal_phone(typed.get(name, listed[name]))
    except BadPhone as exc:
        return _page(request, session, error=str(exc), typed=typed, status_code=400)
    set_phones(session, wanted, actor=staff.user.username, address=client_address(request))
    session.commit()
    return RedirectResponse("/staff/admin/townships?done=1", status_code=303)


def _page(request: Request, session: Session, *, error: str = "", done: str = "",
          typed: dict[str, str] | None = None, status_code: int = 200) -> Response:
    phones = township_phones(session)
    return render(request, "staff/admin/townships.html", {
        "phones": {t: (typed or {}).get(t, p) for t, p in phones.items()},
        "error": error, "done": done}, status_code=status_code)
