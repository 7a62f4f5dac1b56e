"""The 督察 views (网上督察) over a tiny bureau ingested and detected for real."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from sunlight.appdb.tables import Warning
from tests.web.bureau_story import (
    CHECKPOINT,
    GATE,
    STATION,
    TRAFFIC,
    WINDOW,
    add_accounts,
    bureau_home,
    detect,
)
from tests.web.conftest import StaffApp
from tests.web.page_text import visible_text

__all__ = ["bureau_home"]


@pytest.fixture
def bureau(staff_app: StaffApp, bureau_home: Path) -> StaffApp:
    detect(bureau_home, staff_app.settings.database_url)
    add_accounts(staff_app)
    return staff_app


def get(app: StaffApp, user: str, url: str, status: int = 200) -> str:
    response = app.client(user).get(url)
    assert response.status_code == status, response.text[:2000]
    return response.text


def uncovered(app: StaffApp, unit: str, post: str) -> Warning:
    with app.session() as session:
        found = session.scalar(select(Warning).where(Warning.model == "POST_UNCOVERED",
                                                     Warning.subject == f"{unit}/{post}"))
    assert found is not None
    return found


def test_the_dashboard_ranks_units_by_their_problems(bureau: StaffApp):
    text = visible_text(get(bureau, "analyst", "/staff/oversight"))
    table = text.split("各单位问题排名", 1)[1]
    # The station: a post uncovered, two overdue cases (one open), one finding overdue; the
    # brigade: one post uncovered and nothing else.
    assert table.index(STATION) < table.index(TRAFFIC)
    assert "卡口漏岗" in table
    assert "判断截止日期：2024-03-04" in text
