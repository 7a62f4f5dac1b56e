"""The discussion of a case (comments and attachments) for staff/cases/_discussion.html,
shared by the case page and a warning's page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from sunlight.appdb.case_tables import Case, CaseAttachment, CaseComment
from sunlight.cases.attachments import ACCEPTED, KINDS, MAX_BYTES
from sunlight.cases.comments import MAX_CHARS


@dataclass(frozen=True)
class Discussion:
    case: Case
    comments: Sequence[CaseComment]
    attachments: Sequence[CaseAttachment]
    draft: str
    """A comment that was refused, put back in the box."""
    message: str
    accept: str = ",".join(sorted(KINDS))
    accepted: str = ACCEPTED
    max_mb: int = MAX_BYTES // (1024 * 1024)
    max_chars: int = MAX_CHARS

    def comments_url(self) -> str:
        return f"/staff/cases/{self.case.case_no}/comments"

    def attachments_url(self) -> str:
        return f"/staff/cases/{self.case.case_no}/attachments"


def discussion_context(session: Session, case: Case | None, *, draft: str = "",
                       message: str = "") -> dict[str, Any]:
    """What staff/cases/_discussion.html needs, under the one key `discussion` (None for a
    warning without a case yet: the fragment then shows nothing).

    Whoever may see the case may comment and attach; the routes check that.
    """
    if case is None:
        return {"discussion": None}
    comments = session.scalars(select(CaseComment).where(CaseComment.case_id == case.id)
                               .options(selectinload(CaseComment.author))
                               .order_by(CaseComment.id)).all()
    attachments = session.scalars(select(CaseAttachment)
                                  .where(CaseAttachment.case_id == case.id)
                                  .options(selectinload(CaseAttachment.uploader))
                                  .order_by(CaseAttachment.id)).all()
    return {"discussion": Discussion(case, comments, attachments, draft, message)}
