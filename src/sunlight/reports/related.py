"""A villager's report and the models' warnings about the same person, found from either side,
so that one person is not checked twice by two people who do not know of each other.

A report knows its person only as the portal showed them: the name and the ID masked to its
first 6 characters (never the full ID); reports filed before the portal's mask was narrowed
hold the first 6 and last 4, which are matched as well. A warning about a person of that name,
whose ID has those characters, in the same township, is taken to be about them; staff see the
link and judge for themselves.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunlight.appdb.case_tables import Case
from sunlight.appdb.report_tables import Report
from sunlight.appdb.tables import Warning
from sunlight.contract.cases import RETRACTED
from sunlight.masking import masked_number, public_masked_id


def warnings_about(session: Session, report: Report, case: Case) -> Sequence[Warning]:
    """The standing warnings about the person a report names, highest risk first."""
    if not report.subject_name or not report.subject_masked_id.strip("*"):
        return []  # a short ID the portal hid whole says nothing
    # In LIKE, _ stands for one character, as * does in the masked ID.
    pattern = report.subject_masked_id.replace("*", "_")
    return session.scalars(
        select(Warning).where(Warning.name == report.subject_name,
                              Warning.id_number.like(pattern),
                              Warning.township == case.township,
                              Warning.status != RETRACTED)
        .order_by(Warning.score.desc(), Warning.warning_id)).all()


def reports_about(session: Session, warning: Warning) -> Sequence[Case]:
    """The cases of the reports that name the person a warning is about, newest first."""
    if not warning.id_number or not warning.name:
        return []
    return session.scalars(
        select(Case).join(Report, Report.case_id == Case.id)
        .where(Report.subject_name == warning.name,
               Report.subject_masked_id.in_((public_masked_id(warning.id_number),
                                             masked_number(warning.id_number))),
               Case.township == warning.township)
        .order_by(Case.id.desc())).all()
