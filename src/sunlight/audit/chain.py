"""Append to the audit log and verify its chain of keyed hashes.

Entry n carries an HMAC (keyed by `sunlight.audit.key`, never stored in the database) of its
own fields and of entry n-1's hash, so changing or deleting any entry breaks every hash after
it, and nobody without the key can compute the hashes again. `audit_head` holds the newest
number and hash, so cutting off the tail shows too, with the key's fingerprint and a MAC over
all of it. The log is append-only by trigger as well (migration 0002).

Entries written before the key existed (before migration 0008) keep their plain SHA-256
hashes: rewriting them would take the key inside the migration and an UPDATE the triggers
refuse. (Entries sealed with the public demo key, `DEMO_KEY`, count as such too: a command
run without the deployment's secret before the workbench's first start wrote them.) The first
process with the key *seals* them instead: it appends an `audit.seal` entry
whose HMAC covers the last plain hash, and records in the head that entries from there on
are keyed. From then on, an old entry that is changed or deleted (even with every plain hash
recomputed) breaks the seal's link, which cannot be recomputed without the key. The seal
trusts the log as it is at that moment; that is all a key added afterwards can do.

What someone with write access to the database (but not the key) can still do: delete the
newest entries and set the head back to a head they saw earlier (`sunlight audit verify
--checkpoint` catches it, against a checkpoint taken after those entries); or replace the
whole log with one of plain hashes and clear the head's key columns, so that it looks like a
log from before keys, which the next process seals as it finds it (a checkpoint catches that
too, and `verify` names the entry the seal was made at: a seal newer than the upgrade is a
warning sign). Short of those two, they cannot change, insert or delete any entry without
`verify` naming it.
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
from sunlight.audit.key import DEMO_KEY, AuditKey, key_of

GENESIS = "0" * 64
HEAD_ROW = 1
VERIFY_BATCH = 5000
SYSTEM_ACTOR = "sunlight"


def _fields_text(entry: AuditEntry) -> str:
    fields = [entry.id, entry.at.astimezone(UTC).isoformat(), entry.actor, entry.action,
              entry.target, entry.address, entry.details, entry.prev_hash]
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def plain_hash(entry: AuditEntry) -> str:
    """The unkeyed SHA-256 of an entry written before the key existed."""
    return hashlib.sha256(_fields_text(entry).encode()).hexdigest()


def sealed_hash(entry: AuditEntry, key: AuditKey) -> str:
    """The keyed hash of the entry's fields and the hash before it."""
    return key.mac("entry", _fields_text(entry))


def head_mac(head: AuditHead, key: AuditKey) -> str:
    """The head's MAC: its newest entry, where sealing began, and with which key."""
    text = json.dumps([head.last_id, head.last_hash, head.sealed_from, head.key_fingerprint])
    return key.mac("head", text)


def append(session: Session, *, actor: str, action: str, target: str = "",
           details: dict[str, Any] | None = None, address: str = "") -> AuditEntry:
    """Add one entry in the session's transaction (the caller commits with its own change).

    Raises AuditKeyMismatch when the log was sealed with another key than the session's.
    """
    key = key_of(session)
    head = _sealed_head(session, key)
    return _add(session, head, key, actor=actor, action=action, target=target,
                details=details or {}, address=address)


def seal(session: Session) -> AuditHead:
    """Bind the log to the session's key, sealing entries written before keys (at start-up).

    Raises AuditKeyMismatch when it is already bound to another key.
    """
    head = _sealed_head(session, key_of(session))
    session.flush()
    return head


def _sealed_head(session: Session, key: AuditKey) -> AuditHead:
    """The head, locked; bound to `key` first if `key` takes it over (_takes_over)."""
    head = session.execute(
        select(AuditHead).where(AuditHead.id == HEAD_ROW).with_for_update()
    ).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=HEAD_ROW, last_id=0, last_hash=GENESIS)
        session.add(head)
    if _takes_over(head, key):
        head.key_fingerprint, head.sealed_from = key.fingerprint, head.last_id + 1
        if head.last_id:
            _add(session, head, key, actor=SYSTEM_ACTOR, action="audit.seal",
                 details={"entries_before_key": head.last_id,
                          "last_hash_before_key": head.last_hash})
        head.head_mac = head_mac(head, key)
    elif head.key_fingerprint != key.fingerprint:
        raise key.mismatch(head.key_fingerprint)
    return head


def _takes_over(head: AuditHead, key: AuditKey) -> bool:
    """Whether `key` seals the log: one bound to no key yet, or to the public demo key while
    `key` is another (the demo key protects no more than plain hashes)."""
    return head.key_fingerprint is None or (head.key_fingerprint == DEMO_KEY.fingerprint
                                            and key.fingerprint != DEMO_KEY.fingerprint)


def _add(session: Session, head: AuditHead, key: AuditKey, *, actor: str, action: str,
         details: dict[str, Any], target: str = "", address: str = "") -> AuditEntry:
    entry = AuditEntry(
        id=head.last_id + 1, at=datetime.now(UTC), actor=actor, action=action, target=target,
        address=address, details=_plain(details), prev_hash=head.last_hash,
    )
    entry.entry_hash = sealed_hash(entry, key)
    session.add(entry)
    head.last_id, head.last_hash = entry.id, entry.entry_hash
    head.head_mac = head_mac(head, key)
    session.flush()
    return entry


class Problem(str):
    """A break `verify` found: English for the command line and logs, `chinese` for the
    admin page."""

    chinese: str

    def __new__(cls, english: str, chinese: str) -> Problem:
        problem = super().__new__(cls, english)
        problem.chinese = chinese
        return problem


@dataclass
class ChainReport:
    """What `verify` found: the entries checked, the head, where sealing began, each break."""

    entries: int = 0
    head_id: int = 0
    head_hash: str = GENESIS
    sealed_from: int | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems

    @property
    def unsealed(self) -> int:
        """Entries written before the key and not sealed by it yet (only until first use)."""
        return self.entries if self.sealed_from is None else self.sealed_from - 1


def verify(session: Session, key: AuditKey | None = None) -> ChainReport:
    """Recompute the chain from the first entry; every break is named by entry number."""
    key = key or key_of(session)
    head = session.get(AuditHead, HEAD_ROW)
    # A log that `key` would take over (see _takes_over) is not sealed yet, as far as it goes.
    unsealed = head is None or _takes_over(head, key)
    report = ChainReport(sealed_from=None if head is None or unsealed else head.sealed_from)
    if head is not None and not unsealed and head.key_fingerprint != key.fingerprint:
        report.problems.append(Problem(
            str(key.mismatch(head.key_fingerprint)) + "; or the log was sealed again with "
            "another key after it was changed",
            f"审计日志由指纹为 {head.key_fingerprint} 的密钥封存，而本进程的密钥（来自 "
            f"{key.source}）指纹为 {key.fingerprint}：请使用与工作台相同的审计密钥；"
            "否则就是日志被改动后又用另一把密钥重新封存"))
    _check_entries(session, key, report)
    last_id, last_hash = (head.last_id, head.last_hash) if head else (0, GENESIS)
    if last_id != report.head_id or last_hash != report.head_hash:
        report.problems.append(Problem(
            f"the log should end at entry {last_id}, but ends at entry {report.head_id}: "
            "entries at the end were deleted or changed",
            f"日志应到第 {last_id} 条为止，实际到第 {report.head_id} 条：末尾的记录被删除或改动"))
    if (head is not None and head.key_fingerprint == key.fingerprint
            and head.head_mac != head_mac(head, key)):
        report.problems.append(Problem(
            "the head of the log (audit_head) was changed: its MAC does not match (where "
            "sealing began, or the newest entry)",
            "日志链头记录被改动：其校验码不符（封存起点或最新记录被改）"))
    return report


def _check_entries(session: Session, key: AuditKey, report: ChainReport) -> None:
    sealed_from = report.sealed_from
    expected_id, prev_hash = 1, GENESIS
    changed: list[int] = []  # a run of consecutive entries whose hash does not match
    for entry in _entries(session):
        if entry.id != expected_id:
            _report_changed(report, changed)
            report.problems.append(Problem(f"entries {expected_id}–{entry.id - 1} are missing",
                                           f"第 {expected_id}–{entry.id - 1} 条记录缺失"))
        if entry.prev_hash != prev_hash:
            _report_changed(report, changed)
            report.problems.append(Problem(
                f"entry {entry.id}: does not follow the entry before it",
                f"第 {entry.id} 条记录：与前一条记录接不上"))
        if sealed_from is not None and entry.id >= sealed_from:
            intact = sealed_hash(entry, key) == entry.entry_hash
        else:  # written before this key: plain, or sealed with the public demo key
            intact = entry.entry_hash in (plain_hash(entry), sealed_hash(entry, DEMO_KEY))
        if not intact:
            changed.append(entry.id)
        else:
            _report_changed(report, changed)
        report.entries += 1
        expected_id, prev_hash = entry.id + 1, entry.entry_hash
    _report_changed(report, changed)
    report.head_id, report.head_hash = expected_id - 1, prev_hash


def _report_changed(report: ChainReport, changed: list[int]) -> None:
    if len(changed) == 1:
        report.problems.append(Problem(
            f"entry {changed[0]}: its content was changed after it was written",
            f"第 {changed[0]} 条记录：写入后内容被改动"))
    elif changed:
        report.problems.append(Problem(
            f"entries {changed[0]}–{changed[-1]}: their content was changed after they were "
            "written, or they were hashed again without this key",
            f"第 {changed[0]}–{changed[-1]} 条记录：写入后内容被改动，或未用本密钥重新计算过哈希"))
    changed.clear()


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
