"""The report section of a report case's page (staff/cases/_report.html): what the reporter
sent, their photos, and the official replies with the form for another."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from sunlight.appdb.case_tables import Case
from sunlight.contract.cases import REPORT_CASE
from sunlight.entities.report_subjects import report_subjects
from sunlight.reports.related import warnings_about
from sunlight.reports.replies import REPLY_MAX, report_of
from sunlight.web.reference import model_names, program_names


def report_context(session: Session, case: Case | None, *, analyst: bool = False,
                   reply_draft: str | None = None, reply_message: str = "",
                   catalog: Path | None = None) -> dict[str, Any]:
    """Under the key `report` (None for a warning's case: the fragment shows nothing).

    Whoever may see the case may read the report and reply; the routes check that. Only an
    analyst, who may open every warning and entity page, is shown the warnings about the same
    person and the entities the report may be about. `catalog` names the program a report
    chose.
    """
    if case is None or case.kind != REPORT_CASE:
        return {"report": None}
    report = report_of(session, case)
    if report is None:
        return {"report": None}
    return {"report": report, "reply_max": REPLY_MAX, "reply_message": reply_message,
            "related_warnings": warnings_about(session, report, case) if analyst else [],
            "subjects": report_subjects(session, report, case) if analyst else None,
            "model_names": model_names(),
            "program_name": program_names(catalog).get(report.program, report.program),
            "reply_draft": reply_draft or "",
            "photos_url": f"/staff/cases/{case.case_no}/photos"}
