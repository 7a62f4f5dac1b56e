"""The exported CSV names every warning's subject in the three columns contract §4 (v1.1) adds."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

from sqlalchemy.orm import Session

from sunlight.appdb.warnings import for_export
from sunlight.warning_export import write_csv
from tests.appdb.builders import PERSON, detection, run

ACCOUNT = "6217493730820689217"
PAYEES = "王芳、李兵宏、李建国、杨国强、杨月娥等6人"


def test_every_row_names_its_subject_by_the_kind_of_its_model(session: Session, tmp_path: Path):
    run(session, [
        detection([1, 2]),
        replace(detection([1, 2, 3], model="SHARED_ACCOUNT", subject=ACCOUNT, program=""),
                account=ACCOUNT, name=PAYEES, subject_name=PAYEES),
        replace(detection([1], model="FUNDS_WITHHELD", subject="城关镇/DIBAO/2024"), name="",
                subject_name="城关镇 农村最低生活保障 2024年"),
    ], models={"DECEASED_PAID", "SHARED_ACCOUNT", "FUNDS_WITHHELD"})
    out = tmp_path / "warnings.csv"
    write_csv(for_export(session), out)
    with out.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
        handle.seek(0)
        rows = {row["model"]: row for row in csv.DictReader(handle)}
    assert header[-4:] == ["explanation", "subject_kind", "subject_id", "subject_name"]
    named = {model: (row["subject_kind"], row["subject_id"], row["subject_name"], row["name"],
                     row["id_number"]) for model, row in rows.items()}
    assert named == {
        "DECEASED_PAID": ("person", PERSON, "王芳", "王芳", PERSON),
        "SHARED_ACCOUNT": ("account", ACCOUNT, PAYEES, PAYEES, ""),
        "FUNDS_WITHHELD": ("township", "城关镇/DIBAO/2024", "城关镇 农村最低生活保障 2024年", "",
                           ""),
    }
