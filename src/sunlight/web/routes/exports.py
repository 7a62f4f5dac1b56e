"""Exports of warnings: the filtered board as Excel, and a printable verification notice.

Both are audited: an export with its filters and row count, a notice as a view of the full
ID number it prints.
"""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy import select

from sunlight.appdb.case_tables import Case
from sunlight.appdb.tables import Warning
from sunlight.clock import local_today
from sunlight.contract.case_steps import case_steps
from sunlight.contract.catalog import load_catalog
from sunlight.contract.roles import ANALYST, INSPECTOR
from sunlight.contract.vocabulary import SUBJECT_KIND_ZH, evidence_roles_zh
from sunlight.warning_export import write_xlsx
from sunlight.web import reference
from sunlight.web.board import Filters, for_export, subject_text
from sunlight.web.deps import DbSession, Staff, audit_now, require, settings_of
from sunlight.web.pages import render
from sunlight.web.routes.warnings import WarningReader, visible_warning

router = APIRouter(prefix="/staff/warnings")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

VERIFY_POINTS = {
    "payments": "所列各期补贴是否实际发放、发放到谁的账户、由谁领取使用",
    "deaths": "死亡时间是否属实，死亡后发放的资金去向",
    "residents": "户籍状态、户号及家庭成员情况",
    "disability_certs": "残疾人证的等级、类别及是否有效",
    "enrollments": "享受资格的认定依据、起止时间及是否按时退出",
    "officials": "本人或其亲属的公职人员 / 村干部身份及任职时间",
    "vehicles": "名下车辆情况",
    "businesses": "名下企业及其经营状态",
    "land": "确权面积与申报补贴面积是否一致",
    "approvals": "申请、评议、公示、审核、审批各环节材料是否齐全",
    "enterprise_payments": "企业补贴是否实际发放到该企业对公账户，申报人数是否属实",
    "insured_headcount": "企业当月实际参保人数及名单",
    "duty_roster": "排班表所列日期是否实际在岗值班",
    "posts": "站点、卡口的勤务要求及启用、停用时间",
    "duty_checks": "点名、核查时本人是否在岗，核查记录是否属实",
    "police_cases": "受理、立案、强制措施、办结各环节的时间及法律文书",
    "inspection_findings": "问题是否属实、整改期限及整改完成情况",
}
"""What a verifier checks, by the datasets the warning's evidence comes from."""


@router.get("/export.xlsx")
def export_board(request: Request,
                 staff: Annotated[Staff, Depends(require(ANALYST, INSPECTOR))],
                 session: DbSession, filters: Annotated[Filters, Query()]) -> Response:
    """The board as filtered, every page, ID and account numbers masked; an inspector's,
    as their board, of their units' warnings only."""
    warnings = for_export(session, staff.user, filters)
    exported = {warning.id for warning in warnings}
    # Every warning's case: cases are as many as people worked on, far fewer than warnings.
    cases = {case.warning_pk: case for case in session.scalars(
        select(Case).where(Case.warning_pk.is_not(None))) if case.warning_pk in exported}
    buffer = io.BytesIO()
    write_xlsx(warnings, buffer, reference.library(), load_catalog(settings_of(request).catalog),
               masked=True, ordered=True, cases=cases)
    audit_now(request, staff, "export.warnings", target="warnings.xlsx",
              details={"filters": filters.described(), "rows": len(warnings)})
    name = f"sunlight-warnings-{local_today():%Y%m%d}.xlsx"
    return Response(buffer.getvalue(), media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/{warning_id}/notice")
def verification_notice(request: Request, warning_id: str, staff: WarningReader,
                        session: DbSession) -> Response:
    """核查通知书: printed for the township, with the full ID number (so it is audited)."""
    warning, case = visible_warning(session, staff, warning_id)
    days = settings_of(request).case_deadline_days
    deadline = case.deadline if case and case.deadline else None
    datasets = sorted({row.dataset for row in warning.evidence})
    if warning.unit:
        return police_notice(request, warning, case, datasets)
    response = render(request, "staff/warnings/notice.html", {
        "warning": warning, "case": case, "legal_rep": legal_rep_name(warning),
        "model": reference.library().get(warning.model),
        "programs": reference.program_text(
            warning, reference.program_names(settings_of(request).catalog)),
        "role_zh": evidence_roles_zh(warning.money),
        "points": [VERIFY_POINTS[d] for d in datasets if d in VERIFY_POINTS],
        "deadline": deadline, "deadline_days": days,
        "suggested_deadline": local_today() + timedelta(days=days),
        "today": local_today(),
    })
    if warning.id_number:
        audit_now(request, staff, "view.id_number", target=warning.warning_id,
                  details={"warning": warning.warning_id, "via": "notice"})
    return response


def legal_rep_name(warning: Warning) -> str:
    """The registry name of a company warning's legal representative, as detection named them."""
    return next((person.name for person in warning.people
                 if person.role == "legal_rep" and person.id_number == warning.id_number), "")


def police_notice(request: Request, warning: Warning, case: Case | None,
                  datasets: list[str]) -> Response:
    """督察整改通知书: a police warning's notice to its unit, naming no money and no township
    (it prints no full ID number: nothing to audit)."""
    days = settings_of(request).case_deadline_days
    deadline = case.deadline if case and case.deadline else local_today() + timedelta(days=days)
    return render(request, "staff/warnings/notice_police.html", {
        "warning": warning, "case": case, "texts": case_steps().police_notice,
        "model": reference.library().get(warning.model),
        "subject": subject_text(warning, {}),
        "subject_kind_zh": SUBJECT_KIND_ZH,
        "as_of": (warning.facts or {}).get("as_of") or warning.period_to,
        "deadline_text": f"{deadline.year}年{deadline.month}月{deadline.day}日",
        "role_zh": evidence_roles_zh(warning.money),
        "points": [VERIFY_POINTS[d] for d in datasets if d in VERIFY_POINTS],
        "today": local_today(),
    })
