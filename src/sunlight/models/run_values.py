"""Values of a whole detection run that the models read as tables: the as-of date judging
what has not happened yet (contract §6) and the police case time limits in force.

`run_context` has one row, `as_of` (DATE; NULL when the warehouse holds no police cases or
inspection findings and none was given); `time_limits` has a row per limit (category, step,
step_label, days). Tables rather than literals in the SQL: every engine reads them alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pyarrow as pa

from sunlight.clock import local_today
from sunlight.contract.time_limits import TimeLimits
from sunlight.warehouse.engine import Engine

RUN_CONTEXT = "run_context"
TIME_LIMITS = "time_limits"

# The latest date anywhere in police_cases, else in inspection_findings (contract §6).
_LATEST_DATE = """
SELECT
    (SELECT CAST(greatest(max(received_at), max(filed_at), max(measures_at), max(closed_at))
            AS DATE) FROM police_cases) AS cases,
    (SELECT greatest(max(found_on), max(rectify_by), max(rectified_on))
     FROM inspection_findings) AS findings
"""


# The dates an as-of date may be: those ingest reads as dates at all (sl_plausible).
EARLIEST_AS_OF = date(1900, 1, 1)
LATEST_AS_OF = date(2100, 12, 31)


@dataclass(frozen=True)
class AsOf:
    """The date a run judges steps not yet taken at, and where it came from."""

    day: date | None
    source: str  # "given", "police_cases", "inspection_findings", or "" when there is none
    capped_from: date | None = None
    """The default's date when it lay after today (one row dated 2099): judged at today."""


def resolve_as_of(engine: Engine, given: date | None, today: date | None = None) -> AsOf:
    """`given`, else the contract's default over the datasets the engine has registered,
    never later than `today` (the county's, clock.py)."""
    if given is not None:
        if not EARLIEST_AS_OF <= given <= LATEST_AS_OF:
            raise ValueError(f"as-of date {given.isoformat()} is outside "
                             f"{EARLIEST_AS_OF.isoformat()}..{LATEST_AS_OF.isoformat()}")
        return AsOf(given, "given")
    latest = engine.query_few(_LATEST_DATE).to_pylist()[0]
    today = today or local_today()
    for source, dataset in (("cases", "police_cases"), ("findings", "inspection_findings")):
        if (day := latest[source]) is not None:
            return AsOf(today, dataset, day) if day > today else AsOf(day, dataset)
    return AsOf(None, "")


def run_tables(as_of: AsOf, limits: TimeLimits) -> dict[str, pa.Table]:
    """The run's tables, by name."""
    rows = limits.limits
    return {
        RUN_CONTEXT: pa.table({"as_of": pa.array([as_of.day], pa.date32())}),
        TIME_LIMITS: pa.table({
            "category": pa.array([limit.category for limit in rows], pa.string()),
            "step": pa.array([limit.step for limit in rows], pa.string()),
            "step_label": pa.array([limit.step_label for limit in rows], pa.string()),
            "days": pa.array([limit.days for limit in rows], pa.int32()),
        }),
    }
