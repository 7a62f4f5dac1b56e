"""A generated county's next month (tests/screening/next_month.py) screened through the
workbench page and through the HTTP API: every injected bad row held for its model, no clean
look-alike or continuing payee held — as the core and `sunlight screen` judge it."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from fastapi.testclient import TestClient

from sunlight.accounts.users import add_user
from sunlight.contract.roles import OFFICER
from sunlight.settings import Settings
from sunlight.web.app import create_app
from tests.screening.next_month import NextMonth, misjudged
from tests.web.api_support import bearer, token_for
from tests.web.conftest import PASSWORD, SECRET_KEY, StaffApp, make_staff_app
from tests.web.screening_support import add_finance_officers, screened


def test_the_page_holds_every_bad_row_for_its_model_and_no_clean_row(
        next_month: NextMonth, tmp_path: Path) -> None:
    home = next_month.home_copy(tmp_path / "home").home
    staff_app = make_staff_app(home, f"sqlite:///{tmp_path}/app.db")
    try:
        add_finance_officers(staff_app)
        client = staff_app.client("caizheng")
        location = screened(staff_app, client, next_month.batch.name,
                            next_month.batch.read_bytes())
        download = client.get(f"{location}/verdicts.csv")
    finally:
        staff_app.app.state.engine.dispose()
    assert download.status_code == 200
    rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))
    verdicts = ((int(r["row"]), r["verdict"], r["models"].split(";") if r["models"] else [])
                for r in rows)
    assert misjudged(verdicts, next_month.truth) == []
    assert sum(r["verdict"] == "hold" for r in rows) >= 14


def test_the_api_holds_every_bad_row_for_its_model_and_no_clean_row(
        next_month: NextMonth, tmp_path: Path) -> None:
    home = next_month.home_copy(tmp_path / "home").home
    app = create_app(Settings(home=home, secret_key=SECRET_KEY))
    try:
        with app.state.sessions() as session:
            add_user(session, "payer", OFFICER, PASSWORD, datasets=["payments"])
            session.commit()
        secret = token_for(StaffApp(app, app.state.settings, {}), "payer")
        rows, truth = next_month.json_batch()
        response = TestClient(app).post("/api/v1/screen", json={"dataset": "payments",
                                                                "rows": rows},
                                        headers=bearer(secret))
    finally:
        app.state.engine.dispose()
    assert response.status_code == 200, response.text
    answer = response.json()
    verdicts = ((row["row"], row["verdict"], row["models"]) for row in answer["rows"])
    assert misjudged(verdicts, truth) == []
    assert answer["held"] >= 14 and len(answer["rows"]) == len(rows)
