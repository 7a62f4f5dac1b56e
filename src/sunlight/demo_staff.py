"""The demo's staff: one account per role, and a few warnings already assigned, so that a
visitor can log in as a verifier and find work waiting; with a bureau in the data, a 督察
over all its units and the liaison of the unit with most open police warnings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sunlight.accounts.users import add_user, known_units
from sunlight.appdb.account_tables import User
from sunlight.appdb.tables import Warning
from sunlight.cases.workflow import case_for_warning, take
from sunlight.contract.cases import CLOSED, OPEN, RETRACTED
from sunlight.contract.roles import ADMIN, ANALYST, INSPECTOR, LIAISON, OFFICER, VERIFIER
from sunlight.publish.township_phones import set_phones, township_phones
from sunlight.web.reference import warning_case_title

DEMO_PASSWORD = "sunlight-demo"
ASSIGNED = 5


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    role: str
    scope: str


def busiest_township(session: Session) -> str:
    """The township with the most warnings: the demo verifier works there."""
    row = session.execute(
        select(Warning.township, func.count()).where(Warning.township != "")
        .group_by(Warning.township).order_by(func.count().desc(), Warning.township).limit(1)
    ).first()
    return row[0] if row else "城关镇"


def busiest_unit(session: Session) -> str:
    """The police unit with the most open warnings ('' without any): its liaison has work."""
    row = session.execute(
        select(Warning.unit, func.count()).where(
            Warning.unit != "", Warning.status.not_in((CLOSED, RETRACTED)))
        .group_by(Warning.unit).order_by(func.count().desc(), Warning.unit).limit(1)
    ).first()
    return row[0] if row else ""


def create_demo_staff(session: Session) -> list[DemoAccount]:
    """The demo accounts (kept if they exist), and the verifier's first assignments."""
    township = busiest_township(session)
    wanted: list[tuple[str, str, str, str | None, str | None, list[str]]] = [
        ("analyst", "县纪委监委 李分析", ANALYST, None, None, []),
        ("verifier", f"{township} 王核查", VERIFIER, township, None, []),
        ("officer", "县财政局 张专员", OFFICER, None, "财政局", []),
        ("admin", "信息中心 赵管理", ADMIN, None, None, []),
    ]
    units, unit = sorted(known_units(session)), busiest_unit(session)
    if units:  # the data has a bureau
        wanted.append(("inspector", "县公安局督察大队 孙督察", INSPECTOR, None, None, units))
        liaison_unit = unit or units[0]
        wanted.append(("liaison", f"{liaison_unit} 刘联络", LIAISON, None, None,
                       [liaison_unit]))
    accounts = []
    for username, name, role, home_township, department, covered in wanted:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            user = add_user(session, username, role, DEMO_PASSWORD, display_name=name,
                            township=home_township, department=department, units=covered)
        accounts.append(DemoAccount(username, user.display_name, role,
                                    user.township or "、".join(user.units or user.datasets)))
    _assign_first_warnings(session, township)
    return accounts


def _assign_first_warnings(session: Session, township: str) -> None:
    analyst = session.scalar(select(User).where(User.username == "analyst"))
    verifier = session.scalar(select(User).where(User.username == "verifier"))
    if analyst is None or verifier is None or verifier.township != township:
        return
    warnings = session.scalars(
        select(Warning).where(Warning.township == township, Warning.status == OPEN)
        .order_by(Warning.score.desc()).limit(ASSIGNED)
    ).all()
    for warning in warnings:
        case = case_for_warning(session, warning, warning_case_title(warning))
        take(session, case, "assign", analyst, {"assignee": str(verifier.id)},
             expected_version=case.version, address="demo")


def give_townships_phones(session: Session) -> dict[str, str]:
    """Made-up office phones for the demo's townships, so that its rosters show one beside
    12388 as a county's would once its admin entered them."""
    phones = {township: f"0917-32{index:05d}"
              for index, township in enumerate(township_phones(session), start=11)}
    set_phones(session, phones, actor="demo")
    return phones
