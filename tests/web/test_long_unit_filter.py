"""A unit's name as long as ingestion keeps it (200 characters) is a filter like any other:
the board and the 督察 views answer it, and the dashboard's links to it work."""

from __future__ import annotations

from urllib.parse import quote_plus

from tests.web.bureau_story import bureau, bureau_home
from tests.web.conftest import StaffApp

__all__ = ["bureau", "bureau_home"]


def test_a_unit_of_200_characters_filters_and_one_longer_is_refused(bureau: StaffApp):
    client = bureau.client("analyst")
    longest, beyond = quote_plus("派" * 200), quote_plus("派" * 201)
    assert client.get(f"/staff/warnings?unit={longest}").status_code == 200
    assert client.get(f"/staff/oversight/cases?unit={longest}").status_code == 200
    refused = client.get(f"/staff/warnings?unit={beyond}")
    assert refused.status_code == 400 and "参数有误" in refused.text
