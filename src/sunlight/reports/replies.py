"""Official replies to a report: written by whoever may act on its case, audited, and read by
the reporter on /track, every one of them."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunlight.appdb.account_tables import User
from sunlight.appdb.case_tables import Case
from sunlight.appdb.report_tables import Report, ReportReply
from sunlight.audit.chain import append
from sunlight.cases.workflow import InvalidInput, NotAllowed, may_see

REPLY_MAX = 2000


def report_of(session: Session, case: Case) -> Report | None:
    return session.scalar(select(Report).where(Report.case_id == case.id))


def add_reply(session: Session, case: Case, report: Report, actor: User, text: str, *,
              address: str = "") -> ReportReply:
    """Add a reply to those the reporter reads; none is ever changed or removed."""
    if not may_see(actor, case, case.township):
        raise NotAllowed("您只能答复分派给您的本乡镇案件")
    reply = text.strip()
    if not reply:
        raise InvalidInput("请填写答复内容")
    if len(reply) > REPLY_MAX:
        raise InvalidInput(f"答复最多 {REPLY_MAX} 字，现有 {len(reply)} 字")
    added = ReportReply(report_id=report.id, at=datetime.now(UTC), author_id=actor.id,
                        text=reply)
    session.add(added)
    append(session, actor=actor.username, action="report.reply", target=case.case_no,
           details={"reply": reply}, address=address)
    session.flush()
    session.expire(report, ["replies"])
    return added
