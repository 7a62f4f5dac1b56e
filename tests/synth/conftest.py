"""One small generated county shared by the synth tests (generating takes about a second)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sunlight.synth import GenerationReport, generate_county
from tests.synth.readback import Delivery

PERSONS, SEED = 2000, 17


@pytest.fixture(scope="session")
def county(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, GenerationReport]:
    out = tmp_path_factory.mktemp("county")
    progress: list[tuple[str, int, int]] = []
    report = generate_county(out, PERSONS, SEED, progress=lambda *step: progress.append(step))
    assert progress and progress[-1][1] == progress[-1][2]
    return out, report


@pytest.fixture(scope="session")
def root(county: tuple[Path, GenerationReport]) -> Path:
    return county[0]


@pytest.fixture(scope="session")
def delivery(root: Path) -> Delivery:
    return Delivery(root).read()
