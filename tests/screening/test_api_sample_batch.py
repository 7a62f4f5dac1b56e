"""The shared sample's pending batch, sent through POST /api/v1/screen as JSON rows under
its own headers, screens as its screen_truth.csv says."""

from __future__ import annotations

import csv

from fastapi.testclient import TestClient

from sunlight.accounts.users import add_user
from sunlight.contract.roles import OFFICER
from sunlight.settings import Settings
from sunlight.web.app import create_app
from tests.screening.conftest import BATCH, screen_truth
from tests.web.api_support import bearer, token_for
from tests.web.conftest import PASSWORD, SECRET_KEY, StaffApp


def test_the_sample_batch_screens_through_the_api_as_its_truth_says(home_copy: Settings):
    app = create_app(Settings(home=home_copy.home, secret_key=SECRET_KEY))
    with app.state.sessions() as session:
        add_user(session, "payer", OFFICER, PASSWORD, datasets=["payments"])
        session.commit()
    secret = token_for(StaffApp(app, app.state.settings, {}), "payer")
    with BATCH.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    response = TestClient(app).post("/api/v1/screen", json={"dataset": "payments",
                                                            "rows": rows},
                                    headers=bearer(secret))
    app.state.engine.dispose()
    assert response.status_code == 200, response.text
    answer = response.json()
    truth = screen_truth()
    verdicts = {row["row"]: row for row in answer["rows"]}
    assert sorted(verdicts) == sorted(truth)
    wrong = [(number, verdicts[number]["verdict"], verdicts[number]["models"], expected)
             for number, expected in truth.items() if not _as_truth_says(verdicts[number],
                                                                         expected)]
    assert wrong == []
    assert answer["unreadable"] == 0 and answer["not_run"] == []
    assert answer["held"] + answer["passed"] == len(truth)
    assert answer["held"] == sum(row["verdict"] == "hold" for row in answer["rows"])


def _as_truth_says(verdict: dict, expected: dict[str, str]) -> bool:
    """A `hold` row held by its model, a `pass` row passed; an `either` row (the first of
    a pair) as it may be."""
    if expected["expect"] == "hold":
        return verdict["verdict"] == "hold" and expected["model"] in verdict["models"]
    return expected["expect"] != "pass" or verdict["verdict"] == "pass"
