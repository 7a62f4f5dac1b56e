"""POST /api/v1/screen: a payment batch (persons' or companies') as JSON rows, screened before
it is paid (contract §7) for a bearer token of an account that may screen it; the verdicts as
JSON.

The token and its rate limit are checked before the body is read; then the call takes one of
the `api_screenings_at_once` slots of this process (none free: 503 at once, the body unread),
and only then is the body read with a cap, validated, and screened in the API's batch
threads (web/api_workers.py), so that a large batch holds up no other request and waiting
calls hold no body. What a held row's explanation says depends on the token's account
(screening/audience.py): an analyst's, the warning's; anyone else's, the model's fixed
note, naming no one. Each screening, and
each batch the core refuses, is in the audit log: who, with which token, the hash of the
rows as screened, how many rows and holds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import partial
from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from starlette.concurrency import run_in_threadpool

from sunlight.accounts.screening_rights import explanation_detail, may_screen, screenable_kinds
from sunlight.accounts.tokens import SCREEN, Bearer
from sunlight.appdb.account_tables import ApiToken
from sunlight.appdb.database import writing
from sunlight.audit.chain import append
from sunlight.contract.datasets import DATASETS
from sunlight.contract.screening import BATCH_KINDS
from sunlight.screening.core import BatchRefused, screen_rows
from sunlight.screening.json_rows import ColumnTwice, as_table
from sunlight.screening.verdicts import ScreeningResult
from sunlight.web.api_auth import authorised, forbidden
from sunlight.web.api_body import json_body, unreadable
from sunlight.web.api_workers import ApiWorkers, NoSlot, Slots, in_pool
from sunlight.web.deps import client_address
from sunlight.web.problems import ApiProblem, ProblemItem, openapi_responses
from sunlight.web.state import sessions_of, settings_of

PATH: Final = "/screen"
COLUMNS_MAX: Final = 100
"""Columns one batch may name, over all its rows (a payments batch has nine)."""
COLUMN_NAME_MAX: Final = 100
CELL_MAX: Final = 1_000
"""Characters of one cell: longer than any name, ID, account or amount."""
RETRY_AFTER: Final = 10
"""Seconds a call refused for want of a slot is told to wait: a batch takes that long."""

router = APIRouter()
ColumnName = Annotated[str, StringConstraints(min_length=1, max_length=COLUMN_NAME_MAX)]
Cell = Annotated[str, StringConstraints(max_length=CELL_MAX)]


class ScreenRequest(BaseModel):
    """A batch to screen: its kind and its rows, each a mapping of column → cell text."""

    model_config = ConfigDict(extra="forbid")

    dataset: str = Field(default="payments", json_schema_extra={"enum": list(BATCH_KINDS)},
                         description="the kind of batch (contract §7): `payments`, persons "
                         "paid (一卡通); `enterprise_payments`, companies paid by a company "
                         "program (contract §5: program, credit_code, company, period, "
                         "amount, account, claimed_headcount, ...)")
    rows: list[Annotated[dict[ColumnName, Cell],
                         Field(min_length=1, max_length=COLUMNS_MAX)]] = Field(
        min_length=1, description="the batch's rows in order, each keyed by the canonical "
        "column names of its kind's dataset (payments: program, id_number, name, period, "
        "amount, account, township, village, ...) or by any header the contract accepts "
        "(项目名称, 身份证号, 姓名, 统一社会信用代码, ...); cells are text")


class VerdictRow(BaseModel):
    """One row of contract §7's verdict file."""

    row: int = Field(description="the batch row as a person counts it: rows[0] is row 2, "
                     "as if row 1 were the header")
    id_number: str = Field(description="canonical 18 characters; empty if unreadable: the "
                           "payee's ID number, or an enterprise_payments batch's 统一社会信用代码")
    name: str = Field(description="the payee's name, or the company's")
    program: str = Field(description="the catalog's program code (as delivered if unknown)")
    period: str = Field(description="YYYY-MM or YYYY")
    amount: str = Field(description='as the warning export writes money, e.g. "340.00"')
    verdict: Literal["hold", "pass", "unreadable"]
    models: list[str] = Field(description="codes of the models that fire on the row")
    explanation: str = Field(description="why, in Chinese: for an analyst's token as the "
                             "warning would say it, for anyone else's the model's fixed note "
                             "on what to check, naming no one; the reason if unreadable "
                             "(a row whose every cell is blank is unreadable too)")


class ScreenResponse(BaseModel):
    """The verdict of every row, in the batch's order, and how many of each."""

    dataset: str
    rows: list[VerdictRow]
    held: int
    passed: int
    unreadable: int
    not_run: list[str] = Field(description="codes of the models that could not run, the "
                               "warehouse holding no data for their inputs: a row that "
                               "passed was not checked by them")


_PROBLEMS = openapi_responses("unauthorized", "forbidden", "too-slow", "too-large",
                              "unsupported-media-type", "invalid-batch", "rate-limited", "busy")


@router.post(PATH, response_model=None, summary="发放前筛查一个待发放批次",
             description="按数据规范 §7 筛查待发放批次的每一行：对照已入库的全部数据和"
             "批次自身，返回每行的结论（hold 暂缓发放、pass 可以发放、unreadable 无法读取）、"
             "触发的模型和原因。什么也不入库；每次调用记入审计日志。",
             responses={200: {"description": "每行的筛查结论", "content": {"application/json": {
                 "schema": {"$ref": "#/components/schemas/ScreenResponse"}}}}, **_PROBLEMS},
             openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
                 "schema": {"$ref": "#/components/schemas/ScreenRequest"}}}}})
async def screen(request: Request) -> Response:
    """Screen the batch's rows against everything ingested and against each other."""
    caller = await authorised(request, SCREEN)
    if not screenable_kinds(caller.user):
        raise forbidden("no_rights")
    settings = settings_of(request)
    workers: ApiWorkers = request.app.state.api_workers
    with in_slot(workers.batch_slots, "批次筛查"):
        body = await json_body(request, settings.api_screen_max_mb << 20)
        batch = await run_in_threadpool(_parsed, body, settings.api_screen_max_rows)
        del body  # a 30 MB body is not kept while the rows are screened
        if not may_screen(caller.user, batch.dataset):
            kind = DATASETS[BATCH_KINDS[batch.dataset].dataset].label
            raise forbidden(f"令牌所属的账户不能筛查{kind}的批次。")
        answer = await in_pool(workers.batches, partial(_screened, request, caller, batch))
    return Response(answer, media_type="application/json", headers={"Cache-Control": "no-store"})


@contextmanager
def in_slot(slots: Slots, what: str) -> Iterator[None]:
    """The block in one of `slots`; a 503 problem with Retry-After when none is free."""
    try:
        with slots.held():
            yield
    except NoSlot:
        raise ApiProblem("busy", f"服务器正在处理其他{what}，已达同时处理的上限，请 "
                         f"{RETRY_AFTER} 秒后重试。",
                         headers={"Retry-After": str(RETRY_AFTER)}) from None


def _answer(result: ScreeningResult) -> bytes:
    """The verdicts as the document says (built in the worker: 100,000 rows take a while)."""
    return ScreenResponse(
        dataset=result.dataset, held=result.held, passed=result.passed,
        unreadable=result.unreadable, not_run=sorted(result.not_run),
        rows=[VerdictRow(row=v.row, id_number=v.id_number, name=v.name, program=v.program,
                         period=v.period, amount=v.amount, verdict=v.verdict,
                         models=list(v.models), explanation=v.explanation)
              for v in result.verdicts]).model_dump_json().encode()


def _parsed(body: bytes, max_rows: int) -> ScreenRequest:
    try:
        batch = ScreenRequest.model_validate_json(body)
    except ValidationError as invalid:
        raise unreadable(invalid) from None
    if len(batch.rows) > max_rows:
        raise ApiProblem("too-large", f"批次有 {len(batch.rows)} 行，超过每次上限 {max_rows} 行，"
                                      "请分批提交。")
    columns = {key for row in batch.rows for key in row}
    if len(columns) > COLUMNS_MAX:
        raise ApiProblem("invalid-batch", f"批次的各行共用了 {len(columns)} 个不同的列名，"
                                          f"超过上限 {COLUMNS_MAX}：各行应使用同一组列名。")
    if batch.dataset not in BATCH_KINDS:
        raise ApiProblem("invalid-batch", f"不能筛查这类批次：dataset 应为 "
                                          f"{'、'.join(BATCH_KINDS)} 之一。",
                         errors=[ProblemItem(pointer="/dataset", detail="不认识的批次类型")])
    try:
        as_table(batch.rows, BATCH_KINDS[batch.dataset].dataset)
    except ColumnTwice as twice:
        raise _column_twice(twice) from None
    return batch


def _column_twice(twice: ColumnTwice) -> ApiProblem:
    return ApiProblem("invalid-batch", twice.chinese, errors=[
        ProblemItem(pointer=f"/rows/{twice.index}/{_escaped(key)}", detail=f"与同一行的其他列名同指"
                    f"“{twice.column}”") for key in twice.keys])


def _escaped(key: str) -> str:
    """A key as a JSON Pointer's part (RFC 6901)."""
    return key.replace("~", "~0").replace("/", "~1")


def _screened(request: Request, caller: Bearer, batch: ScreenRequest) -> bytes:
    try:
        result = screen_rows(settings_of(request), batch.rows, batch.dataset,
                             detail=explanation_detail(caller.user))
    except ColumnTwice as twice:  # told in _parsed; kept here as screen_rows refuses it too
        raise _column_twice(twice) from None
    except BatchRefused as refused:
        digest = hashlib.sha256(batch.model_dump_json().encode()).hexdigest()
        audit(request, caller, "api.screen_refused", {
            "token": caller.token.name, "dataset": batch.dataset, "sha256": digest,
            "rows": len(batch.rows), "reason": refused.chinese})
        raise ApiProblem("invalid-batch", refused.chinese) from None
    audit(request, caller, "api.screen", {
        "token": caller.token.name, "dataset": result.dataset, "sha256": result.file_hash,
        "rows": len(result.verdicts), "held": result.held, "passed": result.passed,
        "unreadable": result.unreadable})
    return _answer(result)


def audit(request: Request, caller: Bearer, action: str, details: dict[str, Any]) -> None:
    """The call in the audit log, and the token's last use, in one transaction."""
    with sessions_of(request)() as session:
        writing(session)
        token = session.get(ApiToken, caller.token.id)
        if token is not None:
            token.last_used_at = datetime.now(UTC)
        append(session, actor=caller.user.username, action=action, details=details,
               address=client_address(request))
        session.commit()
