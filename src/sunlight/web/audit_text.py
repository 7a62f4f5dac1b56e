"""An audit entry's target and details as an administrator reads them: Chinese sentences,
no codes (the log itself keeps the stable codes, which its hashes cover)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from sunlight.contract.cases import KIND_ZH, STATUS_ZH
from sunlight.contract.vocabulary import ROLE_ZH, SEVERITY_ZH, VOCABULARY, field_label
from sunlight.web.templating import dataset_label

_TARGETS = ((re.compile(r"^upload:(\d+)$"), "第 {} 号上传"),
            (re.compile(r"^screening:(\d+)$"), "第 {} 号发放前筛查"),
            (re.compile(r"^v(\d+)$"), "第 {} 版公示"))
_HASH = re.compile(r"^[0-9a-f]{40,}$")
_SHOWN_HASH = 12
"""Characters of a hash shown: enough to compare by eye, the full one is in the log."""


def target_text(target: str) -> str:
    """`upload:12` → 第 12 号上传, `screening:4` → 第 4 号发放前筛查, `v3` → 第 3 版公示; case
    numbers, warning IDs, user names and file names as they are."""
    for pattern, sentence in _TARGETS:
        if found := pattern.match(target):
            return sentence.format(found.group(1))
    return target


class DetailsText:
    """Turns the details of entries into sentences, with the names of people, models and
    programs the codes stand for."""

    def __init__(self, people: Mapping[int, str], models: Mapping[str, str],
                 programs: Mapping[str, str]) -> None:
        by_value: dict[str, Callable[[object], str]] = {
            "from": _label(STATUS_ZH), "to": _label(STATUS_ZH), "status": _label(STATUS_ZH),
            "role": _label(ROLE_ZH), "kind": _label(KIND_ZH),
            "severity": _label(SEVERITY_ZH), "via": _label(VOCABULARY.id_views),
            "model": _label(models), "program": _label(programs),
            "models": lambda value: "、".join(models.get(str(v), str(v)) for v in _items(value)),
            "dataset": lambda value: dataset_label(str(value)),
            "datasets": lambda value: "、".join(dataset_label(str(v)) for v in _items(value)),
            "assignee_id": lambda value: people.get(value, f"#{value}")
            if isinstance(value, int) else str(value),
            "counts": lambda value: self._counts(value),
            "filters": lambda value: self(value) if isinstance(value, dict) else str(value),
        }
        self._by_key = by_value

    def __call__(self, details: Mapping[str, object]) -> str:
        """`{"from": "open", "to": "verifying"}` → 原状态：待分派；新状态：核查中."""
        parts = []
        for key, value in details.items():
            if value in ("", None, [], {}):
                continue
            shown = self._by_key.get(key, _value)(value)
            parts.append(f"{field_label(key)}：{shown}")
        return "；".join(parts)

    @staticmethod
    def _counts(value: object) -> str:
        if not isinstance(value, dict):
            return str(value)
        labels = VOCABULARY.publication_counts
        return "、".join(f"{labels.get(k, k)} {_value(v)}" for k, v in value.items())


def _label(labels: Mapping[str, str]) -> Callable[[object], str]:
    return lambda value: labels.get(str(value), str(value))


def _items(value: object) -> list[object]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _value(value: object) -> str:
    if isinstance(value, bool):
        return VOCABULARY.yes_no[str(value).lower()]
    if isinstance(value, (list, tuple)):
        return "、".join(_value(v) for v in value)
    if isinstance(value, dict):
        return "，".join(f"{field_label(k)} {_value(v)}" for k, v in value.items())
    text = str(value)
    if _HASH.match(text):
        return text[:_SHOWN_HASH] + "…"
    return f"{value:,}" if isinstance(value, int) else text
