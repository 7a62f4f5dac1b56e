"""A build from nothing hands the engine's rows to the database a batch at a time (entities,
links, payment runs, the snapshot, the search box's tables): however small the batches, the
index is the one written in a single batch."""

from __future__ import annotations

import json
import shutil
from functools import partial
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import sunlight.detect as detect
from sunlight.detect import run_detection
from sunlight.entities import snapshot
from sunlight.entities.build import rebuild_index
from sunlight.settings import Settings
from tests.entities.test_scoped_build import MODELS, _contents, _same_secret


def test_a_build_streamed_in_tiny_batches_writes_the_same_index(
        ingested: Path, tmp_path: Path, db_url: str, migrated_sqlite: Path,
        monkeypatch: pytest.MonkeyPatch):
    whole_home, streamed_home = tmp_path / "whole", tmp_path / "streamed"
    shutil.copytree(ingested, whole_home, symlinks=True)
    shutil.copytree(ingested, streamed_home, symlinks=True)
    first = run_detection(Settings(home=whole_home, database_url=db_url), MODELS)
    assert first.index is not None and first.index.whole
    streamed_url = _same_secret(db_url, tmp_path / "streamed.db", migrated_sqlite)
    monkeypatch.setattr(detect, "rebuild_index", partial(rebuild_index, batch_rows=2))
    streamed = run_detection(Settings(home=streamed_home, database_url=streamed_url), MODELS)
    assert streamed.index is not None and streamed.index.whole
    assert streamed.index.total == first.index.total > 2  # many batches of two
    assert streamed.index.payment_runs == first.index.payment_runs > 2
    contents = _contents(db_url)
    assert contents["grams"] and contents["keys"] and contents["payments"]
    assert _contents(streamed_url) == contents
    assert _snapshot(streamed_home) == _snapshot(whole_home)


def _snapshot(home: Path) -> dict[str, list[str]]:
    """The rows of each part of the home's one snapshot, in a comparable spelling."""
    [where] = (home / "entity-index").iterdir()
    return {part: sorted(json.dumps(row, default=str, sort_keys=True, ensure_ascii=False)
                         for row in pq.read_table(where / f"{part}.parquet").to_pylist())
            for part in snapshot.PARTS}

