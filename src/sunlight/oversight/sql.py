"""The queries that judge posts, cases and findings for the 督察 views (DuckDB's dialect),
over the shared relations `post`, `police_case` and `inspection_finding` (given as `WITH`),
the run's `run_context` and `time_limits` tables and the duty tables."""

from __future__ import annotations

from typing import Final

from sunlight.appdb.oversight_tables import CODE, TEXT

# Texts are cut to the columns' widths: ingestion keeps a hostile cell whole (reported as
# text_too_long), and a build must not fail on it.

# Each shift a post's coverage requires (`coverage_shifts`) on each date within its active
# period and the roster's date range (first to last date over all units, contract §6), and
# whether a roster row naming the post staffs it (`shift_covers`: a 全天 row both shifts):
# POST_UNCOVERED's judgement day by day, over the duty tables of sunlight.models.duty_tables.
POST_SHIFTS: Final = f"""
WITH roster_dates AS (
    SELECT CAST(unnest(generate_series(min(date), max(date), INTERVAL 1 DAY)) AS DATE) AS day
    FROM duty_roster
), required AS (
    SELECT p.unit, p.post, d.day, c.shift
    FROM post AS p
    JOIN coverage_shifts AS c ON c.coverage = p.coverage
    JOIN roster_dates AS d
      ON d.day >= coalesce(p.active_from, d.day) AND d.day <= coalesce(p.active_to, d.day)
), staffed AS (
    SELECT DISTINCT r.unit, r.post, r.date AS day, k.covers AS shift
    FROM duty_roster AS r
    JOIN shift_covers AS k ON k.shift = r.shift
    WHERE nullif(r.post, '') IS NOT NULL
)
SELECT left(q.unit, {TEXT}) AS unit, left(q.post, {TEXT}) AS post, q.day, q.shift,
       s.shift IS NOT NULL AS covered
FROM required AS q
LEFT JOIN staffed AS s
  ON s.unit = q.unit AND s.post = q.post AND s.day = q.day AND s.shift = q.shift
ORDER BY q.unit, q.day, q.post, q.shift
"""

POSTS: Final = f"""
SELECT left(unit, {TEXT}) AS unit, left(post, {TEXT}) AS post,
       left(coalesce(kind, ''), {TEXT}) AS kind, left(coalesce(coverage, ''), {TEXT}) AS coverage,
       active_from, active_to
FROM post ORDER BY unit, post
"""

# The data as it stood at the run's as-of date, as CASE_OVERDUE, CASE_STEP_ORDER and
# RECTIFICATION_OVERDUE judge it: a step or a rectification dated later has not happened yet
# (NULL), a case received or a finding found later is not there yet (`_SEEN` is false).
_SEEN = "(x.as_of IS NULL OR CAST({day} AS DATE) <= x.as_of)"


def _as_of(day: str) -> str:
    return f"CASE WHEN {_SEEN.format(day=day)} THEN CAST({day} AS DATE) END"


# Each case against each limit of its category (contract §6: calendar days between the dates
# of two steps; a step not taken judged at the as-of date), the worst kept: open and overdue,
# then done late, open within its limit, on time; a category without limits is no_limit.
CASES: Final = f"""
WITH steps AS (
    SELECT c.case_no, c.unit, c.category, coalesce(c.handler_name, '') AS handler_name,
           CAST(c.received_at AS DATE) AS received_on, {_as_of("c.filed_at")} AS filed_on,
           {_as_of("c.measures_at")} AS measures_on, {_as_of("c.closed_at")} AS closed_on,
           l.step, l.days AS limit_days, x.as_of
    FROM police_case AS c
    LEFT JOIN time_limits AS l ON l.category = c.category
    CROSS JOIN run_context AS x
    WHERE {_SEEN.format(day="c.received_at")}
), taken AS (
    SELECT *, CASE step WHEN 'filed_at' THEN filed_on WHEN 'measures_at' THEN measures_on
                        WHEN 'closed_at' THEN closed_on END AS step_on
    FROM steps
), judged AS (
    SELECT *,
           CASE WHEN step IS NULL OR received_on IS NULL THEN NULL
                ELSE date_diff('day', received_on, coalesce(step_on, as_of)) END AS days_taken
    FROM taken
), rated AS (
    SELECT *,
           CASE WHEN step IS NULL OR received_on IS NULL THEN 'no_limit'
                WHEN step_on IS NOT NULL AND days_taken <= limit_days THEN 'on_time'
                WHEN step_on IS NOT NULL THEN 'overdue'
                WHEN days_taken IS NOT NULL AND days_taken > limit_days THEN 'open_overdue'
                ELSE 'open_within' END AS timeliness
    FROM judged
)
SELECT left(case_no, {TEXT}) AS case_no, left(unit, {TEXT}) AS unit,
       left(category, {CODE}) AS category, left(handler_name, {TEXT}) AS handler_name,
       received_on, filed_on, measures_on, closed_on,
       coalesce(step, '') AS step, limit_days, CAST(days_taken AS INTEGER) AS days_taken,
       timeliness
FROM rated
QUALIFY row_number() OVER (PARTITION BY case_no ORDER BY
    CASE timeliness WHEN 'open_overdue' THEN 0 WHEN 'overdue' THEN 1 WHEN 'open_within' THEN 2
                    WHEN 'on_time' THEN 3 ELSE 4 END, step) = 1
ORDER BY unit, category, case_no
"""

# A finding is rectified in time on or before its deadline (contract §6, RECTIFICATION_OVERDUE).
FINDINGS: Final = f"""
SELECT left(f.finding_no, {TEXT}) AS finding_no, left(f.unit, {TEXT}) AS unit, f.found_on,
       left(coalesce(f.category, ''), {CODE}) AS category,
       left(coalesce(f.description, ''), {TEXT}) AS description, f.rectify_by, f.rectified_on,
       left(coalesce(f.inspector, ''), {TEXT}) AS inspector,
       CASE WHEN f.rectified_on IS NOT NULL AND f.rectified_on <= f.rectify_by THEN 'on_time'
            WHEN f.rectified_on IS NOT NULL THEN 'late'
            WHEN x.as_of IS NOT NULL AND f.rectify_by < x.as_of THEN 'open_overdue'
            ELSE 'open_within' END AS state,
       CAST(greatest(0, coalesce(date_diff('day', f.rectify_by,
                                           coalesce(f.rectified_on, x.as_of)), 0)) AS INTEGER)
           AS days_over
FROM (SELECT f.* REPLACE ({_as_of("f.rectified_on")} AS rectified_on)
      FROM inspection_finding AS f CROSS JOIN run_context AS x
      WHERE {_SEEN.format(day="f.found_on")}) AS f
CROSS JOIN run_context AS x
ORDER BY f.unit, f.finding_no
"""
