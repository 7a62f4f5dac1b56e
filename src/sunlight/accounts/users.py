"""Creating staff accounts, checking passwords, and slowing down password guessing."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import ColumnElement, delete, exists, func, select
from sqlalchemy.orm import Session

from sunlight.appdb.account_tables import LoginAttempt, User
from sunlight.appdb.case_tables import Case
from sunlight.appdb.oversight_tables import OversightCase, OversightFinding, OversightPost
from sunlight.appdb.publication_tables import PubVillage
from sunlight.appdb.tables import Warning
from sunlight.contract.datasets import DATASETS
from sunlight.contract.roles import OFFICER, ROLES, UNIT_ROLES, VERIFIER

MIN_PASSWORD = 10
MAX_UNITS = 50
UNIT_LENGTH = 200
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
    """The datasets the contract assigns to a department (e.g. 公安局: residents, deaths and
    duty_roster)."""
    return [code for code, spec in DATASETS.items() if department in spec.department]


def add_user(session: Session, username: str, role: str, password: str, *,
             display_name: str = "", township: str | None = None,
             department: str | None = None, datasets: list[str] | None = None,
             units: list[str] | None = None) -> User:
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
    covered = _checked_units(session, units or []) if role in UNIT_ROLES else []
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise AccountError(f"用户 {username} 已存在")
    user = User(username=username, display_name=display_name or username, role=role,
                township=township if role == VERIFIER else None, department=department,
                datasets=scope, units=covered, password_hash=hash_password(password),
                active=True,
                created_at=datetime.now(UTC))
    session.add(user)
    session.flush()
    return user


def change_township(session: Session, user: User, township: str) -> str:
    """Set the township a verifier covers, returning the one it covered before."""
    if user.role != VERIFIER:
        raise AccountError("只有乡镇核查人员有负责乡镇")
    township = township.strip()
    if not township:
        raise AccountError("乡镇核查人员必须指定乡镇")
    _check_township(session, township)
    previous = user.township or ""
    user.township = township
    return previous


def change_units(session: Session, user: User, units: list[str]) -> list[str]:
    """Set the police units an inspector or liaison covers, returning those covered before."""
    if user.role not in UNIT_ROLES:
        raise AccountError("只有公安督察人员和单位联络员有负责单位")
    previous = list(user.units or [])
    user.units = _checked_units(session, units)
    return previous


def split_units(text: str) -> list[str]:
    """Units as an admin types them: separated by 、, commas, semicolons or new lines."""
    for mark in ("，", ",", "；", ";", "\n"):
        text = text.replace(mark, "、")
    return list(dict.fromkeys(part.strip() for part in text.split("、") if part.strip()))


def known_units(session: Session) -> set[str]:
    """The police units the data names: of warnings, posts, police cases and findings."""
    found: set[str] = set()
    for column in (Warning.unit, OversightPost.unit, OversightCase.unit, OversightFinding.unit):
        found |= {name for name in session.scalars(select(column).distinct()) if name}
    return found


def _checked_units(session: Session, units: list[str]) -> list[str]:
    # As a township: a unit the data never names (a typo) could never be assigned a case.
    chosen = list(dict.fromkeys(unit.strip() for unit in units if unit.strip()))
    if not chosen:
        raise AccountError("公安督察人员和单位联络员必须指定负责单位")
    if len(chosen) > MAX_UNITS:
        raise AccountError(f"负责单位最多 {MAX_UNITS} 个")
    known = known_units(session)
    unknown = [unit for unit in chosen if unit not in known]
    if known and unknown:
        raise AccountError(f"数据中没有单位“{'、'.join(unknown)}”；已知单位："
                           f"{'、'.join(sorted(known))}")
    if any(len(unit) > UNIT_LENGTH for unit in chosen):
        raise AccountError(f"单位名称最长 {UNIT_LENGTH} 个字")
    return chosen


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


def log_in(reader: Session, writer: Session, username: str, password: str,
           address: str) -> LoginResult:
    """Check a password; failures are recorded, and too many lock the door a while.

    Failures count for 15 minutes, whatever succeeded in between (a success of the
    attacker's own account does not buy more guesses): 5 of an account from one address,
    20 from one address, and 5 of an account from anywhere. At an address where the
    account logged in before, only the first applies: failures of other names there (made
    up ones included) and of this one elsewhere never lock the owner out of their usual
    desk. A try refused by a limit is not recorded. An unknown name costs the same argon2
    verification as a known one, so that timing does not tell which names exist.

    The limits are read in `reader`'s transaction, which ends before argon2 runs (a third
    of a second), so that no lock is held meanwhile; `writer` then checks them again (tries
    checked at the same moment are recorded one at a time) and records this one.
    """
    attempt = _Attempt(username[:60], address, datetime.now(UTC))  # the column's width
    account = reader.execute(select(User.id, User.password_hash).where(
        User.username == username, User.active)).first()
    throttled = _throttled(reader, attempt, known=account is not None)
    reader.rollback()
    if throttled:
        return LoginResult(None, throttled=True)
    checked = account.password_hash if account is not None else _dummy_hash()
    succeeded = _verify(checked, password)
    _one_at_a_time(writer, f"login-address:{address}", f"login-user:{attempt.username}")
    if _throttled(writer, attempt, known=account is not None):
        return LoginResult(None, throttled=True)
    user = writer.get(User, account.id) if account is not None and succeeded else None
    if user is not None and (not user.active or user.password_hash != checked):
        user = None  # deactivated, or given a new password, while this one was checked
    _record(writer, attempt, succeeded=user is not None)
    if user is not None and _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return LoginResult(user)


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


def _purging_alone(session: Session) -> bool:
    """Whether no other login is deleting old failures: on PostgreSQL two that did would
    lock the same rows, perhaps in another order; the next login's purge will do."""
    if session.get_bind().dialect.name != "postgresql":
        return True  # the write lock is held
    return bool(session.scalar(select(func.pg_try_advisory_xact_lock(_lock_key("login-purge")))))


def _lock_key(subject: str) -> int:
    return int.from_bytes(hashlib.sha256(subject.encode()).digest()[:8], "big", signed=True)


def _one_at_a_time(session: Session, *subjects: str) -> None:
    """Recording the tries of one address, and of one account, takes turns until the
    transaction ends: tries checked at the same moment would otherwise all be recorded past
    a limit. SQLite's write lock, which the recording transaction takes first, does this
    there; on PostgreSQL an advisory lock per subject (always address first, so no two wait
    on each other)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for subject in subjects:
        session.execute(select(func.pg_advisory_xact_lock(_lock_key(subject))))


@dataclass(frozen=True)
class _Attempt:
    username: str
    address: str
    at: datetime


def _throttled(session: Session, attempt: _Attempt, *, known: bool) -> bool:
    by_user = LoginAttempt.username == attempt.username
    by_address = LoginAttempt.address == attempt.address
    if _recent_failures(session, by_user & by_address, attempt.at) >= MAX_FAILURES_PER_USER:
        return True
    if known and _usual_address(session, attempt):
        return False
    return (_recent_failures(session, by_address, attempt.at) >= MAX_FAILURES_PER_ADDRESS
            or _recent_failures(session, by_user, attempt.at) >= MAX_FAILURES_PER_USER)


def _recent_failures(session: Session, who: ColumnElement[bool], now: datetime) -> int:
    return int(session.scalar(select(func.count()).select_from(LoginAttempt).where(
        who, LoginAttempt.at > now - THROTTLE_WINDOW, ~LoginAttempt.succeeded)) or 0)


def _usual_address(session: Session, attempt: _Attempt) -> bool:
    """Whether this account logged in successfully from this address before."""
    return bool(session.scalar(select(exists().where(
        LoginAttempt.username == attempt.username, LoginAttempt.address == attempt.address,
        LoginAttempt.succeeded))))


def _record(session: Session, attempt: _Attempt, *, succeeded: bool) -> None:
    """Record a try, and forget what no limit reads any more: failures older than the
    window, and all but the newest success of an account at an address."""
    if _purging_alone(session):
        session.execute(delete(LoginAttempt).where(
            LoginAttempt.at <= attempt.at - THROTTLE_WINDOW, ~LoginAttempt.succeeded))
    if succeeded:
        session.execute(delete(LoginAttempt).where(
            LoginAttempt.username == attempt.username, LoginAttempt.address == attempt.address,
            LoginAttempt.succeeded))
    session.add(LoginAttempt(username=attempt.username, address=attempt.address,
                             at=attempt.at, succeeded=succeeded))
