"""随手拍 on the portal: the report form (general, per village, about a beneficiary), filing
it, and /track where the reporter follows it with their tracking code.

The form pages read only the publication (what the reporter saw); filing writes the report
and its case; /track reads the report and its case's status changes, nothing internal. Both
POSTs carry the portal's signed double-submit CSRF token and are rate-limited (guard.py).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel
from starlette.datastructures import FormData, UploadFile

from sunlight.appdb.database import reading
from sunlight.appdb.publication_tables import Publication
from sunlight.appdb.report_tables import CATEGORIES
from sunlight.clock import local_today
from sunlight.reports.codes import groups, normalised, shown
from sunlight.reports.codes import problem as code_problem
from sunlight.reports.filing import (
    DESCRIPTION_MAX,
    Draft,
    Place,
    ReportRefused,
    Subject,
    check,
    file_report,
)
from sunlight.reports.photos import (
    MAX_BYTES,
    MAX_PHOTOS,
    CleanPhoto,
    PhotoRefused,
    PhotoTooLarge,
    cleaned,
    read_limited,
)
from sunlight.reports.reply_due import reply_due, spoken_date
from sunlight.reports.tracking import track
from sunlight.web import csrf
from sunlight.web.deps import DbSession, settings_of
from sunlight.web.errors import TooLarge
from sunlight.web.params import FormLongText, FormText, text_fields
from sunlight.web.portal import guard, reads
from sunlight.web.portal.routes import (
    LinkNumber,
    form_page,
    link_number,
    moved,
    render,
    shown_publication,
    shown_village,
)

router = APIRouter()

REPORTS_PER_HOUR = 5
TRACKS_PER_HOUR = 30
FORM_OVERHEAD = 256 * 1024
"""Bytes a report form may add around its photos (the text fields, the multipart framing)."""
REQUEST_MAX = MAX_PHOTOS * MAX_BYTES + FORM_OVERHEAD
NO_VILLAGE = "公示已更新，找不到该村。请从首页重新进入。"
NO_PROGRAM = "请从列表中选择补贴项目，或选择“不确定”。"
UNKNOWN_CODE = "没有找到这个查询码的举报，请核对后重新输入。"


class ReportTooLarge(TooLarge):
    """A report request bigger than three full-size photos: refused before it is read."""

    def __init__(self) -> None:
        super().__init__(f"提交的内容过大：最多 {MAX_PHOTOS} 张照片，每张不超过 "
                         f"{MAX_BYTES // (1024 * 1024)} MB。举报未保存，请返回后重新选择照片。")


def within_limit(request: Request) -> None:
    try:
        length = int(request.headers.get("content-length", "0"))
    except ValueError:
        length = 0
    if length > REQUEST_MAX:
        raise ReportTooLarge


class ReportFields(BaseModel):
    """A report form's text fields (its photos are read beside them)."""

    village: FormText = ""
    person: FormText = ""
    v: FormText = ""
    category: FormText = ""
    program: FormText = ""
    description: FormLongText = ""
    anonymous: FormText = ""
    contact_name: FormText = ""
    contact_phone: FormText = ""
    csrf_token: FormText = ""


class TrackForm(BaseModel):
    code: FormText = ""
    csrf_token: FormText = ""


async def report_form(request: Request) -> FormData:
    # Starlette spools each file part past 1 MB to a temporary file; see params.text_fields.
    return await request.form(max_files=MAX_PHOTOS + 2, max_fields=30)


def report_fields(form: Annotated[FormData, Depends(report_form)]) -> ReportFields:
    """The form's text fields, validated as a form model would be."""
    return text_fields(ReportFields, form)


@router.get("/report")
def general_form(request: Request, session: DbSession,
                 program: Annotated[FormText, Query()] = "") -> Response:
    """The general form; `program` (from a company roster) chooses the program it is about."""
    publication = reads.current(session)
    return _form_page(request, session, {
        "publication": publication, "draft": {"program": program},
        "townships": _townships(session, publication)})


@router.get("/village/{code}/report")
def village_form(request: Request, session: DbSession, code: str) -> Response:
    publication = shown_publication(session)
    return _form_page(request, session, {"publication": publication,
                                "village": shown_village(session, publication, code)})


@router.get("/village/{code}/person/{no}/report")
def person_form(request: Request, session: DbSession, code: str, no: str,
                v: Annotated[LinkNumber, Query()] = 0) -> Response:
    publication = shown_publication(session)
    place = shown_village(session, publication, code)
    if (page := moved(request, publication, place, v)) is not None:
        return page
    subject = reads.person(session, publication, place, link_number(no))
    if subject is None:
        raise HTTPException(404)
    return _form_page(request, session, {"publication": publication, "village": place,
                                "subject": subject})


@router.post("/report")
def file(request: Request, session: DbSession, _size: Annotated[None, Depends(within_limit)],
         form: Annotated[FormData, Depends(report_form)],
         fields: Annotated[ReportFields, Depends(report_fields)]) -> Response:
    text = fields.model_dump(exclude={"csrf_token"})
    draft = Draft(category=text["category"], description=text["description"],
                  anonymous=text["anonymous"] != "0", contact_name=text["contact_name"],
                  contact_phone=text["contact_phone"], program=text["program"])
    genuine = csrf.checked(request, csrf.Purpose.PORTAL, fields.csrf_token)
    publication = reads.current(session)
    context: dict[str, Any] = {"publication": publication, "draft": text}
    place = (reads.village(session, publication, text["village"])
             if text["village"] and publication is not None else None)
    if text["village"] and place is None:
        return _form_page(request, session, {**context, "error": NO_VILLAGE,
                                    "townships": _townships(session, publication)}, 404)
    subject = None
    if text["person"] and place is not None and publication is not None:
        subject = reads.person(session, publication, place, link_number(text["person"]))
        if subject is None or link_number(text["v"]) != publication.version:
            return _form_page(request, session, {**context, "village": place, "error":
                                        "公示已更新，请从名单重新进入后再举报。您填写的内容已保留。"},
                              404)
    context.update(village=place, subject=subject)
    if place is None:
        context["townships"] = _townships(session, publication)
    if not genuine:
        return _form_page(request, session, {**context, "error": "页面已过期，请重新提交。"},
                          403)
    try:
        check(draft)  # a mistyped report is not counted against the limits
    except ReportRefused as error:
        return _form_page(request, session, {**context, "error": str(error)}, 400)
    if draft.program and (publication is None
                          or reads.program(session, publication, draft.program) is None):
        return _form_page(request, session, {**context, "error": NO_PROGRAM}, 400)
    # The limits before the photos are decoded (a refused flood costs no decoding); they
    # commit, and the photos are cleaned outside any transaction: the report's own, begun
    # by file_report, holds SQLite's write lock from its first statement to its commit.
    if not guard.within_limits(request, session, "portal_reports", REPORTS_PER_HOUR):
        return _form_page(request, session, {**context, "error": guard.too_often("提交")}, 429)
    photos, problem = _cleaned(form)
    if problem is not None:
        return _form_page(request, session, {**context, "error": problem[1]}, problem[0])
    where = (Place(place.township, place.village, place.code) if place is not None
             else Place())
    about = (Subject(publication.version, subject.no, subject.name, subject.masked_id)
             if subject is not None and publication is not None else None)
    settings = settings_of(request)
    filed = file_report(session, draft, where, about, photos, settings.report_photos_dir)
    session.commit()
    response = render(request, "portal/reported.html", {
        "publication": publication, "code": shown(filed.code), "groups": groups(filed.code),
        "photos": len(photos), "filed_at": filed.report.filed_at,
        "about": " · ".join(part for part in (draft.category, where.township, where.village)
                            if part),
        "reply_days": settings.report_reply_days,
        "due": spoken_date(reply_due(filed.report.filed_at, settings.report_reply_days))})
    response.headers["Cache-Control"] = "no-store"
    return response


def _cleaned(form: FormData) -> tuple[list[CleanPhoto], tuple[int, str] | None]:
    """The cleaned photos, or why they are refused (the status and message)."""
    try:
        return _photos(form), None
    except PhotoTooLarge as error:
        return [], (413, str(error))
    except PhotoRefused as error:
        return [], (400, str(error))


def _townships(session: DbSession, publication: Publication | None) -> list[reads.Township]:
    return reads.townships(session, publication) if publication is not None else []


def _photos(form: FormData) -> list[CleanPhoto]:
    sent = [f for f in form.getlist("photos") if isinstance(f, UploadFile) and f.filename]
    if len(sent) > MAX_PHOTOS:
        raise PhotoRefused(f"最多上传 {MAX_PHOTOS} 张照片，您选择了 {len(sent)} 张。")
    return [cleaned(read_limited(f.file, number), number)
            for number, f in enumerate(sent, start=1)]


def _form_page(request: Request, session: DbSession, context: dict[str, Any],
               status: int = 200) -> Response:
    """The report form; it offers the programs of the publication shown, company ones too."""
    publication = context.get("publication")
    programs = reads.programs(session, publication) if publication is not None else []
    return form_page(request, "portal/report.html", {
        "categories": CATEGORIES, "max_photos": MAX_PHOTOS, "programs": programs,
        "max_mb": MAX_BYTES // (1024 * 1024), "description_max": DESCRIPTION_MAX,
        "draft": {}, "reply_days": settings_of(request).report_reply_days, **context},
        status)


@router.get("/track")
def track_form(request: Request, session: DbSession,
               letters: Annotated[FormText, Query()] = "") -> Response:
    # ?letters=1: the keyboard for a code issued before (letters and digits), not the number pad
    return _track_page(request, {"publication": reads.current(session),
                                 "letters": letters == "1"})


@router.post("/track")
def track_report(request: Request, form: Annotated[TrackForm, Form()],
                 session: DbSession) -> Response:
    typed = form.code[:40]
    context: dict[str, Any] = {"publication": reads.current(session), "typed": typed,
                               "letters": any(ch.isalpha() for ch in typed)}
    if not csrf.checked(request, csrf.Purpose.PORTAL, form.csrf_token):
        return _track_page(request, {**context, "error": "页面已过期，请重新查询。"}, 403)
    code = normalised(typed)
    if code is None:
        return _track_page(request, {**context, "error": code_problem(typed)}, 400)
    if not guard.within_limits(request, session, "portal_tracks", TRACKS_PER_HOUR):
        return _track_page(request, {**context, "error": guard.too_often("查询")}, 429)
    found = track(reading(session), code)
    if found is None:
        return _track_page(request, {**context, "error": UNKNOWN_CODE}, 404)
    due = reply_due(found.filed_at, settings_of(request).report_reply_days)
    return _track_page(request, {**context, "typed": shown(code), "report": found,
                                 "due": spoken_date(due), "overdue": due < local_today()})


def _track_page(request: Request, context: dict[str, Any], status: int = 200) -> Response:
    return form_page(request, "portal/track.html",
                     {"reply_days": settings_of(request).report_reply_days, **context}, status)
