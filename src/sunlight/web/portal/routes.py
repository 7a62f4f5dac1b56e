"""The public portal at `/`: townships, villages, rosters, programs, approval chains, 查我家,
and a QR code per village for its noticeboard. No login; reads the current publication only.
"""

from __future__ import annotations

import io
import logging
from typing import Annotated, Any
from urllib.parse import quote

import segno
from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, BeforeValidator

from sunlight.appdb.publication_tables import Publication, PubVillage
from sunlight.audit.key import key_of
from sunlight.publish.lookups import lookups_of
from sunlight.publish.privacy import ACCOUNT_TAIL, normal_account_tail
from sunlight.web import csrf
from sunlight.web.deps import DbSession, settings_of
from sunlight.web.errors import UserError
from sunlight.web.pages import templates_of
from sunlight.web.params import FilterText, FormText
from sunlight.web.portal import guard, reads
from sunlight.web.portal.cache import cached
from sunlight.web.portal.notice import Notice, notice_of
from sunlight.web.public_url import portal_address

router = APIRouter()
log = logging.getLogger(__name__)

LOOKUPS_PER_HOUR = 10
"""查我家 tries per browser an hour (an address gets guard.BROWSERS_PER_ADDRESS times that)."""
PROOF_ASKED = ("近期用这个姓名和身份证号查询多次未成功。为防止他人冒查，请再填写本户领取补贴的"
               "一卡通（社保卡）账号的最后 6 位。")
PROOF_FORMAT = "请填写一卡通（社保卡）账号的最后 6 位数字。"
PERSON_PAUSED = ("近期用这个姓名和身份证号查询多次未成功。为防止他人冒查，对此人的查询已暂停。"
                 "如需了解本户补贴，请向村委会咨询，或等下一次公示后再查。")
LOOKUP_PAUSED = "查我家暂时不能使用，请等下一次公示后再查。如需了解本户补贴，请向村委会咨询。"
NAME_MAX = 30


def render(request: Request, template: str, context: dict[str, Any], *,
           status_code: int = 200) -> HTMLResponse:
    return templates_of(request).TemplateResponse(request, template, context,
                                                  status_code=status_code)


def error_page(request: Request, error: UserError) -> HTMLResponse:
    """The portal's page of a request it cannot do."""
    return render(request, "portal/error.html", {
        "title": error.title, "message": error.message, "publication": None},
        status_code=error.status)


def public_page(path: str) -> bool:
    """A path of the portal (whose errors are pages in Chinese, not JSON)."""
    return not path.startswith(("/staff", "/static", "/healthz"))


def shown_publication(session: DbSession) -> Publication:
    """The publication the portal shows, or 404 when nothing is published."""
    publication = reads.current(session)
    if publication is None:
        raise HTTPException(404)
    return publication


def shown_village(session: DbSession, publication: Publication, code: str) -> PubVillage:
    """A village of that publication, or 404."""
    place = reads.village(session, publication, code)
    if place is None:
        raise HTTPException(404)
    return place


def notice(request: Request, session: DbSession, publication: Publication,
           place: PubVillage) -> Notice:
    """The 公示期, 异议期 and phones shown with a village's rosters."""
    return notice_of(publication, settings_of(request),
                     reads.township_phone(session, place.township))


def link_number(text: str) -> int:
    """A number from a link; anything else (a hand-edited address) is 0, which finds nothing."""
    return int(text) if text.isascii() and text.isdigit() and len(text) < 9 else 0


LinkNumber = Annotated[int, BeforeValidator(lambda value: link_number(str(value)))]
"""A number in a link's query (a page, a publication's version), as `link_number` reads it."""


class RosterQuery(BaseModel):
    """A roster's search by name and its page."""

    q: FilterText = ""
    page: LinkNumber = 1


class CheckForm(BaseModel):
    """查我家: the ID number and name, and the account's last digits when they are asked."""

    id_number: FormText = ""
    name: FormText = ""
    account_tail: FormText = ""
    csrf_token: FormText = ""


@router.get("/")
@cached
def home(request: Request, session: DbSession) -> Response:
    publication = reads.current(session)
    if publication is None:
        return render(request, "portal/empty.html", {"publication": None})
    return render(request, "portal/home.html", {
        "publication": publication, "townships": reads.townships(session, publication),
        "programs": reads.programs(session, publication)})


@router.get("/township/{name}")
@cached
def township(request: Request, session: DbSession, name: str) -> Response:
    publication = shown_publication(session)
    found = [t for t in reads.townships(session, publication) if t.name == name]
    if not found:
        raise HTTPException(404)
    return render(request, "portal/township.html",
                  {"publication": publication, "township": found[0]})


@router.get("/township/{name}/program/{program}")
@cached
def company_roster(request: Request, session: DbSession, name: str, program: str,
                   query: Annotated[RosterQuery, Query()]) -> Response:
    """A company program's roster in a township: each company's months, workers, amounts."""
    publication = shown_publication(session)
    found = [t for t in reads.townships(session, publication) if t.name == name]
    about = reads.program(session, publication, program)
    if not found or about is None or about.subject != "company":
        raise HTTPException(404)
    summary = next((c for c in found[0].company_programs if c.program.code == program), None)
    searched = query.q[:NAME_MAX]
    return render(request, "portal/company_roster.html", {
        "publication": publication, "township": found[0], "program": about,
        "summary": summary, "q": searched,
        "notice": notice_of(publication, settings_of(request),
                            reads.township_phone(session, name)),
        "roster": reads.company_roster(session, publication, name, program, searched,
                                       query.page)})


@router.get("/village/{code}")
@cached
def village(request: Request, session: DbSession, code: str) -> Response:
    publication = shown_publication(session)
    place = shown_village(session, publication, code)
    return render(request, "portal/village.html", {
        "publication": publication, "village": place,
        "notice": notice(request, session, publication, place),
        "programs": reads.village_programs(session, publication, place)})


@router.get("/village/{code}/program/{program}")
@cached
def roster(request: Request, session: DbSession, code: str, program: str,
           query: Annotated[RosterQuery, Query()]) -> Response:
    publication = shown_publication(session)
    place = shown_village(session, publication, code)
    about = reads.program(session, publication, program)
    if about is None:
        raise HTTPException(404)
    if about.subject == "company":  # companies are listed per township, never per village
        return RedirectResponse(f"/township/{quote(place.township)}/program/{about.code}",
                                status_code=303)
    name = query.q[:NAME_MAX]
    return render(request, "portal/roster.html", {
        "publication": publication, "village": place, "program": about, "q": name,
        "notice": notice(request, session, publication, place),
        "roster": reads.roster(session, publication, place, about, name, query.page)})


def moved(request: Request, publication: Publication, place: PubVillage,
          version: int) -> Response | None:
    """The page saying a person's or household's link was made for a version no longer shown
    (their numbers are that version's); None while it is still the one shown."""
    if version == publication.version:
        return None
    return render(request, "portal/moved.html",
                  {"publication": publication, "village": place}, status_code=404)


@router.get("/village/{code}/person/{no}")
@cached
def person(request: Request, session: DbSession, code: str, no: str,
           v: Annotated[LinkNumber, Query()] = 0) -> Response:
    publication = shown_publication(session)
    place = shown_village(session, publication, code)
    if (page := moved(request, publication, place, v)) is not None:
        return page
    found = reads.beneficiary(session, publication, place, link_number(no))
    if found is None:
        raise HTTPException(404)
    return render(request, "portal/person.html",
                  {"publication": publication, "village": place, "beneficiary": found})


@router.get("/village/{code}/household/{no}")
@cached
def household(request: Request, session: DbSession, code: str, no: str,
              v: Annotated[LinkNumber, Query()] = 0) -> Response:
    """A household's line of a roster listed by household: each member paid, with benefits."""
    publication = shown_publication(session)
    place = shown_village(session, publication, code)
    if (page := moved(request, publication, place, v)) is not None:
        return page
    household_no = link_number(no)
    members = reads.household(session, publication, place, household_no)
    if not members:
        raise HTTPException(404)
    return render(request, "portal/household.html", {
        "publication": publication, "village": place, "members": members,
        "head": reads.household_head(session, publication, place, household_no),
        "household_no": household_no})


@router.get("/program/{code}")
@cached
def program_page(request: Request, session: DbSession, code: str) -> Response:
    publication = shown_publication(session)
    about = reads.program(session, publication, code)
    if about is None:
        raise HTTPException(404)
    paid_in = [(t, summary) for t in reads.townships(session, publication)
               for summary in t.company_programs if summary.program.code == code]
    return render(request, "portal/program.html", {"publication": publication,
                                                   "program": about, "paid_in": paid_in})


@router.get("/village/{code}/qr.{kind}")
def village_qr(request: Request, session: DbSession, code: str, kind: str) -> Response:
    if kind not in ("png", "svg"):
        raise HTTPException(404)
    place = shown_village(session, shown_publication(session), code)
    base = portal_address(request).base
    if base is None:  # the village page says why there is none
        raise HTTPException(404)
    qr = segno.make(f"{base}/village/{place.code}", error="m")
    buffer = io.BytesIO()
    if kind == "png":
        qr.save(buffer, kind="png", scale=10, border=4)
        media = "image/png"
    else:
        qr.save(buffer, kind="svg", scale=10, border=4, xmldecl=False,
                title=f"{place.township}{place.village} 阳光公示")
        media = "image/svg+xml"
    filename = f"qr-{place.code}.{kind}"
    return Response(buffer.getvalue(), media_type=media,
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})


@router.get("/check")
def check_form(request: Request, session: DbSession) -> Response:
    return _check_page(request, {"publication": reads.current(session)})


@router.post("/check")
def check(request: Request, session: DbSession,
          form: Annotated[CheckForm, Form()]) -> Response:
    id_number, name, account_tail = form.id_number, form.name, form.account_tail
    publication = reads.current(session)
    context: dict[str, Any] = {"publication": publication, "name": name[:NAME_MAX]}
    settings = settings_of(request)
    if not csrf.checked(request, csrf.Purpose.PORTAL, form.csrf_token):
        return _check_page(request, {**context, "error": "页面已过期，请重新填写后提交。"}, 403)
    id_text, name_text = id_number.strip(), name.strip()
    if not id_text or not name_text:
        return _check_page(request, {**context, "error": "请同时填写身份证号和姓名。"}, 400)
    if len(id_text) > 40 or len(name_text) > NAME_MAX:
        return _check_page(request, {**context, "error": "身份证号或姓名过长，请检查。"}, 400)
    if not guard.within_limits(request, session, "portal_lookups", LOOKUPS_PER_HOUR):
        return _check_page(request, {**context, "error": guard.too_often("查询")}, 429)
    if publication is None:
        return _check_page(request, {**context, "error": "目前没有公示内容。"}, 404)
    lookups = lookups_of(publication, key_of(session))
    if lookups.secret is None:  # keyed by another secret: nothing could be found
        log.warning("查我家 is paused: publication v%s was keyed by another secret; publish "
                    "again", publication.version)
        return _check_page(request, {**context, "notice": LOOKUP_PAUSED})
    person = guard.person_looked_up(settings.secret_key, id_text, name_text)
    attempt = guard.check_try(request, session, person)
    tail = ""
    if not attempt.alone:
        # Someone may be guessing this person's ID: ID and name alone no longer answer.
        if not lookups.proofs:  # and this publication holds no account digits to ask for
            attempt.settle(session, failed=False)
            log.warning("查我家 of a person is paused: publication v%s holds no account "
                        "proofs; publish again", publication.version)
            return _check_page(request, {**context, "notice": PERSON_PAUSED})
        context["proof"] = True
        tail = normal_account_tail(account_tail)
        if not tail:
            attempt.settle(session, failed=False)  # nothing was looked up
            if not account_tail.strip():
                return _check_page(request, {**context, "notice": PROOF_ASKED})
            return _check_page(request, {**context, "error": PROOF_FORMAT}, 400)
    households = reads.find_household(session, publication, lookups.secret, id_text,
                                      name_text, tail)
    attempt.settle(session, failed=not households)
    return _check_page(request, {**context, "households": households, "asked": True})


def _check_page(request: Request, context: dict[str, Any], status: int = 200) -> Response:
    return form_page(request, "portal/check.html", {
        **context, "tail_digits": ACCOUNT_TAIL,
        "failures_per_person": settings_of(request).check_failures_per_person,
        "lookups_per_hour": LOOKUPS_PER_HOUR}, status)


def form_page(request: Request, template: str, context: dict[str, Any],
              status: int = 200) -> Response:
    """A page with a portal form: its CSRF token, the nonce cookie, kept by no cache."""
    response = render(request, template,
                      {"csrf_token": csrf.form_token(request, csrf.Purpose.PORTAL), **context},
                      status_code=status)
    csrf.keep(request, response)
    response.headers["Cache-Control"] = "no-store"
    return response
