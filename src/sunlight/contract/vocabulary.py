"""Every code → the Chinese a person reads instead of it, loaded once from vocabulary.yaml.

Behaviour modules take labels from here (or from `cases`, the models' own files, `datasets`),
never define them.
"""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel, ConfigDict, model_validator

from sunlight.contract.cases import CASES, SANCTION_LABELS
from sunlight.contract.loading import load_shipped
from sunlight.contract.roles import ROLES

CASE_ACTION_PREFIX: Final = "case."
"""A case transition `assign` is audited as `case.assign`."""


class Vocabulary(BaseModel):
    """The labels of vocabulary.yaml, one mapping per kind of code."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    roles: dict[str, str]
    severities: dict[str, str]
    evidence_roles: dict[str, str]
    evidence_roles_without_money: dict[str, str]
    shared_facts: dict[str, str]
    finding_reasons: dict[str, str]
    finding_severities: dict[str, str]
    quality_columns: dict[str, str]
    audit_actions: dict[str, str]
    fields: dict[str, str]
    publication_counts: dict[str, str]
    upload_statuses: dict[str, str]
    upload_stages: dict[str, str]
    screening_statuses: dict[str, str]
    job_kinds: dict[str, str]
    job_statuses: dict[str, str]
    publication_statuses: dict[str, str]
    timeline_kinds: dict[str, str]
    yes_no: dict[str, str]
    id_views: dict[str, str]
    system_actors: dict[str, str]
    subject_kinds: dict[str, str]
    link_kinds: dict[str, str]
    person_roles: dict[str, str]
    link_details: dict[str, str]
    token_statuses: dict[str, str]
    token_scopes: dict[str, str]
    api_problems: dict[str, str]
    screening_verdicts: dict[str, str]
    screening_columns: dict[str, str]
    screening_texts: dict[str, str]
    warning_texts: dict[str, str]
    case_timeliness: dict[str, str]
    finding_states: dict[str, str]

    @model_validator(mode="after")
    def _complete(self) -> Vocabulary:
        if set(self.roles) != set(ROLES):
            raise ValueError(f"roles must label exactly {', '.join(ROLES)}")
        if set(self.evidence_roles_without_money) != set(self.evidence_roles):
            raise ValueError("evidence_roles_without_money must label the evidence_roles")
        for action in self.audit_actions:
            if action.removeprefix(CASE_ACTION_PREFIX) in CASES.transitions:
                raise ValueError(f"{action} is labelled by its transition in cases.yaml")
        return self


VOCABULARY: Final = load_shipped("vocabulary.yaml", Vocabulary)

ROLE_ZH: Final = VOCABULARY.roles
SEVERITY_ZH: Final = VOCABULARY.severities
EVIDENCE_ROLE_ZH: Final = VOCABULARY.evidence_roles
EVIDENCE_ROLE_WITHOUT_MONEY_ZH: Final = VOCABULARY.evidence_roles_without_money
REASONS_ZH: Final = VOCABULARY.finding_reasons
FINDING_SEVERITY_ZH: Final = VOCABULARY.finding_severities
QUALITY_COLUMN_ZH: Final = VOCABULARY.quality_columns
UPLOAD_STATUS_ZH: Final = VOCABULARY.upload_statuses
UPLOAD_STAGE_ZH: Final = VOCABULARY.upload_stages
SCREENING_STATUS_ZH: Final = VOCABULARY.screening_statuses
TIMELINE_KIND_ZH: Final = VOCABULARY.timeline_kinds
FIELD_ZH: Final = VOCABULARY.fields
SUBJECT_KIND_ZH: Final = VOCABULARY.subject_kinds
LINK_KIND_ZH: Final = VOCABULARY.link_kinds
PERSON_ROLE_ZH: Final = VOCABULARY.person_roles
LINK_DETAIL_ZH: Final = VOCABULARY.link_details
VERDICT_ZH: Final = VOCABULARY.screening_verdicts
VERDICT_COLUMN_ZH: Final = VOCABULARY.screening_columns
WARNING_TEXT_ZH: Final = VOCABULARY.warning_texts
TIMELINESS_ZH: Final = VOCABULARY.case_timeliness
FINDING_STATE_ZH: Final = VOCABULARY.finding_states
ACTION_ZH: Final = {
    **VOCABULARY.audit_actions,
    **{CASE_ACTION_PREFIX + action: step.label for action, step in CASES.transitions.items()},
}
"""How the audit page names each action (the log itself keeps the stable English code)."""


def actor_label(actor: str) -> str:
    """Who acted: a system actor in Chinese, a member of staff by their login name."""
    return VOCABULARY.system_actors.get(actor, actor)


def field_label(name: str) -> str:
    """What a named value (a form's field, a warning's, an audit detail) is called."""
    return (FIELD_ZH.get(name) or VOCABULARY.shared_facts.get(name)
            or SANCTION_LABELS.get(name) or name)


def codes() -> frozenset[str]:
    """Every code this vocabulary and cases.yaml name: none may show on a page as it is."""
    found: set[str] = set(ACTION_ZH) | set(CASES.states) | set(CASES.kinds)
    found |= set(CASES.sanctions)
    for labels in VOCABULARY.model_dump().values():
        found |= set(labels)
    # 是/否's keys are words, and `sunlight` (a system actor) is also the command staff type.
    return frozenset(found - set(VOCABULARY.yes_no) - set(VOCABULARY.system_actors))


def evidence_roles_zh(money: bool) -> dict[str, str]:
    """What evidence rows are to a warning: a 问题发放 of money, or (a warning that concerns
    no money, contract §6) a 问题记录."""
    return EVIDENCE_ROLE_ZH if money else EVIDENCE_ROLE_WITHOUT_MONEY_ZH


def evidence_role_zh(role: str, money: bool = True) -> str:
    return evidence_roles_zh(money).get(role, role)
