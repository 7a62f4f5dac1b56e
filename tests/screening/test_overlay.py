"""The overlay other faces build on: canonical rows of any dataset laid over the warehouse,
columns they lack taken as empty, and the detections each row is evidence of."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow as pa

from sunlight.contract.screening import BATCH_KINDS
from sunlight.screening.core import screen_overlay
from sunlight.settings import Settings
from sunlight.warehouse.tables import Overlay

DEAD = "610327193902146687"  # died in 2023 (screen_truth.csv row 450)
ALIVE = "610327199811280386"  # a continuing payee (row 2)


def _payment(id_number: str, name: str, row: int, program: tuple[str, str, str]
             ) -> dict[str, object]:
    return {"program": program[0], "program_code": program[1], "id_number": id_number,
            "name": name, "period": "2025-02", "period_start": dt.date(2025, 2, 1),
            "period_end": dt.date(2025, 2, 28), "amount": Decimal(program[2]),
            "source_file_hash": "0" * 64, "source_file": "申请.csv", "source_sheet": "",
            "source_row": row}


def test_rows_without_every_column_are_judged_and_found_in_the_evidence(
        county: Settings) -> None:
    rows = pa.Table.from_pylist([
        _payment(DEAD, "胡彩霞", 2, ("高龄补贴", "GAOLING", "100")),
        _payment(ALIVE, "王琴娟", 3, ("农村最低生活保障", "DIBAO", "340"))])
    overlay = Overlay(rows, "0" * 64, "申请.csv", ("id_number",))
    fired = screen_overlay(county, {"payments": overlay}, BATCH_KINDS["payments"].not_screened)
    on_rows = fired.on_rows("payments", overlay)
    assert [d.model for d in on_rows[2]] == ["DECEASED_PAID"]
    assert "胡彩霞" in on_rows[2][0].explanation
    assert 3 not in on_rows
    assert not any(d.model in BATCH_KINDS["payments"].not_screened for d in fired.detections)
