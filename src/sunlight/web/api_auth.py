"""What every call of the HTTP API goes through before its body is read: the bearer token
(401/403) and the token's rate limit (429)."""

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


async def authorised(request: Request, scope: str, *, per_minute: int | None = None,
                     bucket: str = "batch") -> Bearer:
    """The caller behind the request's bearer token, within its rate limit (`per_minute`
    calls of `bucket`, by default a batch's limit); else a problem. Nothing of the body is
    read before this, so a stranger cannot make the server take it."""
    presented = _presented(request.headers.get("authorization", ""))
    try:
        caller = await run_in_threadpool(_look_up, request, presented, scope)
    except Unauthenticated as refused:
        raise ApiProblem("unauthorized", _WHY_401[refused.reason], headers=_CHALLENGE) from None
    except NotPermitted as refused:
        raise ApiProblem("forbidden", _WHY_403[refused.reason]) from None
    limit = per_minute or settings_of(request).api_screens_per_minute
    wait = await run_in_threadpool(_over_limit, request, caller, bucket, limit)
    if wait:
        raise ApiProblem("rate-limited", f"每个令牌每分钟最多调用 {limit} 次，请 {wait} 秒后再试。",
                         headers={"Retry-After": str(wait)})
    return caller


def forbidden(reason: str) -> ApiProblem:
    return ApiProblem("forbidden", _WHY_403.get(reason, reason))


def _presented(header: str) -> str:
    scheme, _, token = header.strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _look_up(request: Request, presented: str, scope: str) -> Bearer:
    with sessions_of(request)() as session:
        caller = bearer(session, presented, scope, datetime.now(UTC))
        session.expunge_all()  # read outside this session: the account and the token
        return caller


def _over_limit(request: Request, caller: Bearer, bucket: str, limit: int) -> int:
    """Count this call against its token; the seconds until the next window when it is one
    too many. Counted in the app database, so every server process sees the same count."""
    settings = settings_of(request)
    key = hmac.new(settings.secret_key.encode(), f"rate:api:{bucket}\x1f{caller.token.id}"
                   .encode(), hashlib.sha256).hexdigest()[:32]
    now = time.time()
    with sessions_of(request)() as session:
        writing(session)
        uses = count_use(session, key, RATE_WINDOW_S, now)
        session.commit()
    if uses <= limit:
        return 0
    return max(1, RATE_WINDOW_S - int(now) % RATE_WINDOW_S)
