"""Whom a warning concerns and what its subject is called, as people read them.

A model's query names the people of each evidence row (`id_number`, and `involved_*`; see
`output.py`) with the names the rows wrote. Once every model has run, the runner looks them
all up in the registry in one query, for their registry names and 户号, and names each
subject: a person by their registry name, an account by its payees, a township's program-year
by the township, the program and the year; any other as the query's `subject_name` says (a
case: `案件A20240190183（行政，城关派出所）`), else a post's `unit/post` as `unit post`
(sunlight.contract.subjects), else a unit (a case, a finding) by its key; a household by the
row's name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any, NamedTuple

import pyarrow as pa

from sunlight.contract.subjects import post_names
from sunlight.contract.vocabulary import PERSON_ROLE_ZH
from sunlight.models.detection import Detection, Person
from sunlight.models.registry import Model, ModelFileError
from sunlight.warehouse.engine import Engine

PAYEES_NAMED = 5
"""An account warning names this many payees, then says how many there are (等N人)."""
ROLE_ORDER = {role: rank for rank, role in enumerate(PERSON_ROLE_ZH)}
PERSONLESS = frozenset({"township", "unit", "post", "case", "finding"})
"""Subjects whose warning names no person in `id_number` and `name` (contract §4: those are
the person concerned, the company's representative and name, or an account's payees)."""


class Registered(NamedTuple):
    name: str
    household: str


def people_of(model: Model, rows: Iterable[Mapping[str, Any]]) -> tuple[Person, ...]:
    """The people a model's rows name, with the names as written (registry comes later)."""
    found: dict[tuple[str, str], str] = {}
    for row in rows:
        if row.get("id_number"):
            role = _role(model, "subject_role", row.get("subject_role") or model.spec.subject_role)
            # A company's row names the company, not its representative: the registry names them.
            kind = row.get("subject_kind") or model.spec.subject_kind
            name = None if kind == "company" else row.get("name")
            _note(found, str(row["id_number"]), name, role)
        if row.get("involved_id"):
            role = _role(model, "involved_role", row.get("involved_role"))
            _note(found, str(row["involved_id"]), row.get("involved_name"), role)
    return tuple(Person(id_number, name, "", role) for (id_number, role), name in found.items())


def _role(model: Model, column: str, value: Any) -> str:
    role = str(value or "")
    if role not in ROLE_ORDER:
        raise ModelFileError(model.sql_path, f"{column} {role!r} is not one of "
                             + ", ".join(ROLE_ORDER))
    return role


def _note(found: dict[tuple[str, str], str], id_number: str, name: Any, role: str) -> None:
    key = (id_number, role)
    if not found.get(key):
        found[key] = str(name or "")


def lookup(engine: Engine, detections: Sequence[Detection]) -> dict[str, Registered]:
    """The registry's name and 户号 of everyone the detections concern, in one query."""
    ids = sorted({person.id_number for d in detections for person in d.people}
                 | {d.subject for d in detections if d.subject_kind == "person"})
    if not ids:
        return {}
    engine.register_table("involved_ids", pa.table({"id_number": pa.array(ids, pa.string())}))
    table = engine.query(
        "SELECT r.id_number, r.name, r.household_id FROM person AS r "
        "JOIN involved_ids AS i ON i.id_number = r.id_number")
    return {id_number: Registered(name or "", household or "")
            for id_number, name, household in zip(
                table.column("id_number").to_pylist(), table.column("name").to_pylist(),
                table.column("household_id").to_pylist(), strict=True)}


def named(detections: Iterable[Detection], registry: Mapping[str, Registered],
          program_names: Mapping[str, str]) -> list[Detection]:
    """The detections with their people as the registry knows them and their subjects named."""
    result = []
    for d in detections:
        people = tuple(sorted((_registered(person, registry) for person in d.people),
                              key=lambda p: (ROLE_ORDER[p.role], p.name, p.id_number)))
        d = replace(d, people=people)
        name = subject_name(d, registry, program_names)
        if d.subject_kind in PERSONLESS:  # whoever the rows name is among its people
            d = replace(d, id_number="", name="")
        result.append(replace(d, subject_name=name,
                              name=name if d.subject_kind == "account" else d.name))
    return result


def _registered(person: Person, registry: Mapping[str, Registered]) -> Person:
    known = registry.get(person.id_number)
    if known is None:
        return person
    return person._replace(name=known.name or person.name, household=known.household)


def subject_name(d: Detection, registry: Mapping[str, Registered],
                 program_names: Mapping[str, str]) -> str:
    """What a person reads for the subject: see the module's docstring."""
    if d.subject_kind == "person":
        known = registry.get(d.subject)
        return (known.name if known else "") or d.name
    if d.subject_kind == "account":
        return payee_names(d.people)
    if d.subject_kind == "township":
        return township_name(d.subject, program_names)
    if d.subject_name:  # as the model's query named it (a case: 案件A2024…（行政，城关派出所）)
        return d.subject_name
    if d.subject_kind == "post":  # `城关派出所/东关卡口` as 城关派出所 东关卡口
        return " ".join(part for part in post_names(d.subject) if part)
    return d.subject if d.subject_kind in PERSONLESS else d.name or d.subject


def payee_names(people: Iterable[Person]) -> str:
    """The payees' names joined by 、, at most five, then 等N人 (N all of them)."""
    payees = {p.id_number: p.name for p in people if p.role == "payee"}
    shown = [name for name in payees.values() if name][:PAYEES_NAMED]
    return "、".join(shown) + (f"等{len(payees)}人" if len(payees) > len(shown) else "")


def township_name(subject: str, program_names: Mapping[str, str]) -> str:
    """`城关镇/DIBAO/2024` as `城关镇 低保 2024年`."""
    township, _, rest = subject.partition("/")
    program, _, year = rest.rpartition("/")
    parts = (township, program_names.get(program, program), f"{year}年" if year else "")
    return " ".join(part for part in parts if part)
