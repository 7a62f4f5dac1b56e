"""What every call of the HTTP API goes through before its body is read: the bearer token
(401/403), the token's rate limit (429); then the body, read with a cap (413, 415)."""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import UTC, datetime

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from sunlight.accounts.tokens import Bearer, NotPermitted, Unauthenticated, bearer
from sunlight.appdb.database import writing
from sunlight.appdb.rate_limits import count_use
from sunlight.web.problems import ApiProblem
from sunlight.web.state import sessions_of, settings_of

RATE_WINDOW_S = 60
"""The rate limit's window: a minute."""
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="sunlight", error="invalid_token"'}
_WHY_401 = {
    "missing": "请求没有带令牌：请在请求头中加入 Authorization: Bearer <令牌>。"
               "令牌向系统管理员申请。",
    "unknown": "令牌不正确：请检查是否完整复制；如已遗失，请向系统管理员申请新令牌。",
    "revoked": "令牌已被系统管理员撤销，请向系统管理员申请新令牌。",
    "expired": "令牌已过期，请向系统管理员申请新令牌。",
    "scope": "此令牌不能用于这个接口。",
}
_WHY_403 = {
    "inactive": "令牌所属的账户已停用。",
    "no_rights": "令牌所属的账户没有发放前筛查的权限：只有纪委监委分析人员和负责发放数据的"
                 "部门数据专员可以筛查。",
}
JSON_TYPES = ("application/json",)


async def authorised(request: Request, scope: str) -> Bearer:
    """The caller behind the request's bearer token, within its rate limit; else a problem.
    Nothing of the body is read before this, so a stranger cannot make the server take it."""
    presented = _presented(request.headers.get("authorization", ""))
    try:
        caller = await run_in_threadpool(_look_up, request, presented, scope)
    except Unauthenticated as refused:
        raise ApiProblem("unauthorized", _WHY_401[refused.reason], headers=_CHALLENGE) from None
    except NotPermitted as refused:
        raise ApiProblem("forbidden", _WHY_403[refused.reason]) from None
    wait = await run_in_threadpool(_over_limit, request, caller)
    if wait:
        limit = settings_of(request).api_screens_per_minute
        raise ApiProblem("rate-limited", f"每个令牌每分钟最多调用 {limit} 次，请 {wait} 秒后再试。",
                         headers={"Retry-After": str(wait)})
    return caller


def forbidden(reason: str) -> ApiProblem:
    return ApiProblem("forbidden", _WHY_403.get(reason, reason))


async def json_body(request: Request, max_bytes: int) -> bytes:
    """The request's JSON body, read as it streams and refused once past `max_bytes`
    (BodyDeadline cuts it off there too; this holds without it)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in JSON_TYPES:
        raise ApiProblem("unsupported-media-type",
                         "请求内容须为 JSON，请求头 Content-Type 设为 application/json。")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(max_bytes)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            raise _too_large(max_bytes)
    return bytes(body)


def _too_large(max_bytes: int) -> ApiProblem:
    return ApiProblem("too-large", f"请求内容超过上限（{max_bytes >> 20} MB），请分批提交。")


def _presented(header: str) -> str:
    scheme, _, token = header.strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _look_up(request: Request, presented: str, scope: str) -> Bearer:
    with sessions_of(request)() as session:
        caller = bearer(session, presented, scope, datetime.now(UTC))
        session.expunge_all()  # read outside this session: the account and the token
        return caller


def _over_limit(request: Request, caller: Bearer) -> int:
    """Count this call against its token; the seconds until the next window when it is one
    too many. Counted in the app database, so every server process sees the same count."""
    settings = settings_of(request)
    bucket = hmac.new(settings.secret_key.encode(), f"rate:api\x1f{caller.token.id}".encode(),
                      hashlib.sha256).hexdigest()[:32]
    now = time.time()
    with sessions_of(request)() as session:
        writing(session)
        uses = count_use(session, bucket, RATE_WINDOW_S, now)
        session.commit()
    if uses <= settings.api_screens_per_minute:
        return 0
    return max(1, RATE_WINDOW_S - int(now) % RATE_WINDOW_S)
