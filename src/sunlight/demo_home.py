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
    """The ingested files that did not come from the demo county."""
    county = demo_county(settings).resolve()
    return [batch for batch in Warehouse(settings.warehouse_dir).batches()
            if not Path(batch.data["source_path"]).is_relative_to(county)]
