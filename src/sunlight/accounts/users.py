"""Creating staff accounts, checking passwords, and slowing down password guessing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

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
    """Check a password; every try is recorded, and too many failures lock the door a while."""
    now = datetime.now(UTC)
    if _recent_failures(session, LoginAttempt.username == username, now) >= \
            MAX_FAILURES_PER_USER or _recent_failures(
            session, LoginAttempt.address == address, now) >= MAX_FAILURES_PER_ADDRESS:
        session.add(LoginAttempt(username=username, address=address, at=now, succeeded=False))
        return LoginResult(None, throttled=True)
    user = session.scalar(select(User).where(User.username == username, User.active))
    succeeded = user is not None and password_matches(user, password)
    session.add(LoginAttempt(username=username, address=address, at=now, succeeded=succeeded))
    if succeeded and user is not None and _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return LoginResult(user if succeeded else None)


def password_matches(user: User, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _recent_failures(session: Session, who: ColumnElement[bool], now: datetime) -> int:
    # Failures since the last success of the same user or address count against them.
    query = select(func.count()).select_from(LoginAttempt).where(
        who, LoginAttempt.at > now - THROTTLE_WINDOW, ~LoginAttempt.succeeded)
    last_success = session.scalar(select(func.max(LoginAttempt.at)).where(
        who, LoginAttempt.succeeded))
    if last_success is not None:
        query = query.where(LoginAttempt.at > last_success)
    return int(session.scalar(query) or 0)
