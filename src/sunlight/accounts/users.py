"""Creating staff accounts, checking passwords, and slowing down password guessing."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from sunlight.accounts.roles import OFFICER, ROLES, VERIFIER
from sunlight.appdb.account_tables import LoginAttempt, User
from sunlight.appdb.case_tables import Case
from sunlight.appdb.publication_tables import PubVillage
from sunlight.appdb.tables import Warning
from sunlight.contract.datasets import DATASETS

MIN_PASSWORD = 10
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_ADDRESS = 20
_hasher = PasswordHasher()


def new_password_problem(new: str, repeat: str) -> str:
    """Why a new password, typed twice, cannot be set; empty when it can."""
    if len(new) < MIN_PASSWORD:
        return f"新密码至少 {MIN_PASSWORD} 位"
    if new != repeat:
        return "两次输入的新密码不一致"
    return ""


class AccountError(ValueError):
    """An account that cannot be created as asked; the message says why, in Chinese."""


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    throttled: bool = False


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def department_datasets(department: str) -> list[str]:
    """The datasets the contract assigns to a department (e.g. 公安局: residents, deaths)."""
    return [code for code, spec in DATASETS.items() if department in spec.department]


def add_user(session: Session, username: str, role: str, password: str, *,
             display_name: str = "", township: str | None = None,
             department: str | None = None, datasets: list[str] | None = None) -> User:
    """Create an account; refuse an unknown role, a weak password or a missing scope."""
    username = username.strip()
    if not username:
        raise AccountError("用户名不能为空")
    if role not in ROLES:
        raise AccountError(f"未知角色 {role}，可选：{', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"密码至少 {MIN_PASSWORD} 位")
    if role == VERIFIER and not township:
        raise AccountError("乡镇核查人员必须指定乡镇（--township）")
    if role == VERIFIER and township:
        _check_township(session, township)
    scope = _officer_datasets(department, datasets) if role == OFFICER else []
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise AccountError(f"用户 {username} 已存在")
    user = User(username=username, display_name=display_name or username, role=role,
                township=township if role == VERIFIER else None, department=department,
                datasets=scope, password_hash=hash_password(password), active=True,
                created_at=datetime.now(UTC))
    session.add(user)
    session.flush()
    return user


def known_townships(session: Session) -> set[str]:
    """The townships the data names: of warnings, cases and published villages."""
    found: set[str] = set()
    for column in (Warning.township, Case.township, PubVillage.township):
        found |= {name for name in session.scalars(select(column).distinct()) if name}
    return found


def _check_township(session: Session, township: str) -> None:
    # A verifier of a township the data never names could never be assigned a case: a typo
    # (八渡 for 八渡乡) is refused while the county's data says which townships exist.
    known = known_townships(session)
    if known and township not in known:
        raise AccountError(f"数据中没有乡镇“{township}”；已知乡镇：{'、'.join(sorted(known))}")


def _officer_datasets(department: str | None, datasets: list[str] | None) -> list[str]:
    known = DATASETS
    if datasets:
        unknown = sorted(set(datasets) - set(known))
        if unknown:
            raise AccountError(f"未知数据集 {', '.join(unknown)}，可选：{', '.join(known)}")
        return list(datasets)
    if not department:
        raise AccountError("部门数据专员必须指定部门（--department）或数据集（--datasets）")
    found = department_datasets(department)
    if not found:
        departments = sorted({spec.department for spec in known.values()})
        raise AccountError(f"数据规范中没有部门 {department} 的数据集；部门有："
                           f"{'、'.join(departments)}；也可用 --datasets 直接指定")
    return found


def log_in(session: Session, username: str, password: str, address: str) -> LoginResult:
    """Check a password; every try is recorded, and too many failures lock the door a while.

    Failures count for 15 minutes, whatever succeeded in between (a success of the
    attacker's own account does not buy more guesses): 5 of an account from one address,
    20 from one address, and 5 of an account from anywhere. The last stops guessing spread
    over many addresses, but never at an address the account logged in from before: nobody
    can lock the owner out of their usual desk. An unknown name costs the same argon2
    verification as a known one, so that timing does not tell which names exist.
    """
    now = datetime.now(UTC)
    recorded = username[:60]  # the column's width: a longer name is no account anyway
    _one_at_a_time(session, f"login-address:{address}", f"login-user:{recorded}")
    if _throttled(session, recorded, address, now):
        session.add(LoginAttempt(username=recorded, address=address, at=now, succeeded=False))
        return LoginResult(None, throttled=True)
    user = session.scalar(select(User).where(User.username == username, User.active))
    if user is None:
        _verify(_dummy_hash(), password)
        succeeded = False
    else:
        succeeded = password_matches(user, password)
    session.add(LoginAttempt(username=recorded, address=address, at=now, succeeded=succeeded))
    if succeeded and user is not None and _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return LoginResult(user if succeeded else None)


def password_matches(user: User, password: str) -> bool:
    return _verify(user.password_hash, password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash() -> str:
    # A hash of a random password that nobody knows, made with the same parameters.
    return _hasher.hash(secrets.token_urlsafe(24))


def _one_at_a_time(session: Session, *subjects: str) -> None:
    """Logins of one address, and of one account, take turns until their transaction ends:
    tries sent at the same moment would otherwise all read the failures before any is
    recorded. SQLite's write lock, which a login's transaction takes first, does this there;
    on PostgreSQL an advisory lock per subject (always address first, so no two wait on
    each other)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for subject in subjects:
        key = int.from_bytes(hashlib.sha256(subject.encode()).digest()[:8], "big", signed=True)
        session.execute(select(func.pg_advisory_xact_lock(key)))


def _throttled(session: Session, username: str, address: str, now: datetime) -> bool:
    by_user, by_address = LoginAttempt.username == username, LoginAttempt.address == address
    if (_recent_failures(session, by_user & by_address, now) >= MAX_FAILURES_PER_USER
            or _recent_failures(session, by_address, now) >= MAX_FAILURES_PER_ADDRESS):
        return True
    return (_recent_failures(session, by_user, now) >= MAX_FAILURES_PER_USER
            and not _usual_address(session, username, address))


def _recent_failures(session: Session, who: ColumnElement[bool], now: datetime) -> int:
    return int(session.scalar(select(func.count()).select_from(LoginAttempt).where(
        who, LoginAttempt.at > now - THROTTLE_WINDOW, ~LoginAttempt.succeeded)) or 0)


def _usual_address(session: Session, username: str, address: str) -> bool:
    """Whether this account logged in successfully from this address before."""
    return session.scalar(select(LoginAttempt.id).where(
        LoginAttempt.username == username, LoginAttempt.address == address,
        LoginAttempt.succeeded).limit(1)) is not None
