"""A scoped build's payment runs: new months added to the runs they continue.

A payee whose new payments all fall after every period they were paid before (a monthly
payroll) keeps their runs: each run of the new rows' cells (`sql.payment_runs`) either
continues a stored run (same account, program, sum and rows a month, ending the month
before it begins: its `last` moves) or is added. That is the run a build from nothing makes,
since no earlier cell can join or split it. The other payees of new payments (back pay, a
second file of a month, a new person: `scope.TOUCHED`'s `s_rerun`) have their runs computed
again from all their rows.
"""

from __future__ import annotations

from sqlalchemy import Connection

from sunlight.appdb.bulk import insert_table, update_table
from sunlight.appdb.entity_tables import EntityPayment
from sunlight.entities import sql, store
from sunlight.warehouse.engine import Engine

NEW_CELLS = sql.pay_cells("(SELECT * FROM n_payments WHERE id_number IN "
                          "(SELECT id FROM s_append))")

NEW_RUNS = ("SELECT row_number() OVER (ORDER BY person, account, program, first) AS run_no, * "
            f"FROM ({sql.payment_runs('s_new_cells')})")

# The month before each new monthly run begins: when a stored run it continues ends.
MONTHS_BEFORE = (f"SELECT DISTINCT printf('%04d-%02d', (m - 2) // 12, (m - 2) % 12 + 1) "
                 f"AS last FROM (SELECT {sql.month_no('first')} AS m FROM s_new_runs) "
                 f"WHERE m IS NOT NULL")

CONTINUED = f"""
SELECT o.id, r.last, r.run_no FROM s_new_runs AS r JOIN s_old_runs AS o
ON o.person = r.person AND o.account = r.account AND o.program = r.program
   AND o.amount = r.amount AND o.rows = r.rows
   AND {sql.month_no('o.last')} = {sql.month_no('r.first')} - 1
"""

ADDED = ("SELECT person, account, program, first, last, amount, rows FROM s_new_runs "
         "WHERE run_no NOT IN (SELECT run_no FROM s_continued)")


def prepare_scoped(engine: Engine, connection: Connection) -> None:
    """The new runs of the payees who only add months (`s_append`), and the stored runs they
    continue (`s_continued`), read while the index is computed: `write_scoped` writes them."""
    engine.materialise("s_new_cells", NEW_CELLS)
    engine.materialise("s_new_runs", NEW_RUNS)
    # Runs of `s_append` payees only: those of `s_rerun`, deleted when written, are not read.
    engine.register_table("s_old_runs", store.runs_ending(
        connection, engine.query(MONTHS_BEFORE).column("last").to_pylist()))
    engine.materialise("s_continued", CONTINUED)


def write_scoped(engine: Engine, connection: Connection) -> int:
    """Write the runs of the payees of new payments (`s_rerun` again, `s_append` continued,
    as `prepare_scoped` found); returns the runs written or moved."""
    store.delete_payments_of(connection, engine.query("SELECT id FROM s_rerun").column("id"))
    rerun = engine.query(
        "SELECT * FROM e_payment_runs WHERE person IN (SELECT id FROM s_rerun)")
    insert_table(connection, EntityPayment, rerun)
    continued = engine.query("SELECT id, last FROM s_continued")
    update_table(connection, EntityPayment, continued)
    added = engine.query(ADDED)
    insert_table(connection, EntityPayment, added)
    return int(rerun.num_rows + continued.num_rows + added.num_rows)
