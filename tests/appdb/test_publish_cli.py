"""`sunlight publish`, `--list` and `--withdraw` against each app database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from sunlight.appdb.database import make_engine, session_factory
from sunlight.appdb.publication_tables import Publication
from sunlight.cli.app import app
from tests.publish_county import ingested

runner = CliRunner()


def test_publish_list_and_withdraw(home: Path, empty_url: str,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUNLIGHT_DATABASE_URL", empty_url)
    refused = runner.invoke(app, ["publish"])
    assert refused.exit_code == 2 and "nothing to publish" in refused.output

    ingested(home)
    for version in (1, 2):
        result = runner.invoke(app, ["publish"])
        assert result.exit_code == 0, result.output
        assert f"Published version {version}" in result.output
        assert "8 beneficiaries" in result.output and "4 company payments" in result.output

    result = runner.invoke(app, ["publish", "--withdraw", "2", "--reason", "名单有误"])
    assert result.exit_code == 0 and "now shows version 1" in result.output
    again = runner.invoke(app, ["publish", "--withdraw", "2"])
    assert again.exit_code == 2 and "not a published version" in again.output
    listed = runner.invoke(app, ["publish", "--list"])
    assert listed.exit_code == 0 and "名单有误" in listed.output

    engine = make_engine(empty_url)
    with session_factory(engine)() as session:
        statuses = [(p.version, p.status) for p in session.scalars(
            select(Publication).order_by(Publication.version))]
    engine.dispose()
    assert statuses == [(1, "published"), (2, "withdrawn")]
