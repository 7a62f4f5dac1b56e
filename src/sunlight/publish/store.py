"""Writing a publication into the app database, withdrawing one, and which one is current."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sunlight.appdb.bulk import insert_rows
from sunlight.appdb.publication_tables import (
    PUBLISHED,
    WITHDRAWN,
    PubApproval,
    PubBeneficiary,
    PubEntry,
    Publication,
    PubLookup,
    PubPayment,
    PubProgram,
    PubVillage,
    PubVillageProgram,
)
from sunlight.appdb.tables import Base
from sunlight.audit.chain import append
from sunlight.contract.catalog import Catalog
from sunlight.publish.extract import Extract, beneficiary_rows, lookup_rows, village_rows


class NotPublished(LookupError):
    """No publication of that version, or it is withdrawn already."""


@dataclass(frozen=True)
class Written:
    publication: Publication
    counts: dict[str, int]


def publish(session: Session, extract: Extract, catalog: Catalog, *, actor: str,
            fingerprint: str = "", address: str = "") -> Written:
    """Store the extract as the next version, audited in the same transaction.

    The caller commits; until then the portal keeps showing the previous version.
    """
    version = (session.scalar(select(func.max(Publication.version))) or 0) + 1
    publication = Publication(
        version=version, status=PUBLISHED, region=catalog.region,
        published_at=datetime.now(UTC), published_by=actor,
        lookup_salt=secrets.token_hex(32), fingerprint=fingerprint, counts={})
    session.add(publication)
    session.flush()
    pid = publication.id
    connection = session.connection()

    def put(model: type[Base], names: list[str], rows: list[tuple[Any, ...]]) -> int:
        insert_rows(connection, model, ["publication_id", *names],
                    [(pid, *row) for row in rows])
        return len(rows)

    totals = {r["program"]: r for r in extract.program_totals.to_pylist()}
    put(PubProgram, ["code", "position", "name", "department", "period", "policy_basis",
                     "conditions", "standard_text", "beneficiaries", "total"],
        [(p.code, i, p.name, p.department, p.period, p.policy_basis, p.conditions,
          p.standard_text, totals.get(p.code, {}).get("beneficiaries", 0),
          totals.get(p.code, {}).get("total", 0))
         for i, p in enumerate(catalog.programs)])
    counts = {
        "villages": put(PubVillage, ["no", "code", "township", "village", "beneficiaries",
                                     "households", "total"], village_rows(extract.villages)),
        "beneficiaries": put(PubBeneficiary, ["no", "village_no", "household_no", "name",
                                              "masked_id"],
                             beneficiary_rows(extract.beneficiaries)),
    }
    put(PubVillageProgram, _names(extract.village_programs),
        _rows(extract.village_programs))
    entry_names = [n for n in extract.entries.column_names if n != "id_number"]
    counts["entries"] = put(PubEntry, entry_names, _rows(extract.entries.select(entry_names)))
    counts["payments"] = put(PubPayment, _names(extract.payments), _rows(extract.payments))
    counts["approvals"] = put(PubApproval, _names(extract.approvals), _rows(extract.approvals))
    counts["lookups"] = put(PubLookup, ["key", "village_no", "household_no"],
                            lookup_rows(extract.members, publication.lookup_salt))
    publication.counts = counts
    append(session, actor=actor, action="publication.publish", target=f"v{version}",
           details={"counts": counts, "fingerprint": fingerprint}, address=address)
    session.flush()
    return Written(publication, counts)


def withdraw(session: Session, version: int, *, actor: str, reason: str = "",
             address: str = "") -> Publication:
    """Take a version off the portal (it shows the newest one still published, if any)."""
    publication = session.scalar(
        select(Publication).where(Publication.version == version).with_for_update())
    if publication is None or publication.status != PUBLISHED:
        raise NotPublished(version)
    publication.status = WITHDRAWN
    publication.withdrawn_at = datetime.now(UTC)
    publication.withdrawn_by = actor
    publication.withdraw_reason = reason
    append(session, actor=actor, action="publication.withdraw", target=f"v{version}",
           details={"reason": reason}, address=address)
    session.flush()
    return publication


def current(session: Session) -> Publication | None:
    """The newest publication not withdrawn: what the portal shows."""
    return session.scalar(select(Publication).where(Publication.status == PUBLISHED)
                          .order_by(Publication.version.desc()).limit(1))


def history(session: Session) -> list[Publication]:
    return list(session.scalars(select(Publication).order_by(Publication.version.desc())))


def _names(table: Any) -> list[str]:
    return list(table.column_names)


def _rows(table: Any) -> list[tuple[Any, ...]]:
    columns: list[list[Any]] = [table.column(i).to_pylist() for i in range(table.num_columns)]
    return list(zip(*columns, strict=True))


