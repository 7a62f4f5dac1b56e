"""What new batches touch: the entities to recompute when batches were only added.

A person's page reads only that person's rows; a household's, its members'; an account's,
the rows paid into it and its payees' registry; a company's, its rows and its
representative's registry. So when the index was built from a prefix of today's batches,
the subject steps (`sql.SUBJECT_STEPS`) run over the rows of the entities the new batches
name, and of the people those entities need, instead of the whole warehouse:

- `s_p` persons named by any new row (payee, resident, official, owner, representative...);
- `s_h` households any state of theirs names, `s_a` accounts paid to them or in new rows,
  `s_c` companies they represent or in new rows;
- `s_q` everyone with a state in `s_h` (the members, complete), `s_r` those whose registry
  is read (`s_q`, the payees of `s_a`, the representatives of `s_c`).

The steps then read those rows (`f_<dataset>`, `narrowed`) in place of the
datasets. Villages and townships are counted over the whole warehouse (`PLACE_SOURCES`),
each person's current registry row taken from the snapshot for the persons not read again.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from sunlight.entities import pairs, sql
from sunlight.warehouse.engine import Engine
from sunlight.warehouse.store import Warehouse

PERSON_COLUMN = {
    "payments": "id_number", "residents": "id_number", "enrollments": "id_number",
    "officials": "id_number", "deaths": "id_number", "disability_certs": "id_number",
    "vehicles": "owner_id_number", "businesses": "rep_id_number", "land": "holder_id_number",
}
"""The datasets the index reads for persons, and the column naming the person of each row."""

COMPANY_COLUMN = {"enterprise_payments": "credit_code", "insured_headcount": "credit_code"}
"""The datasets the index reads for companies alone (contract §5), and their company's key:
a new month of them touches only its companies (and their accounts)."""

INDEXED = {**PERSON_COLUMN, **COMPANY_COLUMN}

_COMPANY_KEY = sql.COMPANY_KEY
_OTHERS = {dataset: column for dataset, column in PERSON_COLUMN.items() if dataset != "payments"}

_REGISTERED = ("SELECT id FROM s_latest WHERE name IS NOT NULL AND township IS NOT NULL "
               "AND village IS NOT NULL")

TOUCHED = (
    # Persons named by new rows of datasets other than payments.
    ("s_o", "SELECT DISTINCT id FROM (" + " UNION ALL ".join(
        f"SELECT {column} AS id FROM n_{dataset}" for dataset, column in _OTHERS.items())
     + ") WHERE id IS NOT NULL AND id <> ''"),
    # The payees of new payments, and the latest period each was paid before them.
    ("s_payees", f"SELECT DISTINCT id_number AS id FROM n_payments "
                 f"WHERE {sql.present('id_number')}"),
    ("s_paid_before", pairs.PAID_BEFORE),
    # A payee's page depends on payments only without a whole current registry row (their
    # name and place then come from payments) or as a new person; their runs are computed
    # again from all their rows when the new rows fall on or before a period paid already.
    ("s_p", f"SELECT id FROM s_o UNION SELECT id FROM s_payees WHERE id NOT IN ({_REGISTERED}) "
            f"UNION SELECT n.id_number FROM n_payments AS n JOIN s_paid_before AS b "
            f"ON b.id = n.id_number WHERE coalesce(n.period, '') <= b.last"),
    ("s_h", "SELECT DISTINCT household_id AS key FROM residents "
            "WHERE id_number IN (SELECT id FROM s_o) AND household_id IS NOT NULL "
            "AND household_id <> ''"),
    ("s_new_pairs", pairs.state("n_payments")),
    ("s_old_pairs", pairs.OLD),
    ("s_merged_pairs", pairs.MERGED),
    ("s_pairs", pairs.COMPARED),
    ("s_account_changes", pairs.account_changes(sql.present("id"))),
    ("s_a", "SELECT DISTINCT account AS key FROM (SELECT account FROM payments "
            "WHERE id_number IN (SELECT id FROM s_o) UNION ALL "
            + pairs.CHANGED_ACCOUNTS
            + " UNION ALL SELECT account FROM n_enterprise_payments) "
            "WHERE account IS NOT NULL AND account <> ''"),
    ("s_c", f"SELECT DISTINCT {_COMPANY_KEY} AS key FROM (SELECT * FROM n_businesses "
            f"UNION ALL BY NAME SELECT * FROM businesses "
            f"WHERE rep_id_number IN (SELECT id FROM s_p)) AS t "
            f"WHERE {_COMPANY_KEY} IS NOT NULL AND {_COMPANY_KEY} <> '' "
            "UNION SELECT credit_code FROM n_enterprise_payments "
            "UNION SELECT credit_code FROM n_insured_headcount"),
    ("s_q", "SELECT id FROM s_p UNION SELECT id_number FROM residents "
            "WHERE household_id IN (SELECT key FROM s_h)"),
    ("s_r", f"SELECT id FROM s_q UNION SELECT id_number FROM payments "
            f"WHERE account IN (SELECT key FROM s_a) UNION SELECT rep_id_number "
            f"FROM businesses AS t WHERE {_COMPANY_KEY} IN (SELECT key FROM s_c)"),
    # Their current registry rows in the snapshot, and who has one: the others' are new.
    ("s_latest_again", f"SELECT {sql.LATEST_COLUMNS} FROM s_latest "
                       f"WHERE id IN (SELECT id FROM s_r)"),
    ("s_r_known", "SELECT id FROM s_latest_again"),
    ("e_scope", "SELECT 'person' AS kind, id AS key FROM s_p UNION ALL "
                "SELECT 'household', key FROM s_h UNION ALL "
                "SELECT 'account', key FROM s_a UNION ALL SELECT 'company', key FROM s_c"),
    # Payees whose runs are computed again from all their rows (they are read whole), and
    # those whose new months are added to their runs (`sunlight.entities.runs`).
    ("s_rerun", "SELECT id FROM s_payees WHERE id IN (SELECT id FROM s_p)"),
    ("s_append", "SELECT id FROM s_payees WHERE id NOT IN (SELECT id FROM s_p)"),
)


READ_ONCE = ("payments", "residents")
"""The datasets one subject step reads (`e_pay`, `e_reg_states`); the large ones too."""


# A person without a current registry row in the snapshot had none before the new batches:
# their rows, if any, are new ones (payees never registered are read again every month).
_REGISTRY_ROWS = (
    "SELECT * FROM residents WHERE id_number IN (SELECT id FROM s_r_known) "
    "UNION ALL BY NAME SELECT * FROM n_residents WHERE id_number IN "
    "(SELECT id FROM s_r WHERE id NOT IN (SELECT id FROM s_r_known))")


def _rows(dataset: str) -> str:
    """The rows of a dataset that the subject steps read for the touched entities."""
    if dataset in COMPANY_COLUMN:
        where = f"{COMPANY_COLUMN[dataset]} IN (SELECT key FROM s_c)"
        if dataset == "enterprise_payments":
            where += " OR account IN (SELECT key FROM s_a)"
        return f"SELECT * FROM {dataset} AS t WHERE {where}"
    column = PERSON_COLUMN[dataset]
    if dataset == "residents":
        return _REGISTRY_ROWS
    where = f"{column} IN (SELECT id FROM s_q)"
    if dataset == "payments":
        where += " OR account IN (SELECT key FROM s_a)"
    if dataset == "businesses":
        where += f" OR {_COMPANY_KEY} IN (SELECT key FROM s_c)"
    return f"SELECT * FROM {dataset} AS t WHERE {where}"


def read_by_index(warehouse: Warehouse, new: Collection[str]) -> bool:
    """Whether any of the batches `new` is of a dataset the index reads."""
    return any(batch.dataset in INDEXED for batch in warehouse.batches()
               if batch.file_hash in new)


def narrow(engine: Engine, warehouse: Warehouse, new: Collection[str]) -> None:
    """Find what the new batches (file hashes `new`) touch, and make `f_<dataset>` the rows
    to read. The warehouse's datasets are registered (open_warehouse)."""
    batches = [batch for batch in warehouse.batches() if batch.file_hash in new]
    for dataset in INDEXED:
        # Only the new batches' files are read. The dataset's columns first: a file written
        # before a column was added still has them all. Materialised: the new rows are few,
        # and read by many of the steps below.
        engine.register_files(f"n_files_{dataset}", warehouse.table_files(dataset, batches),
                              dataset)
        engine.materialise(f"n_{dataset}", f"SELECT * FROM (SELECT * FROM {dataset} LIMIT 0) "
                                           f"UNION ALL BY NAME SELECT * FROM n_files_{dataset}")
    for name, query in TOUCHED:
        engine.materialise(name, query)
    engine.create_view("all_pairs", pairs.ALL)  # read once, to be written
    for dataset in INDEXED:
        if dataset in READ_ONCE:  # a view: its one step reads only the columns it needs
            engine.create_view(f"f_{dataset}", _rows(dataset))
        else:  # read by several steps: filtered once
            engine.materialise(f"f_{dataset}", _rows(dataset))


_DATASET = re.compile(rf"\b(FROM|JOIN)\s+({'|'.join(INDEXED)})\b")


def narrowed(step: str) -> str:
    """A subject step reading the touched rows (`f_<dataset>`) instead of the datasets."""
    return _DATASET.sub(r"\1 f_\2", step)


_VILLAGE_KEY = "township, village, program"

VILLAGE_MONEY = (
    ("e_village_pay", sql.village_pay("n_payments")),
    ("s_added_village_payees", f"SELECT * FROM ({sql.VILLAGE_PAYEES}) "
                               f"ANTI JOIN s_stored_village_payees USING ({_VILLAGE_KEY}, id)"),
    ("e_village_programs", f"""
SELECT {_VILLAGE_KEY}, CAST(sum(payees) AS BIGINT) AS payees, sum(amount) AS amount,
       CAST(sum(n) AS BIGINT) AS n
FROM (SELECT * FROM s_stored_village_programs
      UNION ALL BY NAME
      SELECT {_VILLAGE_KEY}, 0 AS payees, sum(amount) AS amount, sum(n) AS n
      FROM e_village_pay GROUP BY ALL
      UNION ALL BY NAME
      SELECT {_VILLAGE_KEY}, count(*) AS payees, 0 AS amount, 0 AS n
      FROM s_added_village_payees GROUP BY ALL)
GROUP BY ALL
"""),
)
"""The villages' money by program after new batches: the kept sums (the snapshot's) and the
new rows', each payee counted where they were not paid under the program before."""

ALL_VILLAGE_PAYEES = ("SELECT * FROM s_stored_village_payees "
                      "UNION ALL SELECT * FROM s_added_village_payees")

ALL_LATEST = (f"SELECT {sql.LATEST_COLUMNS} FROM s_latest WHERE id NOT IN (SELECT id FROM s_r) "
              f"UNION ALL SELECT {sql.LATEST_COLUMNS} FROM e_latest")
"""Everyone's current registry row: the snapshot's (`s_latest`) but for those read again."""


def fresh_filter(kind: str) -> str:
    """The condition keeping a subject kind's fresh entities to the touched ones."""
    return f" AND key IN (SELECT key FROM e_scope WHERE kind = '{kind}')"
