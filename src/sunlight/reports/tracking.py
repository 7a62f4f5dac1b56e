"""What a reporter reads on /track: the status, each change of it with its date, and the
official replies. Never a staff name, a comment, a verdict's reasons or anything internal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunlight.appdb.case_tables import Case, CaseEvent
from sunlight.appdb.report_tables import Report
from sunlight.contract.cases import OPEN, STATUS_ZH
from sunlight.reports.codes import code_hash


@dataclass(frozen=True)
class Step:
    at: datetime
    status: str
    """In Chinese: 待分派, 核查中, …"""


@dataclass(frozen=True)
class Reply:
    at: datetime
    text: str


@dataclass(frozen=True)
class Tracked:
    category: str
    filed_at: datetime
    township: str
    village: str
    subject_name: str
    subject_masked_id: str
    photos: int
    status: str
    history: list[Step]
    replies: list[Reply]  # the first given first


def track(session: Session, code: str) -> Tracked | None:
    """The report with this (normalised) tracking code, as its reporter may see it."""
    found = session.execute(select(Report, Case).join(Case, Case.id == Report.case_id)
                            .where(Report.code_hash == code_hash(code))).first()
    if found is None:
        return None
    report, case = found
    changes = session.execute(
        select(CaseEvent.at, CaseEvent.to_status).where(
            CaseEvent.case_id == case.id, CaseEvent.from_status != CaseEvent.to_status)
        .order_by(CaseEvent.id)).all()
    history = [Step(report.filed_at, STATUS_ZH[OPEN])]
    history += [Step(at, STATUS_ZH.get(status, status)) for at, status in changes]
    return Tracked(
        category=report.category, filed_at=report.filed_at, township=case.township,
        village=case.village, subject_name=report.subject_name,
        subject_masked_id=report.subject_masked_id, photos=len(report.photos),
        status=STATUS_ZH.get(case.status, case.status), history=history,
        replies=[Reply(reply.at, reply.text) for reply in report.replies])
