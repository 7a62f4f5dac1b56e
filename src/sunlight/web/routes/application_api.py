"""POST /api/v1/screen/application: one application (a person applying for a program)
screened before approval, for the same bearer tokens as a batch; what would fire, as JSON.

The process's one warm `ApplicationScreener` answers, in the API's application thread
(web/api_workers.py): one application at a time, and the event loop never waits on it; at
most `api_applications_waiting` calls are held at once, more refused at once (503). For
anyone but an analyst a finding says the model's fixed note, naming no one.
Each screening is in the audit log with the ID masked.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Final, Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from sunlight.accounts.screening_rights import explanation_detail, screenable_kinds
from sunlight.accounts.tokens import SCREEN, Bearer
from sunlight.contract.applications import APPLICATIONS
from sunlight.masking import masked_number
from sunlight.screening.application import (
    Application,
    ApplicationRefused,
    ApplicationVerdict,
)
from sunlight.web.api_auth import authorised, forbidden
from sunlight.web.api_body import json_body, unreadable
from sunlight.web.api_workers import ApiWorkers, in_pool
from sunlight.web.problems import ApiProblem, openapi_responses
from sunlight.web.routes.screen_api import audit, in_slot
from sunlight.web.state import settings_of

PATH: Final = "/screen/application"
BODY_MAX: Final = 16 << 10
"""Bytes of one application: five short fields."""

router = APIRouter()
Text = Annotated[str, StringConstraints(max_length=APPLICATIONS.max_field_chars)]


class ApplicationRequest(BaseModel):
    """An application as the clerk typed it: every field is text."""

    model_config = ConfigDict(extra="forbid")

    id_number: Text = Field(description="the applicant's ID number (18 or 15 characters)")
    name: Text
    program: Text = Field(description="the program: its catalog code, name or alias")
    declared_area: Text | None = Field(
        default=None, description="亩, for a program paid by area only")
    period: Text | None = Field(
        default=None, description="the month applied for (2026-12), a year for an annual "
        "program; absent: this month in the county")


class Finding(BaseModel):
    model: str = Field(description="the model's code")
    name_zh: str = Field(description="the model's Chinese name")
    explanation: str = Field(description="why, in Chinese: as a warning would say it for an "
                             "analyst's token; for anyone else's, the model's fixed note on "
                             "what to check, naming no one")


class ApplicationResponse(BaseModel):
    """What would fire were the application approved and paid."""

    id_number: str = Field(description="canonical, 18 characters")
    name: str
    program: str = Field(description="the catalog code")
    program_name: str
    period: str = Field(description="YYYY-MM or YYYY")
    amount: str = Field(description="the catalog's standard, as the payment would be")
    declared_area: str | None
    verdict: Literal["pass", "hold"]
    verdict_zh: str
    models: list[str]
    explanation: str
    findings: list[Finding]


_PROBLEMS = openapi_responses("unauthorized", "forbidden", "too-slow", "too-large",
                              "unsupported-media-type", "invalid-application", "rate-limited",
                              "busy")


@router.post(PATH, response_model=None, summary="审批前筛查一份申请",
             description="一个人申请一个项目时，在审批前查看若批准并发放会触发哪些模型"
             "（死亡、公职人员、村干部亲属、名下资产、申报面积超出、已享受互斥项目等）。"
             "什么也不入库；每次调用记入审计日志（身份证号已遮挡）。",
             responses={200: {"description": "筛查结论", "content": {"application/json": {
                 "schema": {"$ref": "#/components/schemas/ApplicationResponse"}}}},
                 **_PROBLEMS},
             openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
                 "schema": {"$ref": "#/components/schemas/ApplicationRequest"}}}}})
async def screen_application(request: Request) -> Response:
    caller = await authorised(request, SCREEN, per_minute=settings_of(request)
                              .api_applications_per_minute, bucket="application")
    if not screenable_kinds(caller.user):
        raise forbidden("no_rights")
    workers: ApiWorkers = request.app.state.api_workers
    with in_slot(workers.application_slots, "申请筛查"):
        body = await json_body(request, BODY_MAX)
        try:
            application = ApplicationRequest.model_validate_json(body)
        except ValidationError as invalid:
            raise unreadable(invalid, "invalid-application") from None
        verdict = await in_pool(workers.applications,
                                partial(_screened, request, caller, application, workers))
    answer = ApplicationResponse.model_validate(verdict.as_dict())
    return Response(answer.model_dump_json(), media_type="application/json",
                    headers={"Cache-Control": "no-store"})


def _screened(request: Request, caller: Bearer, application: ApplicationRequest,
              workers: ApiWorkers) -> ApplicationVerdict:
    try:
        verdict = workers.application_screener.screen(Application(**application.model_dump()),
                                                      explanation_detail(caller.user))
    except ApplicationRefused as refused:
        raise ApiProblem("invalid-application", refused.chinese) from None
    # Who was screened, masked, but not what was found: the admin reads the log and is
    # told no warning (nor which models fire on whom).
    audit(request, caller, "api.screen_application", {
        "token": caller.token.name, "program": verdict.program,
        "person": masked_number(verdict.id_number)})
    return verdict
