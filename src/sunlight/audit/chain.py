"""Append to the audit log and verify its hash chain.

Entry n's hash covers its own fields and entry n-1's hash, so changing or deleting any entry
breaks every hash after it; `audit_head` holds the newest number and hash, so cutting off the
tail shows too. The log is append-only by trigger as well (migration 0002).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunlight.appdb.audit_tables import AuditEntry, AuditHead

GENESIS = "0" * 64
ACTION_ZH = {
    "login": "登录", "login.failed": "登录失败", "logout": "退出",
    "user.add": "新建账户", "user.password": "修改密码", "user.password_reset": "重置密码",
    "user.deactivate": "停用账户", "user.reactivate": "启用账户", "audit.verify": "校验审计链",
    "view.id_number": "查看完整身份证号", "export.warnings": "导出预警清单",
    "quality.export": "导出质量报告", "upload": "上传数据文件", "upload.rollback": "撤销上传的导入",
    "case.assign": "分派核查", "case.reassign": "改派", "case.verify": "提交核实结论",
    "case.return": "退回重查", "case.dispose": "处置", "case.close": "办结",
    "case.close_unfounded": "办结（不属实）", "case.comment": "案件备注",
    "case.attach": "上传附件", "case.attachment.download": "下载附件",
    "self_correction.record": "登记主动说明/退回", "report.file": "群众随手拍举报",
    "report.reply": "答复举报人", "publication.publish": "发布公示",
    "publication.withdraw": "撤回公示",
}
"""How the audit page names each action (the log itself keeps the stable English code)."""
HEAD_ROW = 1
VERIFY_BATCH = 5000


def entry_hash(entry: AuditEntry) -> str:
    """The SHA-256 of the entry's fields and the hash before it, in a fixed serialisation."""
    fields = [entry.id, entry.at.astimezone(UTC).isoformat(), entry.actor, entry.action,
              entry.target, entry.address, entry.details, entry.prev_hash]
    text = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def append(session: Session, *, actor: str, action: str, target: str = "",
           details: dict[str, Any] | None = None, address: str = "") -> AuditEntry:
    """Add one entry in the session's transaction (the caller commits with its own change)."""
    head = session.execute(
        select(AuditHead).where(AuditHead.id == HEAD_ROW).with_for_update()
    ).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=HEAD_ROW, last_id=0, last_hash=GENESIS)
        session.add(head)
    entry = AuditEntry(
        id=head.last_id + 1, at=datetime.now(UTC), actor=actor, action=action, target=target,
        address=address, details=_plain(details or {}), prev_hash=head.last_hash,
    )
    entry.entry_hash = entry_hash(entry)
    session.add(entry)
    head.last_id, head.last_hash = entry.id, entry.entry_hash
    session.flush()
    return entry


@dataclass
class ChainReport:
    """What `verify` found: how many entries it checked, the head, and each break."""

    entries: int = 0
    head_hash: str = GENESIS
    problems: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


def verify(session: Session) -> ChainReport:
    """Recompute the chain from the first entry; every break is named by entry number."""
    report = ChainReport()
    expected_id, prev_hash = 1, GENESIS
    for entry in _entries(session):
        if entry.id != expected_id:
            report.problems.append(f"entries {expected_id}–{entry.id - 1} are missing")
        if entry.prev_hash != prev_hash:
            report.problems.append(f"entry {entry.id}: does not follow the entry before it")
        if entry_hash(entry) != entry.entry_hash:
            report.problems.append(f"entry {entry.id}: its content was changed after it was "
                                   "written")
        report.entries += 1
        expected_id, prev_hash = entry.id + 1, entry.entry_hash
    head = session.get(AuditHead, HEAD_ROW)
    last_id, last_hash = (head.last_id, head.last_hash) if head else (0, GENESIS)
    if last_id != expected_id - 1 or last_hash != prev_hash:
        report.problems.append(f"the log should end at entry {last_id}, but ends at entry "
                               f"{expected_id - 1}: entries at the end were deleted or changed")
    report.head_hash = prev_hash
    return report


def _entries(session: Session) -> Iterator[AuditEntry]:
    after = 0
    while True:
        batch = session.scalars(
            select(AuditEntry).where(AuditEntry.id > after).order_by(AuditEntry.id)
            .limit(VERIFY_BATCH)
        ).all()
        if not batch:
            return
        yield from batch
        after = batch[-1].id
        session.expunge_all()


def _plain(details: dict[str, Any]) -> dict[str, Any]:
    # What is hashed must be what the database hands back: JSON's own types only.
    loaded: dict[str, Any] = json.loads(json.dumps(details, ensure_ascii=False, default=str))
    return loaded
