"""`sunlight publish` end to end: the warehouse read, the next version written and audited."""

from __future__ import annotations

from sunlight.appdb.database import database_url, make_engine, session_factory, upgrade, writing
from sunlight.audit.key import bind
from sunlight.contract.catalog import load_catalog
from sunlight.detect import fingerprint
from sunlight.publish.extract import extract
from sunlight.publish.store import Written, publish
from sunlight.settings import Settings
from sunlight.warehouse.duckdb_engine import engine_for
from sunlight.warehouse.store import Warehouse

PAID_DATASETS = ("payments", "enterprise_payments")
"""What a publication lists: payments to persons, and to companies."""


class NothingToPublish(RuntimeError):
    """The warehouse holds no payments: a publication would be empty."""


def run_publication(settings: Settings, *, actor: str, address: str = "") -> Written:
    """Publish what the warehouse holds now as the next version, in one transaction."""
    warehouse = Warehouse(settings.warehouse_dir)
    if not any(b.dataset in PAID_DATASETS for b in warehouse.batches()):
        raise NothingToPublish(
            f"no payments in the warehouse ({settings.warehouse_dir.resolve()}); ingest a "
            "delivery first (`sunlight ingest <folder>`)")
    catalog = load_catalog(settings.catalog)
    engine = engine_for(settings)
    try:
        rows = extract(engine, warehouse, catalog)
    finally:
        engine.close()
    url = database_url(settings)
    upgrade(url)
    db = make_engine(url)
    try:
        with bind(session_factory(db), settings)() as session:
            writing(session)
            written = publish(session, rows, catalog, actor=actor,
                              fingerprint=fingerprint(warehouse), address=address)
            session.commit()
    finally:
        db.dispose()
    return written
