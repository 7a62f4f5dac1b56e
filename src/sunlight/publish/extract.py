"""The public part of the warehouse, computed in the engine as tables ready to insert.

Every table is numbered here (villages, households within a village, beneficiaries, roster
lines, payment and approval lines), so that the app database receives finished rows in bulk.
What is selected is what may be public, and nothing else: an ID number leaves this module only
masked (its first 6 characters) or inside the 查我家 hashes, an account only as its last 6
digits inside the 查我家 proof hash, and a household only as its number within its village.
A company's account is not selected at all: its payments leave with name, 统一社会信用代码,
month, claimed workers and amount.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from sunlight.contract.catalog import Catalog
from sunlight.models.catalog_tables import programs_table, standards_table
from sunlight.models.runner import base_relations
from sunlight.publish.privacy import LookupKeys, village_code
from sunlight.warehouse.engine import Engine
from sunlight.warehouse.store import Warehouse
from sunlight.warehouse.tables import open_warehouse

NO_TOWNSHIP = "未注明乡镇"
NO_VILLAGE = "未注明村"

# Payments of the catalog's person programs, with the payee's registry name and household. The
# place is the payment's own (the roster it was paid under), else the registry's.
PAY = f"""
SELECT
    p.id_number,
    coalesce(r.name, p.name) AS name,
    coalesce(r.household_id, '?' || p.id_number) AS household,
    coalesce(p.township, r.township, '{NO_TOWNSHIP}') AS township,
    coalesce(p.village, r.village, '{NO_VILLAGE}') AS village,
    p.program_code AS program,
    p.period,
    p.period_start,
    p.period_end,
    p.paid_on,
    p.amount,
    p.account
FROM payments AS p
LEFT JOIN person AS r ON r.id_number = p.id_number
WHERE p.program_code IN (SELECT code FROM programs WHERE subject = 'person')
  AND p.id_number IS NOT NULL AND p.amount IS NOT NULL AND p.period IS NOT NULL
"""

VILLAGES = """
SELECT township, village,
       CAST(dense_rank() OVER (ORDER BY township, village) AS INTEGER) AS no
FROM (SELECT DISTINCT township, village FROM pay)
"""

HOUSEHOLDS = """
SELECT v.no AS village_no, h.household,
       CAST(dense_rank() OVER (PARTITION BY v.no ORDER BY h.household) AS INTEGER)
           AS household_no
FROM (SELECT DISTINCT township, village, household FROM pay) AS h
JOIN pub_village AS v USING (township, village)
"""

# One row per person and village; a name differing between payment rows takes the most usual.
BENEFICIARIES = """
SELECT CAST(row_number() OVER (ORDER BY h.village_no, h.household_no, b.id_number)
            AS INTEGER) AS no,
       h.village_no, h.household_no, b.id_number, b.name
FROM (SELECT township, village, household, id_number, mode(name) AS name
      FROM pay GROUP BY ALL) AS b
JOIN pub_village AS v USING (township, village)
JOIN pub_household AS h ON h.village_no = v.no AND h.household = b.household
"""

# A roster line of a program paid by area, for its latest period: the declared area (the
# covering enrollment's largest, as the models judge by), the rate in force, and, once the land
# register holds any row, the household's registered area of the program's land type (0 when
# it holds none: the very thing a villager should see).
AREAS = """
WITH latest AS (
    SELECT township, village, id_number, program, household,
           max(period_start) AS period_start, arg_max(period_end, period_start) AS period_end
    FROM pay GROUP BY ALL)
SELECT l.township, l.village, l.id_number, l.program,
       CAST(max(e.declared_area) AS DECIMAL(14, 2)) AS declared_area,
       CAST(any_value(s.rate_per_mu) AS DECIMAL(12, 4)) AS rate_per_mu,
       CAST(CASE WHEN (SELECT count(*) FROM land) > 0
                 THEN coalesce(any_value(h.registered_area), 0) END AS DECIMAL(14, 2))
           AS registered_area
FROM latest AS l
JOIN programs AS g ON g.code = l.program
JOIN program_standards AS s ON s.program = l.program AND s.valid_from <= l.period_start
 AND (s.valid_to IS NULL OR l.period_start < s.valid_to)
LEFT JOIN enrollments AS e
  ON e.id_number = l.id_number AND e.program_code = l.program
 AND e.start_month <= l.period_end AND (e.end_month IS NULL OR e.end_month >= l.period_start)
LEFT JOIN holding AS h ON h.household = l.household AND h.land_type = g.land_type
WHERE s.rate_per_mu IS NOT NULL
GROUP BY l.township, l.village, l.id_number, l.program
"""

ENTRIES = """
SELECT CAST(row_number() OVER (ORDER BY b.no, e.program) AS INTEGER) AS no,
       b.village_no, b.no AS beneficiary_no, b.id_number, e.program,
       e.first_period, e.last_period, CAST(e.periods AS INTEGER) AS periods,
       e.amount_per_period, e.total,
       a.declared_area, a.rate_per_mu, a.registered_area
FROM (SELECT township, village, id_number, program,
             min(period) AS first_period, max(period) AS last_period,
             count(DISTINCT period) AS periods,
             arg_max(amount, period_start) AS amount_per_period,
             CAST(sum(amount) AS DECIMAL(18, 2)) AS total
      FROM pay GROUP BY ALL) AS e
JOIN pub_village AS v USING (township, village)
JOIN pub_beneficiary AS b ON b.village_no = v.no AND b.id_number = e.id_number
LEFT JOIN pub_area AS a ON a.township = e.township AND a.village = e.village
                       AND a.id_number = e.id_number AND a.program = e.program
"""

# The household's head as the registry names them (与户主关系 = 户主), for rosters listed by
# household; "" for a household the registry does not know or names no head of.
HOUSEHOLD_HEADS = """
SELECT h.village_no, h.household_no,
       coalesce(min(r.name) FILTER (WHERE r.relation = '户主'), '') AS head
FROM pub_household AS h
LEFT JOIN person AS r ON r.household_id = h.household
GROUP BY h.village_no, h.household_no ORDER BY h.village_no, h.household_no
"""

# The ID as the public sees it: its first 6 characters (a short, odd value hidden whole), as
# masking.public_masked_id.
PUBLIC_BENEFICIARIES = """
SELECT no, village_no, household_no, name,
       CASE WHEN length(id_number) < 15 THEN repeat('*', length(id_number))
            ELSE left(id_number, 6) || repeat('*', length(id_number) - 6) END AS masked_id
FROM pub_beneficiary ORDER BY no
"""

PAYMENTS = """
SELECT e.no AS entry_no,
       CAST(row_number() OVER (PARTITION BY e.no ORDER BY p.period_start, p.paid_on,
                                                         p.amount) AS INTEGER) AS line,
       p.period, p.paid_on, p.amount
FROM pay AS p
JOIN pub_village AS v USING (township, village)
JOIN pub_entry AS e ON e.village_no = v.no AND e.id_number = p.id_number
                   AND e.program = p.program
"""

# The approval chain of each roster line, in date order (steps of one day in contract order).
APPROVALS = """
SELECT e.no AS entry_no,
       CAST(row_number() OVER (PARTITION BY e.no ORDER BY a.date NULLS LAST,
            list_position(['申请', '村级评议', '村级公示', '乡镇审核', '县级审批', '发放'],
                          a.step), a.step) AS INTEGER) AS line,
       a.step, a.date AS day, coalesce(a.handler, '') AS handler
FROM approvals AS a
JOIN pub_entry AS e ON e.id_number = a.id_number AND e.program = a.program_code
WHERE a.step IS NOT NULL
"""

VILLAGE_PROGRAMS = """
SELECT village_no, program, CAST(count(*) AS INTEGER) AS beneficiaries,
       CAST(sum(total) AS DECIMAL(18, 2)) AS total,
       min(first_period) AS first_period, max(last_period) AS last_period
FROM pub_entry GROUP BY ALL ORDER BY village_no, program
"""

VILLAGE_TOTALS = """
SELECT v.no, v.township, v.village,
       CAST((SELECT count(*) FROM pub_beneficiary AS b WHERE b.village_no = v.no) AS INTEGER)
           AS beneficiaries,
       CAST((SELECT count(*) FROM pub_household AS h WHERE h.village_no = v.no) AS INTEGER)
           AS households,
       CAST(coalesce((SELECT sum(e.total) FROM pub_entry AS e WHERE e.village_no = v.no), 0)
            AS DECIMAL(18, 2)) AS total
FROM pub_village AS v ORDER BY v.no
"""

PROGRAM_TOTALS = """
SELECT program, CAST(count(DISTINCT beneficiary_no) AS INTEGER) AS beneficiaries,
       CAST(sum(total) AS DECIMAL(18, 2)) AS total
FROM pub_entry GROUP BY program
"""

# Everyone of a household with benefits can look it up: its registered members, and an
# unregistered payee (a household of their own) by the name they were paid under.
MEMBERS = """
SELECT h.village_no, h.household_no, r.id_number, r.name
FROM pub_household AS h JOIN person AS r ON r.household_id = h.household
UNION
SELECT b.village_no, b.household_no, b.id_number, b.name FROM pub_beneficiary AS b
"""

# The further proof 查我家 asks for: the last 6 digits of an account the household was paid
# into, with each member who may look the household up.
PROOFS = f"""
SELECT m.village_no, m.household_no, m.id_number, m.name, a.account_tail
FROM ({MEMBERS}) AS m
JOIN (SELECT DISTINCT v.no AS village_no, h.household_no, right(p.account, 6) AS account_tail
      FROM pay AS p
      JOIN pub_village AS v USING (township, village)
      JOIN pub_household AS h ON h.village_no = v.no AND h.household = p.household
      WHERE length(p.account) >= 6) AS a USING (village_no, household_no)
"""

# A credit code as the portal may show it: whole only when its check character is right and
# it cannot be an ID number (17 digits and a digit or X, which an account or a person's ID
# delivered as a code also is); otherwise masked as an ID is, its first 6 characters alone.
PUBLIC_CREDIT_CODE = """CASE
    WHEN p.credit_code_checksum_ok AND NOT regexp_full_match(p.credit_code, '\\d{17}[\\dX]')
        THEN p.credit_code
    ELSE left(p.credit_code, 6) || repeat('*', length(p.credit_code) - 6) END"""

# Payments of the catalog's company programs, per township (enterprise payments name no
# village). The name is the registry's latest, else the one the payment was made under.
COMPANY_PAYMENTS = f"""
SELECT CAST(row_number() OVER (ORDER BY township, program, company, credit_code, period_start,
                                        paid_on, amount) AS INTEGER) AS no,
       township, program, company, credit_code, period, claimed_headcount, amount, paid_on
FROM (SELECT coalesce(p.township, '{NO_TOWNSHIP}') AS township, p.program_code AS program,
             coalesce(c.company, p.company) AS company,
             {PUBLIC_CREDIT_CODE} AS credit_code, p.period,
             p.period_start, p.claimed_headcount, p.amount, p.paid_on
      FROM enterprise_payments AS p
      LEFT JOIN company AS c ON c.credit_code = p.credit_code
      WHERE p.program_code IN (SELECT code FROM programs WHERE subject = 'company')
        AND p.credit_code IS NOT NULL AND p.amount IS NOT NULL AND p.period IS NOT NULL)
ORDER BY no
"""

COMPANY_PROGRAM_TOTALS = """
SELECT program, CAST(count(DISTINCT credit_code) AS INTEGER) AS beneficiaries,
       CAST(sum(amount) AS DECIMAL(18, 2)) AS total
FROM pub_company_payment GROUP BY program
"""


@dataclass(frozen=True)
class Extract:
    """The rows of one publication, numbered, per table (columns as the tables name them)."""

    villages: pa.Table
    village_programs: pa.Table
    program_totals: pa.Table
    """Per program, person or company: beneficiaries (persons or companies) and total."""
    households: pa.Table
    """village_no, household_no, head: the 户主's name."""
    beneficiaries: pa.Table
    """no, village_no, household_no, name, masked_id: the full ID stays in the engine."""
    entries: pa.Table
    """Without the ID: the columns of `pub_entries`."""
    payments: pa.Table
    approvals: pa.Table
    members: pa.Table
    proofs: pa.Table
    """members with account_tail: hashed by `proof_table`, never stored as they are."""
    company_payments: pa.Table
    """The columns of `pub_company_payments`: no account among them."""


def extract(engine: Engine, warehouse: Warehouse, catalog: Catalog) -> Extract:
    """Compute every table of a publication from the warehouse."""
    open_warehouse(engine, warehouse)
    engine.register_table("programs", programs_table(catalog))
    engine.register_table("program_standards", standards_table(catalog))
    relations = dict(base_relations())
    engine.materialise("person", relations["person"])
    engine.materialise("holding", relations["holding"])
    engine.materialise("company", relations["company"])
    engine.materialise("pub_company_payment", COMPANY_PAYMENTS)
    engine.materialise("pay", PAY)
    for name, sql in (("pub_area", AREAS), ("pub_village", VILLAGES),
                      ("pub_household", HOUSEHOLDS), ("pub_beneficiary", BENEFICIARIES),
                      ("pub_entry", ENTRIES)):
        engine.materialise(name, sql)
    return Extract(
        villages=engine.query(VILLAGE_TOTALS),
        village_programs=engine.query(VILLAGE_PROGRAMS),
        program_totals=pa.concat_tables([engine.query(PROGRAM_TOTALS),
                                         engine.query(COMPANY_PROGRAM_TOTALS)]),
        households=engine.query(HOUSEHOLD_HEADS),
        beneficiaries=engine.query(PUBLIC_BENEFICIARIES),
        entries=engine.query("SELECT * EXCLUDE (id_number) FROM pub_entry ORDER BY no"),
        payments=engine.query(PAYMENTS),
        approvals=engine.query(APPROVALS),
        members=engine.query(MEMBERS),
        proofs=engine.query(PROOFS),
        company_payments=engine.query("SELECT * FROM pub_company_payment ORDER BY no"),
    )


def village_table(table: pa.Table) -> pa.Table:
    """The villages with their stable codes (see privacy.village_code)."""
    codes = [village_code(t, v) for t, v in zip(table.column("township").to_pylist(),
                                                 table.column("village").to_pylist(),
                                                 strict=True)]
    return table.append_column("code", pa.array(codes, pa.string()))


def lookup_table(table: pa.Table, secret: str) -> pa.Table:
    """key, village_no, household_no: one row per member and village."""
    keys = LookupKeys(secret)
    rows = {}
    columns = [table.column(name).to_pylist()
               for name in ("village_no", "household_no", "id_number", "name")]
    for village, household, id_number, name in zip(*columns, strict=True):
        if id_number and name:
            rows[(keys.key(id_number, name), village)] = household
    return _keyed_rows(rows)


def proof_table(table: pa.Table, secret: str) -> pa.Table:
    """key, village_no, household_no: one row per member, account and village, the key
    holding the account's last digits (see privacy.LookupKeys)."""
    keys = LookupKeys(secret)
    rows = {}
    columns = [table.column(name).to_pylist() for name in (
        "village_no", "household_no", "id_number", "name", "account_tail")]
    for village, household, id_number, name, tail in zip(*columns, strict=True):
        if id_number and name:
            rows[(keys.proof_key(id_number, name, tail), village)] = household
    return _keyed_rows(rows)


def _keyed_rows(rows: dict[tuple[str, int], int]) -> pa.Table:
    return pa.table({
        "key": pa.array([key for key, _ in rows], pa.string()),
        "village_no": pa.array([village for _, village in rows], pa.int32()),
        "household_no": pa.array(list(rows.values()), pa.int32()),
    })
