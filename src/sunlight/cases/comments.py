"""Comments on a case: notes by the staff working on it, recorded in the audit log too."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from sunlight.appdb.account_tables import User
from sunlight.appdb.case_tables import Case, CaseComment
from sunlight.audit.chain import append
from sunlight.cases.workflow import InvalidInput

MAX_CHARS = 5000


def add_comment(session: Session, case: Case, author: User, body: str, *,
                address: str = "") -> CaseComment:
    """Add a comment in the caller's transaction; an empty or overlong one is refused."""
    text = body.strip()
    if not text:
        raise InvalidInput("评论内容不能为空")
    if len(text) > MAX_CHARS:
        raise InvalidInput(f"评论最多 {MAX_CHARS} 字（现有 {len(text)} 字），请精简或分几条发表")
    comment = CaseComment(case_id=case.id, at=datetime.now(UTC), author_id=author.id, body=text)
    session.add(comment)
    session.flush()
    append(session, actor=author.username, action="case.comment", target=case.case_no,
           details={"comment": comment.id, "chars": len(text)}, address=address)
    return comment
