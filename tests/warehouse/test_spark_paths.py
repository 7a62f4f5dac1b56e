"""The paths the Spark engine gives Spark: local files, whatever the cluster's default FS."""

from __future__ import annotations

from pathlib import Path

import pytest

from sunlight.warehouse.spark_engine import local_uri, shown_address


def test_a_warehouse_file_is_named_as_an_absolute_local_uri(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    uri = local_uri(Path("sunlight-home/warehouse/residents/ab12.parquet"))
    assert uri == f"file://{tmp_path}/sunlight-home/warehouse/residents/ab12.parquet"


def test_chinese_and_spaces_stay_as_they_are(tmp_path: Path) -> None:
    # Hadoop parses the text after file:// as the path itself: %-escapes would name no file.
    named = local_uri(tmp_path / "阳光 数据" / "a.parquet")
    assert named == f"file://{tmp_path}/阳光 数据/a.parquet"


def test_a_spark_connect_token_is_never_printed() -> None:
    address = "sc://connect.example:15002/;token=s3cret;user_id=analyst"
    assert shown_address(address) == "sc://connect.example:15002"
    assert shown_address("sc://connect.example:15002") == "sc://connect.example:15002"
