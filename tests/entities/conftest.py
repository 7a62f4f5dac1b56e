"""Entity tests run on SQLite and on PostgreSQL (fixtures in tests/databases.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from sunlight.appdb.database import make_engine, session_factory


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    engine = make_engine(db_url)
    with session_factory(engine)() as session:
        yield session
    engine.dispose()
