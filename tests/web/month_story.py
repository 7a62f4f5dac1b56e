"""Two months of duty at two units of a bureau (contract §6), ingested and detected for real.

The brigade's checkpoint went unstaffed on 12 February, and four of its cases were closed
before they were received (程序倒置): five problems. The station's checkpoint went unstaffed
on 20, 25 and 27 February, and three of its cases are overdue: four problems, or seven if each
overdue case were counted again by its 案件超期 warning. The roster runs to 31 March; the
as-of date is 10 March.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from sunlight.accounts.users import add_user
from sunlight.contract.roles import INSPECTOR
from tests.models.county import County
from tests.web.bureau_story import detect
from tests.web.conftest import PASSWORD, StaffApp

BRIGADE, STATION = "交警大队", "八渡乡派出所"
BRIGADE_POST, STATION_POST = "G85卡口", "八渡卡口"
STATION_GAPS = ("2024-02-20", "2024-02-25", "2024-02-27")
ACCOUNTS = {"inspector_both": [BRIGADE, STATION], "inspector_station": [STATION]}
"""Login name → the units of an inspector, made once the data names the units."""

county = County()
guard = county.person("杨军", "1984-04-14", registered=False)


def _days(first: date, last: date) -> list[str]:
    return [(first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]


def _staffed(unit: str, post: str, gaps: tuple[str, ...]) -> None:
    county.post(unit, post, "白班", kind="卡口", file="站点.csv")
    for day in _days(date(2024, 2, 1), date(2024, 3, 31)):
        if day not in gaps:
            county.on_duty(guard, day, "白班", "值班民警", unit, post=post,
                           police_number="061234")


_staffed(BRIGADE, BRIGADE_POST, ("2024-02-12",))
_staffed(STATION, STATION_POST, STATION_GAPS)
for n in range(1, 5):  # 办结 before 受理: CASE_STEP_ORDER, within every limit
    county.add("police_cases", "案件.csv", case_no=f"J202400{n}", unit=BRIGADE, category="行政",
               handler_name="李警官", received_at="2024-03-10 09:00",
               closed_at="2024-03-05 09:00", status="已办结")
for n in range(1, 4):  # 行政, open 38 days at the as-of date against a limit of 30
    county.add("police_cases", "案件.csv", case_no=f"B202400{n}", unit=STATION, category="行政",
               handler_name="王警官", received_at="2024-02-01 09:00", status="办理中")


@pytest.fixture(scope="module")
def month_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """SUNLIGHT_HOME with the two months ingested (not yet detected)."""
    return county.ingested(tmp_path_factory.mktemp("month"))


def detected(staff_app: StaffApp, home: Path) -> StaffApp:
    """The workbench with the two months detected into it and the inspectors of ACCOUNTS."""
    detect(home, staff_app.settings.database_url)
    with staff_app.session() as session:
        for username, units in ACCOUNTS.items():
            user = add_user(session, username, INSPECTOR, PASSWORD, display_name=username,
                            units=units)
            staff_app.users[username] = user.id
        session.commit()
    return staff_app


@pytest.fixture
def month(staff_app: StaffApp, month_home: Path) -> StaffApp:
    return detected(staff_app, month_home)
