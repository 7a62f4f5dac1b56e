"""A demo's SUNLIGHT_HOME: what `sunlight demo` writes, and how to tell a county's own data.

The demo runs on a built-in secret and published passwords, so it must never end up serving
real data: a home whose warehouse holds files from anywhere but the demo county is not one.
"""

from __future__ import annotations

from pathlib import Path

from sunlight.settings import Settings
from sunlight.warehouse.store import BatchRecord, Warehouse


def demo_county(settings: Settings) -> Path:
    """Where `sunlight demo` generates its county."""
    return settings.home / "demo-county"


def foreign_batches(settings: Settings) -> list[BatchRecord]:
    """The ingested files that came neither from the demo county nor from the workbench's
    uploads into this home (someone trying the upload page of the demo)."""
    own = (demo_county(settings).resolve(), settings.uploads_dir.resolve())
    return [batch for batch in Warehouse(settings.warehouse_dir).batches()
            if not any(Path(batch.data["source_path"]).is_relative_to(folder)
                       for folder in own)]
