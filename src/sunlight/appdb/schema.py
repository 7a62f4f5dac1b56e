"""Every table of the app database, imported in one place for migrations and tests."""

from sunlight.appdb import (
    account_tables,
    audit_tables,
    case_tables,
    entity_tables,
    job_tables,
    limit_tables,
    oversight_tables,
    publication_tables,
    report_tables,
    screening_tables,
    search_tables,
    timeline_tables,
    upload_tables,
)
from sunlight.appdb.tables import Base

__all__ = ["Base", "account_tables", "audit_tables", "case_tables", "entity_tables", "job_tables",
           "limit_tables", "oversight_tables", "publication_tables", "report_tables",
           "screening_tables", "search_tables", "timeline_tables", "upload_tables"]
