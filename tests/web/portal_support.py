"""Fixtures for portal tests: the tiny county of tests/publish_county.py, published into the
workbench's database. Test modules import the fixtures they use from here."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from sunlight.appdb.publication_tables import Publication
from sunlight.contract.catalog import load_catalog
from sunlight.publish.extract import Extract, extract
from sunlight.publish.store import publish
from sunlight.warehouse.duckdb_engine import DuckDBEngine
from tests.publish_county import ingested
from tests.web.conftest import StaffApp


@pytest.fixture(scope="session")
def county_rows(tmp_path_factory: pytest.TempPathFactory) -> Extract:
    """The tiny county's publication rows, computed once."""
    warehouse = ingested(tmp_path_factory.mktemp("county") / "home")
    engine = DuckDBEngine()
    try:
        return extract(engine, warehouse, load_catalog())
    finally:
        engine.close()


@dataclass
class Portal:
    staff_app: StaffApp
    rows: Extract

    def publish(self) -> Publication:
        with self.staff_app.session() as session:
            written = publish(session, self.rows, load_catalog(), actor="test")
            session.commit()
            return written.publication

    def client(self) -> TestClient:
        return self.staff_app.client()


@pytest.fixture
def portal(staff_app: StaffApp, county_rows: Extract) -> Iterator[Portal]:
    """The app with the tiny county published once (version 1)."""
    built = Portal(staff_app, county_rows)
    built.publish()
    yield built


def village_link(html: str, name: str) -> str:
    """The href of the link to village `name` on a page."""
    match = re.search(rf'href="(/village/[0-9a-f]+)">{name}<', html)
    assert match, f"no link to {name}"
    return match.group(1)
