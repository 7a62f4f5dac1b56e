"""Warning IDs stay what they were before warnings named their subjects: same data, same IDs."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.samples.golden_ids import (
    COUNTIES,
    SAMPLES,
    V11_PROGRAMS,
    golden_path,
    read_golden,
    warning_ids,
)


@pytest.mark.parametrize("county", COUNTIES)
def test_every_v1_warning_keeps_its_id(county: str, tmp_path: Path) -> None:
    if not (SAMPLES / county).is_dir():
        pytest.skip(f"the shared sample {county} is not beside this checkout ({SAMPLES})")
    golden = read_golden(county)
    assert golden, golden_path(county)
    models = {model for model, *_ in golden}
    now = [row for row in warning_ids(county, tmp_path)
           if row[0] in models and row[2] not in V11_PROGRAMS]
    assert now == golden
