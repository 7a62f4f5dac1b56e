"""Names staff read instead of codes: models (中文名) and their facts, programs (the catalog's),
datasets; the labels themselves live in contract/ and in the models' own files.

Loaded once per process: the model library and the catalog are files shipped or configured
at start-up, and a page must not parse YAML.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from sunlight.appdb.tables import Warning
from sunlight.cases.workflow import case_subject
from sunlight.contract.cases import STATUS_ZH
from sunlight.contract.catalog import load_catalog
from sunlight.contract.vocabulary import PERSON_ROLE_ZH, SEVERITY_ZH, SUBJECT_KIND_ZH, VOCABULARY
from sunlight.masking import masked_text, shown_birth
from sunlight.models.explain import amounts_in_text, yuan
from sunlight.models.registry import SHARED_FACTS, library, model_names

__all__ = ["change_text", "fact_rows", "library", "model_names", "police_model_names",
           "program_names",
           "program_text", "warning_case_title"]

PERSON_FACTS = frozenset({"other_models"})
"""Facts about one person (同一人其他模型预警数): meaningless on an account's or a township's
warning, where the runner can only count 0."""
VILLAGE_FACTS = frozenset({"village_warnings"})
"""Facts about a warning's village (同村其他预警人数): a police warning is of a unit, in none."""
SPANNED_PROGRAMS = (("program_a_name", "program_b_name"), ("programs_zh",))
"""Facts naming the programs a warning spans, when it has no single program or two."""
MONTH_FACTS = frozenset({"start"})
"""Facts named as a month (任职（或起始）年月) though the query gives the day."""
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
BIRTH_FACTS = frozenset({"birth_date"})
"""Facts that are a birth date: shown as year and month beside the masked ID (shown_birth)."""


def police_model_names() -> dict[str, str]:
    """The police models (contract §6: those concerning no money) by code, and their names."""
    return {code: model.spec.name_zh for code, model in library().items()
            if not model.spec.money}


def fact_rows(model: str, facts: dict[str, str], *, masked: bool = True,
              subject_kind: str = "person", revealed: bool = False) -> list[tuple[str, str]]:
    """A warning's facts as staff read them: the model's Chinese labels, 是/否, evidence
    strength in words, ID and account numbers masked (unless the page masks and links them
    itself: `masked=False`); facts about one person left out when the subject is not one;
    a birth date as its month unless the ID is `revealed`; a police warning's without the
    village's."""
    found = library().get(model)
    police = found is not None and not found.spec.money
    rows = []
    for key, value in sorted(facts.items()):
        if subject_kind != "person" and key in PERSON_FACTS:
            continue
        if police and key in VILLAGE_FACTS:
            continue
        text = str(value)
        if key in BIRTH_FACTS:
            text = shown_birth(text, revealed=revealed) or "—"
        elif key == "ongoing":
            text = VOCABULARY.yes_no.get(text.lower(), text)
        elif key == "strength":
            text = _strength(text)
        elif key in MONTH_FACTS and _DAY.fullmatch(text):
            text = text[:7]
        elif key.endswith("_yuan"):
            text = yuan(text)
        else:
            text = amounts_in_text(text)
        label = found.fact_label(key) if found else SHARED_FACTS.get(key, key)
        rows.append((label, masked_text(text) if masked else text))
    return rows


def program_text(warning: Warning, program_names: Mapping[str, str]) -> str:
    """The program(s) a warning is about: both of a mutually exclusive pair, those an account
    was paid for, else its one program by name; a dash when none is known."""
    facts = warning.facts or {}
    for keys in SPANNED_PROGRAMS:
        names = [str(facts[key]) for key in keys if facts.get(key)]
        if len(names) == len(keys):
            return "、".join(names)
    if warning.program:
        return program_names.get(warning.program, warning.program)
    return "—"


def _strength(text: str) -> str:
    try:
        strength = float(text)
    except ValueError:
        return text
    word = "强" if strength >= 0.8 else "中" if strength >= 0.5 else "弱"
    return f"{word}（{strength:.2f}）"


_EVIDENCE_CHANGE = re.compile(r"^(\d+) rows(?: \(([^)]*)\))?$")


def change_text(model: str, field: str, value: str, *, masked: bool = True,
                subject_kind: str = "person", revealed: bool = False) -> str:
    """A value of a warning's change log as staff read it: states, 是/否 and facts in
    Chinese, evidence counted in 行 (the log keeps the codes it was written with); numbers
    in facts masked unless `masked=False` (the page masks and links them), birth dates
    as months unless the ID is `revealed`."""
    if field == "status":
        return STATUS_ZH.get(value, value)
    if field == "fires":
        return VOCABULARY.yes_no.get(value, value)
    if field == "severity":
        return SEVERITY_ZH.get(value, value)
    if field == "facts" and value.startswith("{"):
        facts = json.loads(value)
        return "；".join(f"{label} {text}"
                        for label, text in fact_rows(model, facts, masked=masked,
                                                     subject_kind=subject_kind,
                                                     revealed=revealed))
    if field == "subject_kind":
        return SUBJECT_KIND_ZH.get(value, value)
    if field == "people":  # `name role` pairs joined by 、 (appdb.plan.text)
        return "、".join(_person_text(person) for person in value.split("、") if person)
    if field == "subject_name":
        return masked_text(value) if masked else value
    if field == "evidence" and (found := _EVIDENCE_CHANGE.match(value)):
        rows, detail = found.groups()
        moved = " ".join(f"{'新增' if part[0] == '+' else '移除'} {part[1:]}"
                         for part in (detail or "").split())
        return f"{rows} 行" + (f"（{moved}）" if moved else "")
    return value


def _person_text(person: str) -> str:
    name, _, role = person.rpartition(" ")
    return f"{name}（{PERSON_ROLE_ZH[role]}）" if name and role in PERSON_ROLE_ZH else person


def warning_case_title(warning: Warning) -> str:
    """A warning's case as case lists name it: 张三 · 死亡后仍领取 (an account masked; a police
    unit, post, case or finding by its name: 交警大队 G85千阳卡口 · 卡口漏岗)."""
    who = warning.name or case_subject(warning)
    return f"{who} · {model_names().get(warning.model, warning.model)}"


@cache
def program_names(catalog: Path | None) -> dict[str, str]:
    return {program.code: program.name for program in load_catalog(catalog).programs}
