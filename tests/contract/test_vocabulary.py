"""The vocabulary: every code the system stores has its Chinese name, in one place."""

from __future__ import annotations

import re
import typing
from pathlib import Path

from sunlight.appdb import job_tables, publication_tables, screening_tables, upload_tables
from sunlight.cases.workflow import TRANSITIONS
from sunlight.contract.cases import CASES, STATUS_ZH, sanction_parts
from sunlight.contract.roles import ROLES
from sunlight.contract.vocabulary import (
    ACTION_ZH,
    ROLE_ZH,
    VOCABULARY,
    actor_label,
    codes,
    field_label,
)
from sunlight.jobs import kinds
from sunlight.models.detection import Role
from sunlight.models.registry import ModelSpec

SRC = Path(__file__).parents[2] / "src" / "sunlight"


def _constants(module: object, prefix: str) -> set[str]:
    return {value for name, value in vars(module).items()
            if name.startswith(prefix) and isinstance(value, str)}


def test_every_stored_status_and_kind_has_a_chinese_name() -> None:
    assert _constants(upload_tables, "UPLOAD_") <= set(VOCABULARY.upload_statuses)
    assert _constants(job_tables, "JOB_") <= set(VOCABULARY.job_statuses)
    assert _constants(screening_tables, "SCREENING_") == set(VOCABULARY.screening_statuses)
    assert {publication_tables.PUBLISHED, publication_tables.WITHDRAWN} == set(
        VOCABULARY.publication_statuses)
    assert {kinds.INGEST_UPLOAD, kinds.ROLL_BACK_UPLOAD, kinds.PUBLISH, kinds.SCREEN} == set(
        VOCABULARY.job_kinds)
    severity = typing.get_args(ModelSpec.model_fields["severity"].annotation)
    assert set(severity) == set(VOCABULARY.severities)
    assert set(typing.get_args(Role)) == set(VOCABULARY.evidence_roles)
    assert set(ROLE_ZH) == set(ROLES)


def test_every_finding_reason_ingest_writes_is_explained() -> None:
    written = set()
    for path in [*SRC.joinpath("ingest").glob("*.py"), *SRC.joinpath("quality").glob("*.py")]:
        written |= set(re.findall(r'"((?:bad|unknown|missing|short|negative|id|death)_[a-z_]+)"',
                                  path.read_text("utf-8")))
    written -= {"id_number", "death_date"}  # column names, not reasons
    # The findings across files (warehouse/cross_checks.py), in its SQL and its helper's calls.
    across = SRC.joinpath("warehouse", "cross_checks.py").read_text("utf-8")
    found_across = set(re.findall(r"'([a-z_]+)' AS reason", across)) | set(
        re.findall(r'_conflicting\("[a-z_]+", "([a-z_]+)"', across))
    assert {"death_after_ingest", "duplicate_headcount"} <= found_across
    written |= found_across
    assert written and written <= set(VOCABULARY.finding_reasons), written - set(
        VOCABULARY.finding_reasons)


def test_the_case_state_machine_is_the_contracts() -> None:
    assert {t.action: (t.sources, t.target, t.roles) for t in TRANSITIONS} == {
        action: (step.sources, step.target, step.roles)
        for action, step in CASES.transitions.items()}
    assert STATUS_ZH["open"] == "待分派" and ACTION_ZH["case.assign"] == "分派核查"
    assert ACTION_ZH["case.close_unfounded"] == CASES.transitions["close_unfounded"].label


def test_labels_are_found_wherever_a_name_is_looked_up() -> None:
    assert field_label("assignee_id") == "核查人员"
    assert field_label("party_discipline") == "党纪处分"
    assert field_label("program_name") == "项目"
    assert field_label("unheard_of") == "unheard_of"
    assert actor_label("public") == "群众（公示门户）" and actor_label("fenxi") == "fenxi"
    assert sanction_parts({"party_discipline": "警告", "organisational_measures": ""}) == [
        "党纪处分 警告"]


def test_codes_hold_every_kind_of_code_but_no_chinese() -> None:
    found = codes()
    assert {"open", "case.assign", "analyst", "party_discipline", "upload.ingest",
            "bad_id", "cut_off", "warning"} <= found
    assert not any(re.search(r"[\u4e00-\u9fff]", code) for code in found)
