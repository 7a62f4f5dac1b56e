"""What a detection run does to the stored warnings, decided in memory before anything is written.

Per key (model, subject, program), with `owned` the evidence rows of the chain's closed
warnings (for a model of no money, the days of their periods: contract §6 warnings are about
days, see `Detection.after`):

- no warning yet: a new one (generation 1);
- the latest in progress: extend it by what is not owned; retracted ones are reopened first;
- the latest closed: rows it does not own raise a successor (generation + 1) that follows it;
- not detected: an open warning is retracted; one under investigation gets `fires: yes → no`.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sunlight.appdb.stored import COMPARED, FIELDS, PEOPLE, Key, RowKey, Stored, content
from sunlight.appdb.tables import CLOSED_STATUSES, in_progress
from sunlight.contract.cases import OPEN, RETRACTED
from sunlight.models.detection import CENT, Detection, EvidenceRow, Person


@dataclass(frozen=True)
class NewWarning:
    """A warning to insert: a whole detection, or the part no closed predecessor owns."""

    key: Key
    warning_id: str
    generation: int
    follows: int | None
    figures: dict[str, Any]
    evidence: list[EvidenceRow]


@dataclass
class Plan:
    """Rows to insert, update and delete; `counts` by outcome (new, changed, ...)."""

    new: list[NewWarning] = field(default_factory=list)
    updates: dict[int, dict[str, Any]] = field(default_factory=dict)
    """New values of fields, by warning primary key."""
    evidence_gone: list[int] = field(default_factory=list)
    evidence_added: list[tuple[int, EvidenceRow]] = field(default_factory=list)
    changes: list[tuple[int, str, str, str]] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)


def figures(detection: Detection) -> dict[str, Any]:
    """The stored fields of a warning, as this detection says them."""
    values = {name: getattr(detection, name) for name in FIELDS}
    values["amount"] = detection.amount.quantize(CENT)
    # Facts are shown and compared as text; JSON could not hold a Decimal anyway.
    values["facts"] = {key: str(value) for key, value in detection.facts.items()}
    values[PEOPLE] = tuple(Person(*person) for person in detection.people)
    return values


def evidence_of(detection: Detection) -> dict[RowKey, EvidenceRow]:
    """The detection's rows by key; one row cited twice with different contents is a bug."""
    rows: dict[RowKey, EvidenceRow] = {}
    for row in detection.evidence:
        first = rows.setdefault(row.key, row)
        if first is not row and first != row:
            raise ValueError(f"{detection.key}: evidence row {row.key} given twice, differently")
    return rows


def make_plan(detections: Iterable[Detection], chains: dict[Key, list[Stored]]) -> Plan:
    plan = Plan()
    seen: set[Key] = set()
    for detection in detections:
        if detection.key in seen:
            raise ValueError(f"two detections for one warning: {detection.key}")
        seen.add(detection.key)
        _detected(plan, detection, chains.get(detection.key, []))
    for key, chain in chains.items():
        if key not in seen:
            for warning in chain:
                _not_detected(plan, warning)
    return plan


def _detected(plan: Plan, detection: Detection, chain: list[Stored]) -> None:
    if not chain:
        _add(plan, detection, 1, None, "new")
        return
    latest = chain[-1]
    closed = [warning for warning in chain if warning.status in CLOSED_STATUSES]
    owned = {key for warning in closed for key in warning.evidence}
    judged = [(w.figures["period_from"], w.figures["period_to"]) for w in closed]
    part = detection.without(owned, judged) if closed else detection
    if part is None:
        plan.counts["unchanged"] += 1
    elif latest.status in CLOSED_STATUSES:
        _add(plan, part, latest.generation + 1, latest.pk, "reraised")
    else:
        plan.counts["changed" if _refresh(plan, latest, part) else "unchanged"] += 1


def _add(plan: Plan, detection: Detection, generation: int, follows: int | None, how: str) -> None:
    wid = warning_id(*detection.key, generation)
    rows = list(evidence_of(detection).values())
    plan.new.append(NewWarning(detection.key, wid, generation, follows, figures(detection), rows))
    plan.counts[how] += 1


def _refresh(plan: Plan, warning: Stored, part: Detection) -> bool:
    """Bring an in-progress (or retracted) warning up to date; False if nothing changed."""
    update: dict[str, Any] = {}
    changes: list[tuple[str, str, str]] = []
    if warning.status == RETRACTED:
        update["status"] = OPEN
        changes.append(("status", RETRACTED, OPEN))
    elif not warning.fires:
        changes.append(("fires", "no", "yes"))
    new = figures(part)
    for name in COMPARED:
        if new[name] != warning.figures[name]:
            update[name] = new[name]
            changes.append((name, text(warning.figures[name]), text(new[name])))
    evidence = _evidence(plan, warning, evidence_of(part))
    if evidence is not None:
        changes.append(("evidence", *evidence))
    if update:
        plan.updates[warning.pk] = update
    plan.changes.extend((warning.pk, *change) for change in changes)
    return bool(changes)


def _evidence(
    plan: Plan, warning: Stored, rows: dict[RowKey, EvidenceRow]
) -> tuple[str, str] | None:
    """Replace the rows that differ; the change as (`12 rows`, `14 rows (+2)`), if any."""
    now = {key: content(row) for key, row in rows.items()}
    was = warning.evidence
    gone = [pk for key, (pk, values) in was.items() if now.get(key) != values]
    added = [row for key, row in rows.items() if key not in was or was[key][1] != now[key]]
    if not gone and not added:
        return None
    plan.evidence_gone.extend(gone)
    plan.evidence_added.extend((warning.pk, row) for row in added)
    detail = " ".join(f"{sign}{n}" for sign, n in (("+", len(added)), ("-", len(gone))) if n)
    return f"{len(warning.evidence)} rows", f"{len(rows)} rows ({detail})"


def _not_detected(plan: Plan, warning: Stored) -> None:
    if warning.status == OPEN:
        plan.updates[warning.pk] = {"status": RETRACTED}
        plan.changes.append((warning.pk, "status", OPEN, RETRACTED))
        plan.counts["retracted"] += 1
    elif in_progress(warning.status) and warning.fires:
        # Someone is on it: the warning stays theirs, the log says the models went quiet.
        plan.changes.append((warning.pk, "fires", "yes", "no"))
        plan.counts["changed"] += 1


def warning_id(model: str, subject: str, program: str, generation: int) -> str:
    """`W-` and 12 base32 characters of the key's SHA-256: the same in every database."""
    key = "\x1f".join((model, subject, program, str(generation))).encode("utf-8")
    # 10 bytes make 16 base32 characters, the same as the first 16 of the whole digest.
    return "W-" + base64.b32encode(hashlib.sha256(key).digest()[:10]).decode("ascii")[:12]


def text(value: Any) -> str:
    """A field's value as the change log keeps it."""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, tuple):  # the people: names and roles, never their ID numbers
        return "、".join(f"{person.name} {person.role}" for person in value)
    return str(value)
