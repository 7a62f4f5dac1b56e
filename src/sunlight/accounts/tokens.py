"""Bearer tokens for the HTTP API: issued by an admin to a member of staff, named, scoped,
expiring and revocable; the token is shown once and only its SHA-256 is kept. A token is
issued only to an account that may screen (accounts/screening_rights.py).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunlight.accounts.screening_rights import screenable_kinds
from sunlight.appdb.account_tables import ApiToken, User

SCREEN: Final = "screen"
"""The one scope so far: POST /api/v1/screen (and its application screening)."""
PREFIX: Final = "sunlight_"
"""Tells a leaked token for what it is (secret scanners, a reader of a log)."""
NAME_MAX: Final = 60
DAYS_MAX: Final = 366
"""The longest a token may be valid: a new one each year at least."""
PRESENTED_MAX: Final = 200
"""Longer than any token issued: a header beyond it is not hashed, only refused."""
ACTIVE, EXPIRED, REVOKED = "active", "expired", "revoked"


class TokenError(ValueError):
    """A token that cannot be issued or revoked as asked; the message says why, in Chinese."""


class Unauthenticated(Exception):
    """No token, or one that is unknown, revoked or expired (HTTP 401)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NotPermitted(Exception):
    """A valid token of an account that is disabled or may not do this (HTTP 403)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Issued:
    """A token just issued: `secret` is shown once and never stored."""

    token: ApiToken
    secret: str


@dataclass(frozen=True)
class Bearer:
    """Who called: the account and the token they used."""

    user: User
    token: ApiToken


def token_hash(secret: str) -> str:
    """What the table keeps. A token is 256 random bits, so a plain hash resists guessing
    as well as a keyed one would, and changing SUNLIGHT_SECRET_KEY does not void tokens."""
    return hashlib.sha256(secret.encode()).hexdigest()


def status(token: ApiToken, now: datetime) -> str:
    if token.revoked_at is not None:
        return REVOKED
    return ACTIVE if token.expires_at > now else EXPIRED


def issue(session: Session, user: User, name: str, days: int, *, issued_by: str,
          now: datetime) -> Issued:
    """A new screening token for `user`, valid `days` days; refused (TokenError) for an
    account that may not screen, a missing or reused name, a validity out of range."""
    name = name.strip()
    if not name:
        raise TokenError("请填写令牌名称（例如用途或调用的系统）")
    if len(name) > NAME_MAX:
        raise TokenError(f"令牌名称最多 {NAME_MAX} 个字")
    if not 1 <= days <= DAYS_MAX:
        raise TokenError(f"有效天数须在 1 到 {DAYS_MAX} 之间")
    if not user.active:
        raise TokenError(f"账户 {user.username} 已停用，不能发放令牌")
    if not screenable_kinds(user):
        raise TokenError(f"账户 {user.username} 没有发放前筛查的权限（仅纪委监委分析人员和"
                         "负责发放数据的部门数据专员可以筛查）")
    if any(status(t, now) == ACTIVE and t.name == name for t in tokens_of(session, user)):
        raise TokenError(f"账户 {user.username} 已有名为“{name}”的有效令牌，请换一个名称")
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(token_hash=token_hash(secret), user_id=user.id, name=name, scope=SCREEN,
                     issued_by=issued_by, issued_at=now, expires_at=now + timedelta(days=days))
    session.add(token)
    session.flush()
    return Issued(token, secret)


def revoke(session: Session, token: ApiToken, *, revoked_by: str, now: datetime) -> None:
    if token.revoked_at is not None:
        raise TokenError(f"令牌“{token.name}”已于此前撤销")
    token.revoked_at = now
    token.revoked_by = revoked_by
    session.flush()


def tokens_of(session: Session, user: User) -> Sequence[ApiToken]:
    return session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).all()


def every_token(session: Session) -> Sequence[tuple[ApiToken, User]]:
    """Every token with its account, newest first."""
    rows = session.execute(select(ApiToken, User).join(User, User.id == ApiToken.user_id)
                           .order_by(ApiToken.id.desc())).all()
    return [(token, user) for token, user in rows]


def bearer(session: Session, presented: str, scope: str, now: datetime) -> Bearer:
    """The account and token behind a presented token: Unauthenticated when it is unknown,
    revoked, expired or of another scope; NotPermitted when its account is disabled."""
    if not presented or len(presented) > PRESENTED_MAX:
        raise Unauthenticated("missing" if not presented else "unknown")
    row = session.execute(select(ApiToken, User).join(User, User.id == ApiToken.user_id)
                          .where(ApiToken.token_hash == token_hash(presented))).first()
    if row is None:
        raise Unauthenticated("unknown")
    token, user = row
    state = status(token, now)
    if state != ACTIVE:
        raise Unauthenticated(state)
    if token.scope != scope:
        raise Unauthenticated("scope")
    if not user.active:
        raise NotPermitted("inactive")
    return Bearer(user, token)
