"""The shared sample county (written independently of Sunlight) ingested and published into
the portal's database, with every ID number and account it holds."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from sunlight.appdb.publication_tables import Publication
from sunlight.contract.catalog import load_catalog
from sunlight.ingest.pipeline import ingest, plan_delivery
from sunlight.publish.extract import extract
from sunlight.publish.store import publish
from sunlight.warehouse.duckdb_engine import DuckDBEngine
from sunlight.warehouse.store import Warehouse
from sunlight.warehouse.tables import open_warehouse
from tests.web.portal_support import Portal

SECRETS = """
SELECT id_number AS s FROM residents UNION SELECT id_number_as_written FROM residents
UNION SELECT household_id FROM residents WHERE length(household_id) >= 15
UNION SELECT id_number FROM payments UNION SELECT id_number_as_written FROM payments
UNION SELECT account FROM payments UNION SELECT account FROM enterprise_payments
UNION SELECT id_number FROM approvals UNION SELECT id_number FROM enrollments
"""


def published_sample(portal: Portal, county: Path, tmp_path: Path) -> tuple[TestClient,
                                                                           set[str]]:
    """The sample county as the portal's newest publication, and what must never show."""
    warehouse = Warehouse(tmp_path / "warehouse")
    ingest(warehouse, plan_delivery(county / "delivery"), workers=2)
    engine = DuckDBEngine()
    try:
        rows = extract(engine, warehouse, load_catalog())
        secrets_engine = DuckDBEngine()
        open_warehouse(secrets_engine, warehouse)
        secrets = {s.strip().upper() for s in secrets_engine.query(SECRETS).column("s")
                   .to_pylist() if s and len(s.strip()) >= 12}
        secrets_engine.close()
    finally:
        engine.close()
    with portal.staff_app.session() as session:
        publication: Publication = publish(session, rows, load_catalog(),
                                           actor="test").publication
        session.commit()
    assert publication.version == 2
    return portal.client(), secrets
