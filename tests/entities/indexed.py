"""The tiny county of tests/entities/county.py ingested once per test module, detected into a
workbench's database with the entity index built, and the addresses of its entity pages."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from sunlight.detect import DetectionRun, run_detection
from sunlight.entities.refs import ref_for
from sunlight.settings import Settings
from tests.entities.county import county
from tests.web.conftest import StaffApp


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """SUNLIGHT_HOME with the county ingested (not yet detected)."""
    home = tmp_path_factory.mktemp("county") / "home"
    county.run(home)
    return home


def detected(home: Path, database_url: str,
             models: Sequence[str] = ("SHARED_ACCOUNT",)) -> DetectionRun:
    """The models run over the ingested county into this database, the index built."""
    return run_detection(Settings(home=home, database_url=database_url), list(models))


def entity_address(staff_app: StaffApp, kind: str, key: str) -> str:
    """The page of (kind, key) in this workbench."""
    with staff_app.session() as session:
        ref = ref_for(session, kind, key)
        session.commit()
    return f"/staff/entities/{kind}/{ref}"
