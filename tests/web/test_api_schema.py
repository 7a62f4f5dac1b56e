"""Property-based: schemathesis reads the API's own OpenAPI document (/api/v1/openapi.json),
generates requests from it (bodies that keep to it and bodies that break it) and sends them,
with a valid token, to the app in process; and Hypothesis sends batches with the payments
columns and any text in their cells. No answer may be a 500 or break the document (status,
content type, headers, body schema)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from sunlight.contract.datasets import dataset
from tests.web.api_support import PAYER, ROW, api_app, bearer, token_for
from tests.web.conftest import StaffApp

EXAMPLES = 60
READABLE_BY_SCHEMA = positive_data_acceptance
"""Not checked: a body the document accepts may still be a batch ingestion refuses (no
header among its column names: 422 with the reason), which no JSON schema can say."""
COLUMNS = [column.name for column in dataset("payments").columns]
HEADERS = [column.label for column in dataset("payments").columns]


@pytest.fixture
def api(tmp_path: Path, sqlite_template: Path) -> Iterator[StaffApp]:
    # A limit no run reaches: the limit's own test is in test_screen_api.py.
    built = api_app(tmp_path / "home", sqlite_template, api_screens_per_minute=1_000_000,
                    api_applications_per_minute=1_000_000)
    yield built
    built.app.state.api_workers.close()
    built.app.state.engine.dispose()


@pytest.fixture
def secret(api: StaffApp) -> str:
    return token_for(api, PAYER)


def operation(api: StaffApp, path: str, method: str) -> schemathesis.APIOperation:
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", api.app)[path][method]


@pytest.mark.parametrize("path, method, mode", [
    ("/screen", "POST", GenerationMode.POSITIVE), ("/screen", "POST", GenerationMode.NEGATIVE),
    ("/screen/application", "POST", GenerationMode.POSITIVE),
    ("/screen/application", "POST", GenerationMode.NEGATIVE),
    ("/problems", "GET", GenerationMode.POSITIVE)])
def test_every_answer_keeps_to_the_document(api: StaffApp, secret: str, path: str,
                                            method: str, mode: GenerationMode) -> None:
    @given(case=operation(api, path, method).as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def answer_keeps_to_it(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=bearer(secret), excluded_checks=[READABLE_BY_SCHEMA])

    answer_keeps_to_it()


cells = st.text(st.characters(codec="utf-8"), max_size=30) | st.sampled_from(list(ROW.values()))
payment_rows = st.lists(
    st.fixed_dictionaries({key: cells for key in ROW},
                          optional={name: cells for name in COLUMNS if name not in ROW}),
    min_size=1, max_size=8)


def test_messy_payment_rows_are_screened_and_answered_as_documented(api: StaffApp,
                                                                    secret: str) -> None:
    """Rows with the payments columns (canonical names, or the contract's headers) and any
    text in their cells: each is screened (200) or the batch refused with a reason (422)."""
    screen = operation(api, "/screen", "POST")

    @given(rows=payment_rows, chinese=st.booleans())
    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def screened(rows: list[dict[str, str]], chinese: bool) -> None:
        if chinese:
            rows = [{HEADERS[COLUMNS.index(key)]: text for key, text in row.items()}
                    for row in rows]
        case = screen.Case(body={"dataset": "payments", "rows": rows},
                           media_type="application/json")
        answer = case.call_and_validate(headers=bearer(secret),
                                        excluded_checks=[READABLE_BY_SCHEMA])
        assert answer.status_code in (200, 422)
        if answer.status_code == 200:
            body = answer.json()
            assert len(body["rows"]) <= len(rows)
            assert body["held"] + body["passed"] + body["unreadable"] == len(body["rows"])

    screened()


def test_the_document_describes_the_screening_operation(api: StaffApp) -> None:
    document = TestClient(api.app).get("/api/v1/openapi.json").json()
    screen = document["paths"]["/screen"]["post"]
    assert document["servers"] == [{"url": "/api/v1"}]
    assert set(screen["responses"]) == {"200", "401", "403", "408", "413", "415", "422",
                                        "429", "503"}
    assert screen["security"] == [{"bearer": []}]
    assert screen["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ScreenRequest"}
    schemas = document["components"]["schemas"]
    assert {"ScreenRequest", "ScreenResponse", "VerdictRow", "Problem"} <= set(schemas)
    assert schemas["VerdictRow"]["properties"]["verdict"]["enum"] == ["hold", "pass",
                                                                     "unreadable"]
    dataset = schemas["ScreenRequest"]["properties"]["dataset"]
    assert dataset["enum"] == ["payments", "enterprise_payments"]
    assert "enterprise_payments" in dataset["description"]
    application = document["paths"]["/screen/application"]["post"]
    assert set(application["responses"]) == set(screen["responses"])
    assert {"ApplicationRequest", "ApplicationResponse", "Finding"} <= set(schemas)
