"""Each (account, payee) pair as an account's document reads it, kept in the snapshot.

An account's document holds, of each payee, the name as written and the place of their
latest payment (`sql.PAYEES`), and the account's place is its latest payee's. So a scoped
build must tell which accounts new payments change without reading every row paid into
them: each pair's state is kept (`all_pairs`, the snapshot's `pairs`) as the greatest
(period, name) and (period, township, village) of its rows with a name, a township, a
village (what `arg_max`, which passes over a NULL, picks from), its last period and its
programs. Greatest values merge: the state after new rows is the greater of the kept one
and the new rows' own, exactly what the whole warehouse gives.
"""

from __future__ import annotations

from sunlight.entities.sql import LAST_PLACE, PROGRAM


def state(rows: str) -> str:
    """The pairs' state over the payments `rows` (a table with the payments' columns)."""
    return f"""
SELECT coalesce(t.account, '') AS account, coalesce(t.id_number, '') AS id,
       max(struct_pack(p := t.period, n := t.name)) FILTER (WHERE t.name IS NOT NULL) AS w,
       max({LAST_PLACE}) FILTER (WHERE t.township IS NOT NULL) AS tp,
       max({LAST_PLACE}) FILTER (WHERE t.village IS NOT NULL) AS vp,
       max(t.period) AS last, list(DISTINCT {PROGRAM} ORDER BY {PROGRAM}) AS programs
FROM {rows} AS t GROUP BY ALL
"""


WHOLE = state("e_pay")
"""`all_pairs` when the subject steps read the whole warehouse."""

_KEY = "account, id"

# The stored pairs of the accounts new payments name: what a scoped build reads of them.
OLD = ("SELECT * FROM s_stored_pairs WHERE account IN "
       "(SELECT DISTINCT account FROM s_new_pairs)")



def _greater(state: str) -> str:
    """The greater of a kept and a new state (either may be missing): `greatest` of two
    structs compares them by sort keys, at twice the cost."""
    return (f"CASE WHEN o.{state} IS NULL OR n.{state} > o.{state} THEN n.{state} "
            f"ELSE o.{state} END AS {state}")


MERGED = f"""
SELECT account, id, {_greater('w')}, {_greater('tp')}, {_greater('vp')},
       greatest(o.last, n.last) AS last,
       CASE WHEN o.programs IS NULL THEN n.programs
            WHEN n.programs IS NULL OR list_has_all(o.programs, n.programs) THEN o.programs
            ELSE list_sort(list_distinct(list_concat(o.programs, n.programs))) END AS programs
FROM s_old_pairs AS o FULL JOIN s_new_pairs AS n USING ({_KEY})
"""
"""The pairs of those accounts after the new payments: their kept state (`s_old_pairs`)
merged with the new rows' (`s_new_pairs`); a pair's programs, a set, kept as they were
unless a new one came (sorted: `list(DISTINCT …)` gives them in whatever order the threads
met them, and a build would differ from another of the same rows)."""

ALL = ("SELECT * FROM s_stored_pairs WHERE account NOT IN (SELECT account FROM s_new_pairs) "
       "UNION ALL BY NAME SELECT * FROM s_merged_pairs")
"""`all_pairs` after a scoped build, written to the snapshot: the other accounts' pairs as
they were kept."""

# Each pair of the accounts new payments name, before (0) and after (1) them.
COMPARED = f"""
SELECT a.account, a.id, o.account IS NULL AS new_pair, n.account IS NOT NULL AS touched,
       struct_extract(o.w, 'n') AS written0, struct_extract(a.w, 'n') AS written1,
       struct_extract(o.tp, 't') AS township0, struct_extract(a.tp, 't') AS township1,
       struct_extract(o.vp, 'v') AS village0, struct_extract(a.vp, 'v') AS village1,
       o.last AS last0, a.last AS last1,
       coalesce(o.programs, []) AS programs0, a.programs AS programs1
FROM s_merged_pairs AS a LEFT JOIN s_old_pairs AS o USING ({_KEY})
LEFT JOIN s_new_pairs AS n USING ({_KEY})
"""


def _place(suffix: str) -> str:
    """An account's place: its latest payee's, as `sql.ACCOUNTS` takes it."""
    place = f"struct_pack(l := last{suffix}, t := township{suffix}, v := village{suffix})"
    return (f"arg_max(township{suffix}, {place}) AS township{suffix}, "
            f"arg_max(village{suffix}, {place}) AS village{suffix}")


def account_changes(present: str) -> str:
    """Of each account new payments name: its payees, and whether one of them changed (is
    new, has another name as written, place or program, or is no person with an ID, whose
    totals the document holds). `present`: the condition that `id` is a person's key. An
    account's programs are its payees': they grow only by a payee's new one."""
    return f"""
SELECT account, count(*) AS pairs,
       bool_or(new_pair OR written0 IS DISTINCT FROM written1
               OR township0 IS DISTINCT FROM township1 OR village0 IS DISTINCT FROM village1
               OR NOT list_has_all(programs0, programs1)
               OR (touched AND NOT ({present}))) AS changed
FROM s_pairs GROUP BY account
"""


CHANGED_ACCOUNTS = f"""
SELECT account FROM s_account_changes WHERE changed
UNION ALL
SELECT account FROM (
  SELECT account, {_place('0')}, {_place('1')} FROM s_pairs
  WHERE account IN (SELECT account FROM s_account_changes WHERE NOT changed AND pairs > 1)
  GROUP BY account)
WHERE township0 IS DISTINCT FROM township1 OR village0 IS DISTINCT FROM village1
"""
"""The accounts whose document new payments change (`s_account_changes`): a payee changed,
or, of an account with several, the latest payee is another one, elsewhere."""


PAID_BEFORE = ("SELECT id, coalesce(max(last), '') AS last FROM s_stored_pairs "
               "WHERE id IN (SELECT id FROM s_payees) GROUP BY id")
"""The latest period each payee of new payments was paid before them."""
