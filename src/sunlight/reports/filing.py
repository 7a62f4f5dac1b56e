"""Filing a report: checked, stored with its photos, and opened as a case of kind `report`
in 待分派, in the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from sunlight.appdb.case_tables import Case
from sunlight.appdb.report_tables import CATEGORIES, Report, ReportPhoto
from sunlight.audit.chain import append
from sunlight.cases.workflow import open_case
from sunlight.contract.cases import REPORT_CASE
from sunlight.reports.codes import code_hash, new_code
from sunlight.reports.photos import CleanPhoto, store

DESCRIPTION_MIN = 5
DESCRIPTION_MAX = 2000
PUBLIC_ACTOR = "public"
"""The audit log's actor for what the public does (no name, no address: reports may be
anonymous)."""


class ReportRefused(ValueError):
    """The report cannot be filed as typed; the message says what to correct."""


@dataclass(frozen=True)
class Place:
    """Where the report is about, as the portal showed it (empty when the reporter did not
    say)."""

    township: str = ""
    village: str = ""
    village_code: str = ""


@dataclass(frozen=True)
class Subject:
    """The beneficiary a report is about, as the publication shows them (masked)."""

    publication_version: int
    beneficiary_no: int
    name: str
    masked_id: str


@dataclass(frozen=True)
class Draft:
    """What the reporter typed."""

    category: str
    description: str
    anonymous: bool
    contact_name: str = ""
    contact_phone: str = ""
    program: str = ""
    """The code of the program the report is about, as the form offered it, or ""."""


@dataclass(frozen=True)
class Filed:
    code: str
    """The tracking code, shown once to the reporter and never stored."""
    case: Case
    report: Report


def check(draft: Draft) -> None:
    """Raises ReportRefused with the first thing to correct."""
    if draft.category not in CATEGORIES:
        raise ReportRefused(f"请选择问题类型：{'、'.join(CATEGORIES)}。")
    length = len(draft.description.strip())
    if length < DESCRIPTION_MIN:
        raise ReportRefused(f"请描述您反映的问题（至少 {DESCRIPTION_MIN} 个字）。")
    if length > DESCRIPTION_MAX:
        raise ReportRefused(f"问题描述最多 {DESCRIPTION_MAX} 个字，现有 {length} 个字。")
    if not draft.anonymous:
        if not draft.contact_name.strip() and not draft.contact_phone.strip():
            raise ReportRefused("实名反映请留下姓名或联系电话；不愿留名请选择“匿名”。")
        if len(draft.contact_name.strip()) > 30 or len(draft.contact_phone.strip()) > 30:
            raise ReportRefused("姓名或联系电话过长，请检查。")


def file_report(session: Session, draft: Draft, place: Place, subject: Subject | None,
                photos: list[CleanPhoto], photo_dir: Path) -> Filed:
    """Store the report and open its case; the caller commits."""
    check(draft)
    case = open_case(session, kind=REPORT_CASE, title=_title(draft, place, subject),
                     township=place.township, village=place.village)
    code = new_code()
    report = Report(
        case_id=case.id, code_hash=code_hash(code), filed_at=case.created_at,
        category=draft.category, description=draft.description.strip(),
        village_code=place.village_code, program=draft.program,
        publication_version=subject.publication_version if subject else None,
        beneficiary_no=subject.beneficiary_no if subject else None,
        subject_name=subject.name if subject else "",
        subject_masked_id=subject.masked_id if subject else "",
        anonymous=draft.anonymous,
        contact_name="" if draft.anonymous else draft.contact_name.strip(),
        contact_phone="" if draft.anonymous else draft.contact_phone.strip())
    session.add(report)
    session.flush()
    for position, photo in enumerate(photos, start=1):
        session.add(ReportPhoto(report_id=report.id, position=position,
                                sha256=store(photo, photo_dir),
                                content_type=photo.content_type, size=len(photo.data),
                                width=photo.width, height=photo.height))
    append(session, actor=PUBLIC_ACTOR, action="report.file", target=case.case_no,
           details={"category": draft.category, "photos": len(photos),
                    "anonymous": draft.anonymous, "village_code": place.village_code,
                    "program": draft.program})
    session.flush()
    return Filed(code, case, report)


def _title(draft: Draft, place: Place, subject: Subject | None) -> str:
    about = f"：{subject.name}" if subject else ""
    where = f"（{place.village}）" if place.village else ""
    return f"随手拍·{draft.category}{about}{where}"[:200]
