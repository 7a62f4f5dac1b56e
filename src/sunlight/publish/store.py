"""Writing a publication into the app database, withdrawing one, and which one is current."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import numpy as np
import pyarrow as pa
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sunlight.appdb.bulk import insert_table
from sunlight.appdb.publication_tables import (
    PUBLISHED,
    WITHDRAWN,
    PubApproval,
    PubBeneficiary,
    PubCompanyPayment,
    PubEntry,
    PubHousehold,
    Publication,
    PubLookup,
    PubPayment,
    PubProgram,
    PubVillage,
    PubVillageProgram,
)
from sunlight.appdb.tables import Base
from sunlight.audit.chain import append
from sunlight.audit.key import key_of
from sunlight.contract.catalog import Catalog
from sunlight.publish.extract import Extract, lookup_table, proof_table, village_table
from sunlight.publish.fitting import fitted
from sunlight.publish.lookups import lookup_secret


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
    key = key_of(session)  # the portal must hold the same one (publish/lookups.py)
    publication = Publication(
        version=version, status=PUBLISHED, region=catalog.region,
        published_at=datetime.now(UTC), published_by=actor,
        lookup_salt=secrets.token_hex(32), lookup_keyed_by=key.fingerprint,
        fingerprint=fingerprint, counts={})
    session.add(publication)
    session.flush()
    pid = publication.id
    connection = session.connection()

    def put(model: type[Base], table: pa.Table) -> int:
        column = pa.array(np.full(table.num_rows, pid, dtype=np.int32))
        insert_table(connection, model,
                     fitted(model, table).add_column(0, "publication_id", column))
        return int(table.num_rows)

    put(PubProgram, _programs(catalog, extract.program_totals))
    counts = {
        "villages": put(PubVillage, village_table(extract.villages)),
        "beneficiaries": put(PubBeneficiary, extract.beneficiaries),
    }
    put(PubVillageProgram, extract.village_programs)
    put(PubHousehold, extract.households)
    counts["entries"] = put(PubEntry, extract.entries)
    counts["payments"] = put(PubPayment, extract.payments)
    counts["approvals"] = put(PubApproval, extract.approvals)
    secret = lookup_secret(key, publication.lookup_salt)
    counts["lookups"] = put(PubLookup, lookup_table(extract.members, secret))
    counts["lookup_proofs"] = put(PubLookup, proof_table(extract.proofs, secret))
    counts["company_payments"] = put(PubCompanyPayment, extract.company_payments)
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


def _programs(catalog: Catalog, totals: pa.Table) -> pa.Table:
    """Every program of the catalog with what the public reads about it, and its totals
    (persons paid, or companies paid for a company program)."""
    by_code = {r["program"]: r for r in totals.to_pylist()}
    rows = catalog.programs
    return pa.table({
        "code": [p.code for p in rows],
        "position": pa.array(range(len(rows)), pa.int32()),
        "name": [p.name for p in rows],
        "department": [p.department for p in rows],
        "period": [p.period for p in rows],
        "policy_basis": [p.policy_basis for p in rows],
        "conditions": [p.conditions for p in rows],
        "standard_text": [p.standard_text for p in rows],
        "listed_by": [p.listed_by for p in rows],
        "subject": [p.subject for p in rows],
        "beneficiaries": pa.array([by_code.get(p.code, {}).get("beneficiaries", 0)
                                   for p in rows], pa.int32()),
        "total": pa.array([by_code.get(p.code, {}).get("total", Decimal(0))
                           for p in rows],
                          pa.decimal128(18, 2)),
    })
