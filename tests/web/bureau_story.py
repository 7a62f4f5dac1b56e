"""A tiny public-security bureau (contract §6), ingested and detected for real, for the 督察
views: a traffic brigade whose checkpoint had nobody on the night of 2 March, a police station
with a window staffed throughout and a post left empty on 3 March, cases of each category
against their limits (two 涉疫) and inspection findings, one overdue."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from sunlight.accounts.users import add_user
from sunlight.appdb.tables import Warning
from sunlight.contract.roles import INSPECTOR, LIAISON
from sunlight.detect import run_detection
from sunlight.settings import Settings
from tests.models.county import County
from tests.web.conftest import PASSWORD, StaffApp

TRAFFIC, STATION = "交警大队", "城关派出所"
DAYS = ("2024-03-01", "2024-03-02", "2024-03-03", "2024-03-04")
CHECKPOINT, WINDOW, GATE = "G85千阳卡口", "户籍窗口", "东关卡口"
POLICE_MODELS = ("DUTY_ABSENT", "LEADER_ABSENT", "POST_UNCOVERED", "CASE_OVERDUE",
                 "CASE_STEP_ORDER", "RECTIFICATION_OVERDUE")
ACCOUNTS = {
    "inspector": (INSPECTOR, [TRAFFIC, STATION]),
    "inspector_traffic": (INSPECTOR, [TRAFFIC]),
    "liaison_traffic": (LIAISON, [TRAFFIC]),
    "liaison_station": (LIAISON, [STATION]),
}
"""Login name → role and units, made once the data names the units."""

county = County()
guard = county.person("杨军", "1984-04-14", registered=False)
leader = county.person("周正", "1975-06-01", registered=False)


def staffed(unit: str, post: str, shift: str, days: tuple[str, ...] = DAYS) -> None:
    for day in days:
        county.on_duty(guard, day, shift, "值班民警", unit, post=post, police_number="061234")


county.post(TRAFFIC, CHECKPOINT, kind="卡口", file="站点.csv")
staffed(TRAFFIC, CHECKPOINT, "白班")
staffed(TRAFFIC, CHECKPOINT, "夜班", ("2024-03-01", "2024-03-03", "2024-03-04"))
county.post(STATION, WINDOW, "白班", kind="窗口", file="站点.csv")
staffed(STATION, WINDOW, "白班")
county.post(STATION, GATE, "白班", kind="卡口", active_from="2024-03-02", file="站点.csv")
staffed(STATION, GATE, "全天", ("2024-03-02", "2024-03-04"))
for day in DAYS:  # the station's leader on call every day: no LEADER_ABSENT
    county.on_duty(leader, day, "全天", "带班领导", STATION, police_number="060001")


def police_case(case_no: str, unit: str, category: str, received: str, **steps: str) -> None:
    county.add("police_cases", "案件.csv", case_no=case_no, unit=unit, category=category,
               handler_name="李警官", received_at=received, **steps)


# 涉疫: closed on its 15th day; and still open 23 days after 受理 at the as-of date (4 March).
police_case("A2024001", STATION, "涉疫", "2024-02-01 09:00", closed_at="2024-02-16 10:00",
            status="已办结")
police_case("A2024002", STATION, "涉疫", "2024-02-10 09:00", status="办理中")
# 行政 closed on day 35 (late); 刑事 filed on day 3 (on time); 行政 open 3 days (within).
police_case("A2024003", STATION, "行政", "2024-01-10 09:00", closed_at="2024-02-14 16:00",
            status="已办结")
police_case("A2024004", STATION, "刑事", "2024-02-20 09:00", filed_at="2024-02-23 09:00",
            measures_at="2024-02-24 09:00", status="办理中")
police_case("A2024005", TRAFFIC, "行政", "2024-03-01 09:00", status="办理中")
police_case("A2024006", TRAFFIC, "刑事", "2024-03-04 08:00", status="办理中")

county.add("inspection_findings", "督察问题.csv", finding_no="DC001", unit=STATION,
           found_on="2024-02-01", category="值守", description="卡口无人值守",
           rectify_by="2024-02-20", inspector="督察支队")
county.add("inspection_findings", "督察问题.csv", finding_no="DC002", unit=TRAFFIC,
           found_on="2024-02-01", category="装备", description="执法记录仪缺电",
           rectify_by="2024-02-20", rectified_on="2024-02-18", inspector="督察支队")


@pytest.fixture(scope="module")
def bureau_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """SUNLIGHT_HOME with the bureau ingested (not yet detected)."""
    return county.ingested(tmp_path_factory.mktemp("bureau"))


def detect(home: Path, database_url: str, as_of: date | None = None) -> None:
    """The police models run over the bureau into this database."""
    run_detection(Settings(home=home, database_url=database_url), POLICE_MODELS, as_of=as_of)


@pytest.fixture
def bureau(staff_app: StaffApp, bureau_home: Path) -> StaffApp:
    """The workbench with the bureau detected into it and the police accounts."""
    detect(bureau_home, staff_app.settings.database_url)
    add_accounts(staff_app)
    return staff_app


def uncovered(app: StaffApp, unit: str, post: str) -> Warning:
    """The post's POST_UNCOVERED warning."""
    with app.session() as session:
        found = session.scalar(select(Warning).where(Warning.model == "POST_UNCOVERED",
                                                     Warning.subject == f"{unit}/{post}"))
    assert found is not None
    return found


def add_accounts(staff_app: StaffApp) -> None:
    """The police staff of ACCOUNTS, once detection named the units."""
    with staff_app.session() as session:
        for username, (role, units) in ACCOUNTS.items():
            user = add_user(session, username, role, PASSWORD, display_name=username,
                            units=units)
            staff_app.users[username] = user.id
        session.commit()
