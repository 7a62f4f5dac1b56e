"""The register of self-corrections: 主动说明 (came forward to explain) and 主动退回 (paid
back), standalone or linked to the warning that concerned the same payments."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from sunlight.appdb.account_tables import User
from sunlight.appdb.case_tables import SelfCorrection
from sunlight.appdb.tables import Warning
from sunlight.audit.chain import append
from sunlight.cases.workflow import InvalidInput, parse_money
from sunlight.contract.cases import SELF_CORRECTION_KINDS
from sunlight.contract.vocabulary import field_label
from sunlight.text import to_half_width

ID_NUMBER = re.compile(r"\d{17}[\dX]")
REFUND = SELF_CORRECTION_KINDS[1]
FIELDS = ("kind", "person_name", "id_number", "township", "village", "program",
          "amount_refunded", "description", "warning_id")
"""The form's fields, as the page names them."""
LIMITS = {"person_name": 60, "township": 60, "village": 60, "program": 60,
          "description": 5000}


def record(session: Session, recorder: User, form: Mapping[str, str], *,
           address: str = "") -> SelfCorrection:
    """Check the form and add one entry with its audit entry, in the caller's transaction."""
    field = {name: form.get(name, "").strip() for name in FIELDS}
    if field["kind"] not in SELF_CORRECTION_KINDS:
        raise InvalidInput(f"请选择类型：{' / '.join(SELF_CORRECTION_KINDS)}")
    if not field["person_name"]:
        raise InvalidInput("请填写当事人姓名")
    for name, limit in LIMITS.items():
        if len(field[name]) > limit:
            raise InvalidInput(f"{field_label(name)}最多 {limit} 字")
    id_number = to_half_width(field["id_number"]).upper()
    if id_number and not ID_NUMBER.fullmatch(id_number):
        raise InvalidInput(f"身份证号“{field['id_number']}”应为 18 位（最后一位可为 X）")
    amount = _amount(field["amount_refunded"], required=field["kind"] == REFUND)
    warning = _warning(session, field["warning_id"])
    entry = SelfCorrection(
        at=datetime.now(UTC), recorded_by=recorder.id, kind=field["kind"],
        person_name=field["person_name"], id_number=id_number, township=field["township"],
        village=field["village"], program=field["program"], amount_refunded=amount,
        description=field["description"], warning_pk=warning.id if warning else None)
    session.add(entry)
    session.flush()
    append(session, actor=recorder.username, action="self_correction.record",
           target=warning.warning_id if warning else "",
           details={"entry": entry.id, "kind": entry.kind, "person": entry.person_name,
                    "amount_refunded": str(amount)}, address=address)
    return entry


def listed(session: Session, *, limit: int = 200) -> Sequence[SelfCorrection]:
    """The newest entries first."""
    return session.scalars(
        select(SelfCorrection).options(selectinload(SelfCorrection.warning),
                                       selectinload(SelfCorrection.recorder))
        .order_by(SelfCorrection.id.desc()).limit(limit)).all()


def _amount(text: str, *, required: bool) -> Decimal:
    amount = parse_money(text, "退回金额")
    if required and amount == 0:
        raise InvalidInput("主动退回须填写退回金额")
    return amount


def _warning(session: Session, warning_id: str) -> Warning | None:
    if not warning_id:
        return None
    warning = session.scalar(select(Warning).where(Warning.warning_id == warning_id.upper()))
    if warning is None:
        raise InvalidInput(f"没有编号为 {warning_id} 的预警，请核对预警编号（如 W-OV5JLLK42USZ）")
    return warning
