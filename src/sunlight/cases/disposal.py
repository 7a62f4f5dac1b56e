"""What a disposal records beside money and sanctions: 处分对象 (whom the sanctions fall on) and
the payment measures 停发 and 取消资格, each by the date it took effect.

处分对象 may differ from the payee (the cadre whose relative was paid): it is chosen from the
people the case concerns, named in the form by their masked ID (never a full ID number in a
page), or typed as an ID number and a name, the ID checked by its check character and the
name against the registry's (as the entity index keeps it): an ID the registry lacks is taken
as typed, since an official need not be registered in the county.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError
from pydantic_core import PydanticCustomError
from sqlalchemy import select
from sqlalchemy.orm import Session

from sunlight.appdb.case_tables import Case
from sunlight.appdb.report_tables import Report
from sunlight.contract.cases import DISCIPLINED_ZH, PAYMENT_MEASURES
from sunlight.entities.registry import registered_names
from sunlight.entities.report_subjects import MAX_CANDIDATES, candidates
from sunlight.identity import id_number_valid, name_key
from sunlight.masking import masked_name, masked_number
from sunlight.text import to_half_width

TYPED = "typed"
"""The 处分对象 choice that means: the person is typed in below (ID number and name)."""
NAME_MAX = 60
EARLIEST = date(1990, 1, 1)
"""No subsidy measure of this system's data is older; an earlier date is a typing slip."""


@dataclass(frozen=True)
class Concerned:
    """A person a case concerns, as the disposal form offers them."""

    id_number: str
    name: str
    role: str
    """contract vocabulary `person_roles`: payee, cadre, subject ..."""


def _invalid(message: str) -> PydanticCustomError:
    return PydanticCustomError("disposal", message)


def _short(limit: int, label: str) -> BeforeValidator:
    def check(value: object) -> str:
        text = str(value or "").strip()
        if len(text) > limit:
            raise _invalid(f"{label}最多 {limit} 字")
        return text

    return BeforeValidator(check)


def _id_number(value: object) -> str:
    text = to_half_width(str(value or "")).strip().upper()
    if text and not id_number_valid(text):
        raise _invalid(f"{DISCIPLINED_ZH}的身份证号“{text[:30]}”有误：应为 18 位，"
                       "出生日期真实，最后一位校验码正确")
    return text


def _effective(label: str) -> BeforeValidator:
    def check(value: object) -> date | None:
        text = str(value or "").strip()
        if not text:
            return None
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise _invalid(f"{label}的生效日期格式应为 YYYY-MM-DD") from None
        if day < EARLIEST:
            raise _invalid(f"{label}的生效日期不能早于 {EARLIEST.isoformat()}")
        return day

    return BeforeValidator(check)


class DisposalFields(BaseModel):
    """The disposal form's fields beyond money and sanctions, checked (messages in Chinese)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    disciplined: Annotated[str, _short(40, DISCIPLINED_ZH)] = ""
    disciplined_id_number: Annotated[str, BeforeValidator(_id_number)] = ""
    disciplined_name: Annotated[str, _short(NAME_MAX, f"{DISCIPLINED_ZH}姓名")] = ""
    payment_stopped_on: Annotated[
        date | None, _effective(PAYMENT_MEASURES["payment_stopped_on"])] = None
    eligibility_revoked_on: Annotated[
        date | None, _effective(PAYMENT_MEASURES["eligibility_revoked_on"])] = None


def read_fields(form: Mapping[str, str]) -> DisposalFields:
    """The form's fields, or ValueError with the first problem, as the person should read it."""
    try:
        return DisposalFields.model_validate(dict(form))
    except ValidationError as error:
        raise ValueError(error.errors()[0]["msg"]) from None


def concerned_people(session: Session, case: Case) -> list[Concerned]:
    """Whom a disposal may fall on without typing: the person of the case's warning, or the
    persons of the entity index a report's case may be about."""
    warning = case.warning
    if warning is not None:
        # A police warning's person is the officer it concerns (当事民警), no payee.
        role = "officer" if warning.unit else "payee"
        found = [Concerned(warning.id_number, warning.name, role)] if warning.id_number else []
        # The others the warning concerns: the cadre whose relative was paid, the car's owner.
        found += [Concerned(person.id_number, person.name, person.role)
                  for person in warning.people if person.id_number != warning.id_number]
        return list({person.id_number: person for person in found if person.id_number}.values())
    report = session.scalar(select(Report).where(Report.case_id == case.id))
    if report is None:
        return []
    return [Concerned(person.key, person.name, "subject")
            for person in candidates(session, report, case)[:MAX_CANDIDATES]]


def offered(session: Session, case: Case) -> list[tuple[str, Concerned]]:
    """The people the form offers, each with the value its choice sends: the ID masked as
    staff pages show it (a case's few people differ in it; the full ID stays off the page)."""
    return [(masked_number(person.id_number), person)
            for person in concerned_people(session, case)]


def disposal_outcome(session: Session, case: Case, form: Mapping[str, str], *,
                     sanctioned: bool, today: date) -> dict[str, Any]:
    """The case fields of 处分对象 and the payment measures; ValueError says what is wrong.

    处分对象 is required once any sanction is given: a sanction falls on someone.
    """
    fields = read_fields(form)
    for name in PAYMENT_MEASURES:
        day = getattr(fields, name)
        if day is not None and day > today:
            raise ValueError(f"{PAYMENT_MEASURES[name]}的生效日期不能晚于今天")
    who = _disciplined(session, case, fields)
    if sanctioned and who is None:
        raise ValueError(f"给予处分或组织处理时，请选择或填写{DISCIPLINED_ZH}")
    return {"disciplined_id_number": who.id_number if who else "",
            "disciplined_name": who.name if who else "",
            **{name: getattr(fields, name) for name in PAYMENT_MEASURES}}


def _disciplined(session: Session, case: Case, fields: DisposalFields) -> Concerned | None:
    if fields.disciplined == TYPED:
        if not fields.disciplined_id_number or not fields.disciplined_name:
            raise ValueError(f"另行填写{DISCIPLINED_ZH}时，请填写身份证号和姓名")
        _check_registered(session, fields.disciplined_id_number, fields.disciplined_name)
        return Concerned(fields.disciplined_id_number, fields.disciplined_name, "")
    if not fields.disciplined:
        return None
    chosen = [person for value, person in offered(session, case)
              if value == fields.disciplined]
    if len(chosen) == 1:
        return chosen[0]
    raise ValueError(f"所选{DISCIPLINED_ZH}不在此案件涉及的人员中，请重新选择")


def _check_registered(session: Session, id_number: str, name: str) -> None:
    """ValueError when the registry knows the ID by another name (a typing slip, or the
    wrong person's ID); the registry's name masked, as the page must not reveal it whole."""
    registered = registered_names(session, id_number)
    if registered and name_key(name) not in {name_key(known) for known in registered}:
        raise ValueError(f"该身份证号在户籍中的姓名为{masked_name(registered[0])}，"
                         "与填写的姓名不符，请核对")


def logged(changes: Mapping[str, Any]) -> dict[str, Any]:
    """The disposal's changes as the decision and audit logs keep them: the ID masked."""
    shown = dict(changes)
    if shown.get("disciplined_id_number"):
        shown["disciplined_id_number"] = masked_number(shown["disciplined_id_number"])
    return shown
