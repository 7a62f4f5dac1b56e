"""The exported CSV names every warning's subject in the three columns contract §4 (v1.1) adds."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

from sqlalchemy.orm import Session

from sunlight.appdb.warnings import for_export
from sunlight.models.detection import Person
from sunlight.warning_export import write_csv
from tests.appdb.builders import HOUSEHOLD, PERSON, detection, run

ACCOUNT = "6217493730820689217"
CREDIT_CODE = "9161032711N2LWHWJQ"
COMPANY = "陇县杜家建材有限公司"
PAYEES = "王芳、李兵宏、李建国、杨国强、杨月娥等6人"


def test_every_row_names_its_subject_by_the_kind_of_its_model(session: Session, tmp_path: Path):
    run(session, [
        detection([1, 2]),
        replace(detection([1, 2, 3], model="SHARED_ACCOUNT", subject=ACCOUNT, program=""),
                account=ACCOUNT, name=PAYEES, subject_name=PAYEES),
        replace(detection([1], model="FUNDS_WITHHELD", subject="城关镇/DIBAO/2024"), name="",
                subject_name="城关镇 农村最低生活保障 2024年"),
        # contract §4: a company's warning names its legal representative as id_number
        replace(detection([1], model="HEADCOUNT_OVERCLAIMED", subject=CREDIT_CODE,
                          program="LIUGONG"),
                id_number=PERSON, name=COMPANY, subject_kind="company", subject_name=COMPANY,
                people=(Person(PERSON, "王芳", HOUSEHOLD, "legal_rep"),)),
    ], models={"DECEASED_PAID", "SHARED_ACCOUNT", "FUNDS_WITHHELD", "HEADCOUNT_OVERCLAIMED"})
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
        "HEADCOUNT_OVERCLAIMED": ("company", CREDIT_CODE, COMPANY, COMPANY, PERSON),
    }
