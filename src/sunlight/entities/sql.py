"""The entity index in SQL over the warehouse: what each entity's page shows, and the links.

Each step is materialised once (`STEPS`, in order) and read by the ones after it. Pages'
documents are built by the engine as JSON text (`to_json`), aggregated (land per type),
never raw payment rows; payments are runs of months in a table of their own
(`PAYMENT_RUNS`, `entity_payments`), which a person's and a household's pages read. Money
is written as text so that no float rounds a fen away. Texts are cut to their columns'
lengths (PostgreSQL enforces them).
"""

from __future__ import annotations

PROGRAM = "coalesce(t.program_code, t.program, '')"
MONEY = "CAST(CAST({} AS DECIMAL(18, 2)) AS VARCHAR)"
KEY_MAX = 120


def _money(expr: str) -> str:
    return MONEY.format(expr)


def present(column: str) -> str:
    """The column holds a key: not empty, and short enough for the key columns."""
    return f"{column} IS NOT NULL AND {column} <> '' AND length({column}) <= 60"


# The payment columns the index reads, read from Parquet once.
PAY = """
SELECT id_number, name, account, period, coalesce(program_code, program, '') AS program_code,
       program, amount, township, village
FROM payments
"""

# Registry: each person's distinct states, latest delivery first; [1] is the current one.
REG_STATES = f"""
SELECT t.id_number AS id, t.name, t.sex, t.birth_date, t.household_id, t.relation,
       t.township, t.village, t.status, t.status_date,
       max(coalesce(b.delivered, 0)) AS delivered
FROM residents AS t LEFT JOIN batches AS b ON b.file_hash = CAST(t.source_file_hash AS VARCHAR)
WHERE {present('t.id_number')}
GROUP BY ALL
"""

# A state is a list, not an object (REGISTRY_FIELDS names its items): a county's registry
# is the bulk of the index, and names repeated in every state would double it.
REGISTRY_FIELDS = ("name", "sex", "birth", "household", "relation", "township", "village",
                   "status", "status_date")

REG = """
SELECT id, list([name, sex, CAST(birth_date AS VARCHAR), household_id, relation, township,
                 village, status, CAST(status_date AS VARCHAR)]
                ORDER BY delivered DESC, status_date DESC NULLS LAST, household_id, relation,
                         name, status, township, village, sex, birth_date) AS registry
FROM e_reg_states GROUP BY id
"""

LATEST = """
SELECT id, registry[1][1] AS name, registry[1][4] AS household, registry[1][5] AS relation,
       registry[1][8] AS status, registry[1][6] AS township, registry[1][7] AS village
FROM e_reg
"""

_PERSON_SOURCES = (
    ("id_number", "name", "e_pay"), ("id_number", "name", "enrollments"),
    ("id_number", "name", "officials"), ("id_number", "name", "deaths"),
    ("id_number", "name", "disability_certs"), ("owner_id_number", "owner_name", "vehicles"),
    ("rep_id_number", "rep_name", "businesses"), ("holder_id_number", "holder_name", "land"),
    ("id", "name", "e_latest"),
)

PERSON_IDS = "SELECT id, min(name) AS name FROM (" + " UNION ALL ".join(
    f"SELECT {i} AS id, {n} AS name FROM {d} WHERE {present(i)}"
    for i, n, d in _PERSON_SOURCES) + ") GROUP BY id"

# Where a person without a registry row lives: their latest payment's, else enrollment's.
PLACE = """
SELECT id, arg_max(township, ordering) AS township, arg_max(village, ordering) AS village FROM (
  SELECT id_number AS id, township, village,
         ['2' || coalesce(period, ''), township, coalesce(village, '')] AS ordering
  FROM e_pay WHERE township IS NOT NULL
  UNION ALL
  SELECT id_number, township, village,
         ['1' || coalesce(strftime(start_month, '%Y-%m'), ''), township, coalesce(village, '')]
  FROM enrollments WHERE township IS NOT NULL
) GROUP BY id
"""

OFFICES = """
SELECT id_number AS id,
       list(struct_pack(category := category, post := post, employer := employer,
                        township := township, village := village, start := start_date,
                        "end" := end_date)
            ORDER BY start_date NULLS FIRST, post, category, employer, end_date, township,
                     village) AS offices
FROM officials GROUP BY 1
"""

VEHICLES = """
SELECT owner_id_number AS id,
       list(struct_pack(owner := owner_id_number, name := owner_name, plate := plate,
                        type := vehicle_type, registered := registered_on, status := status)
            ORDER BY registered_on NULLS FIRST, plate) AS vehicles
FROM vehicles GROUP BY 1
"""

LAND = """
SELECT holder_id_number AS id,
       list(struct_pack(type := land_type, area := CAST(area AS VARCHAR), township := township,
                        village := village) ORDER BY land_type, area, township, village) AS land
FROM land GROUP BY 1
"""

ENROLLED = f"""
SELECT id_number AS id,
       list(struct_pack(program := {PROGRAM}, start := strftime(start_month, '%Y-%m'),
                        "end" := strftime(end_month, '%Y-%m'),
                        area := CAST(declared_area AS VARCHAR), township := township,
                        village := village)
            ORDER BY start_month NULLS FIRST, {PROGRAM}, end_month, declared_area, township,
                     village)
       AS enrollments
FROM enrollments AS t GROUP BY 1
"""


def pay_cells(rows: str) -> str:
    """Payments of `rows` (as `payments`) as cells of month × program × account: period,
    program, sum, rows."""
    return f"""
SELECT t.id_number AS id, coalesce(t.account, '') AS account, coalesce(t.period, '') AS period,
       {PROGRAM} AS program, sum(t.amount) AS amount, count(*) AS n
FROM {rows} AS t WHERE t.id_number IS NOT NULL GROUP BY ALL
"""


PAY_CELLS = pay_cells("e_pay")

def month_no(column: str) -> str:
    """A monthly period (YYYY-MM) as a number of months, one more each month; else NULL."""
    return (f"CASE WHEN length({column}) = 7 THEN CAST(substr({column}, 1, 4) AS BIGINT) * 12 "
            f"+ CAST(substr({column}, 6, 2) AS BIGINT) END")


# Runs of months paid alike (same account, program, amount and rows a month): a pension paid
# the same each month for years is one run, not sixty cells. A year (an annual program) is a
# run alone. Written to `entity_payments`, not into the person's document.
MONTH_NO = month_no("period")
ISLAND = (f"coalesce(({MONTH_NO}) - row_number() OVER (PARTITION BY {{}} ORDER BY period), "
          "-1 - coalesce(TRY_CAST(period AS BIGINT), 0))")


def payment_runs(cells: str) -> str:
    """The runs of months paid alike of the payment cells in `cells` (as `PAY_CELLS`)."""
    return f"""
SELECT id AS person, left(account, {KEY_MAX}) AS account, left(program, 120) AS program,
       left(min(period), 16) AS first, left(max(period), 16) AS last,
       {_money('amount')} AS amount, CAST(n AS INTEGER) AS rows
FROM (SELECT *, {ISLAND.format('id, account, program, amount, n, length(period)')} AS island
      FROM {cells} WHERE {present('id')})
GROUP BY id, account, program, amount, n, island
"""


PAYMENT_RUNS = payment_runs("e_pay_cells")

DEATHS = """
SELECT id_number AS id, list(struct_pack(date := death_date, source := source)
                             ORDER BY death_date NULLS FIRST, source) AS deaths
FROM deaths GROUP BY 1
"""

CERTS = """
SELECT id_number AS id, list(struct_pack(category := category, level := level,
                                         issued := issue_date, status := status)
                             ORDER BY issue_date NULLS FIRST, category, level, status)
       AS certificates
FROM disability_certs GROUP BY 1
"""

PERSONS = """
SELECT 'person' AS kind, p.id AS key, left(coalesce(l.name, p.name, ''), 200) AS name,
       left(coalesce(l.township, pl.township, ''), 60) AS township,
       left(coalesce(l.village, pl.village, ''), 60) AS village,
       left(coalesce(l.household, ''), 60) AS household,
       struct_pack(relation := l.relation, registry := r.registry, offices := o.offices,
                   vehicles := v.vehicles, land := la.land, enrollments := e.enrollments,
                   deaths := d.deaths, certificates := c.certificates)
       AS doc
FROM e_person_ids AS p
LEFT JOIN e_latest AS l USING (id) LEFT JOIN e_reg AS r USING (id)
LEFT JOIN e_place AS pl USING (id) LEFT JOIN e_offices AS o USING (id)
LEFT JOIN e_vehicles AS v USING (id) LEFT JOIN e_land AS la USING (id)
LEFT JOIN e_enrolled AS e USING (id)
LEFT JOIN e_deaths AS d USING (id) LEFT JOIN e_certs AS c USING (id)
"""

# Households: the persons whose current registry row names the 户号, 户主 first.
MEMBERS = f"""
SELECT household AS h,
       list(struct_pack(id := id, name := name, relation := relation, status := status)
            ORDER BY coalesce(relation, '') <> '户主', id) AS members
FROM e_latest WHERE {present('household')} GROUP BY 1
"""

COMPANY_KEY = "coalesce(nullif(t.credit_code, ''), t.company)"

COMPANY_ROWS = f"""
SELECT {COMPANY_KEY} AS key, t.credit_code AS code, t.company AS name, t.rep_id_number AS rep,
       t.rep_name, CAST(t.registered_capital AS VARCHAR) AS capital, t.founded_on AS founded,
       t.status, t.status_date, t.source_row AS row, coalesce(b.delivered, 0) AS delivered
FROM businesses AS t LEFT JOIN batches AS b ON b.file_hash = CAST(t.source_file_hash AS VARCHAR)
WHERE {COMPANY_KEY} IS NOT NULL AND {COMPANY_KEY} <> '' AND length({COMPANY_KEY}) <= {KEY_MAX}
"""

# The order of a company's registry rows: the latest delivered first (contract §1, records
# that change), within a file the last row; ties by value.
LATEST_ROW = "struct_pack(d := {0}.delivered, r := {0}.row, s := {0}.status, n := {0}.name)"

# Enterprise payments (contract §5) by company, month, program and account.
COMPANY_PAY = f"""
SELECT t.credit_code AS key, coalesce(t.period, '') AS period, {PROGRAM} AS program,
       coalesce(t.account, '') AS account, sum(t.amount) AS amount,
       sum(t.claimed_headcount) AS claimed, count(*) AS n,
       arg_max(t.company, struct_pack(r := t.source_row, c := t.company)) AS written,
       arg_max(t.township, struct_pack(r := t.source_row, t := t.township)) AS township
FROM enterprise_payments AS t
WHERE {present('t.credit_code')} GROUP BY ALL
"""

# Insured headcount by month as last delivered (a later file restates a month).
COMPANY_INSURED = f"""
SELECT key, strftime(month, '%Y-%m') AS month,
       arg_max(insured_count, struct_pack(d := delivered, r := row, c := insured_count))
       AS insured,
       arg_max(company, struct_pack(d := delivered, r := row, c := company)) AS written
FROM (SELECT t.credit_code AS key, t.month, t.insured_count, t.company, t.source_row AS row,
             coalesce(b.delivered, 0) AS delivered
      FROM insured_headcount AS t
      LEFT JOIN batches AS b ON b.file_hash = CAST(t.source_file_hash AS VARCHAR)
      WHERE {present('t.credit_code')} AND t.month IS NOT NULL)
GROUP BY key, month
"""

HOUSEHOLD_OFFICES = """
SELECT l.household AS h, list(struct_pack(id := o.id_number, name := o.name,
        category := o.category, post := o.post, township := o.township, village := o.village,
        start := o.start_date, "end" := o.end_date)
        ORDER BY o.id_number, o.start_date, o.post, o.category, o.end_date) AS offices
FROM officials AS o JOIN e_latest AS l ON l.id = o.id_number GROUP BY 1
"""

HOUSEHOLD_VEHICLES = """
SELECT l.household AS h, flatten(list(v.vehicles ORDER BY id)) AS vehicles
FROM e_vehicles AS v JOIN e_latest AS l USING (id) GROUP BY 1
"""

HOUSEHOLD_COMPANIES = """
SELECT h, list(DISTINCT company ORDER BY company) AS companies
FROM (SELECT l.household AS h, struct_pack(key := c.key, name := c.name, rep := c.rep,
                                           status := c.status) AS company
      FROM e_company_rows AS c JOIN e_latest AS l ON l.id = c.rep)
GROUP BY 1
"""

HOUSEHOLD_LAND = """
SELECT h, list(struct_pack(type := land_type, area := CAST(area AS VARCHAR), parcels := n)
               ORDER BY land_type) AS land
FROM (SELECT l.household AS h, t.land_type, sum(t.area) AS area, count(*) AS n
      FROM land AS t JOIN e_latest AS l ON l.id = t.holder_id_number GROUP BY ALL)
GROUP BY h
"""

HOUSEHOLD_IDS = f"""
SELECT household_id AS h, arg_max(township, struct_pack(d := delivered, t := township,
                                                         v := village)) AS township,
       arg_max(village, struct_pack(d := delivered, t := township, v := village)) AS village
FROM e_reg_states WHERE {present('household_id')} GROUP BY 1
"""

HOUSEHOLDS = """
SELECT 'household' AS kind, i.h AS key,
       left(coalesce(m.members[1].name, ''), 200) AS name,
       left(coalesce(hl.township, i.township, ''), 60) AS township,
       left(coalesce(hl.village, i.village, ''), 60) AS village, '' AS household,
       struct_pack(members := m.members, offices := o.offices,
                                vehicles := v.vehicles, companies := c.companies,
                                land := la.land) AS doc
FROM e_household_ids AS i
LEFT JOIN e_members AS m USING (h)
LEFT JOIN e_latest AS hl ON hl.id = m.members[1].id
LEFT JOIN e_household_offices AS o USING (h) LEFT JOIN e_household_vehicles AS v USING (h)
LEFT JOIN e_household_companies AS c USING (h) LEFT JOIN e_household_land AS la USING (h)
"""

# Ties broken by the values themselves, so that an unchanged warehouse gives the same
# documents (and digests) every build: DuckDB's parallel aggregates keep no order.
LAST_PLACE = "struct_pack(p := t.period, t := t.township, v := t.village)"
PAYEE_PLACE = "struct_pack(l := p.last, t := p.township, v := p.village)"

# Accounts: each payee over time, and the sums paid to each payee by month.
PAYEES = f"""
SELECT t.account, coalesce(t.id_number, '') AS id,
       arg_max(t.name, struct_pack(p := t.period, n := t.name)) AS written,
       min(t.period) AS first, max(t.period) AS last, count(DISTINCT t.period) AS months,
       sum(t.amount) AS amount, count(*) AS n,
       arg_max(t.township, {LAST_PLACE}) AS township,
       arg_max(t.village, {LAST_PLACE}) AS village,
       arg_max({PROGRAM}, struct_pack(p := t.period, g := {PROGRAM})) AS program,
       -- Every program, not the latest period's: an annual one's year sorts before months.
       list(DISTINCT {PROGRAM} ORDER BY {PROGRAM}) AS programs
FROM e_pay AS t
WHERE t.account IS NOT NULL AND t.account <> '' AND length(t.account) <= {KEY_MAX}
GROUP BY ALL
"""

# Only for payees without a person's ID (no runs of theirs in `entity_payments`): the others'
# months are read from their runs (sunlight.entities.payments), so that a month of payments
# changes no account's document.
ACCOUNT_MONTHS = f"""
SELECT account, list(struct_pack(id := id, f := first, t := last, a := {_money('amount')})
                     ORDER BY first, id) AS months
FROM (SELECT account, id, amount, min(period) AS first, max(period) AS last
      FROM (SELECT *, {ISLAND.format('account, id, amount, length(period)')} AS island
            FROM (SELECT t.account, coalesce(t.period, '') AS period,
                         coalesce(t.id_number, '') AS id, sum(t.amount) AS amount
                  FROM e_pay AS t WHERE t.account IS NOT NULL AND t.account <> ''
                  AND NOT ({present("coalesce(t.id_number, '')")})
                  GROUP BY ALL))
      GROUP BY account, id, amount, island)
GROUP BY account
"""

# A payee's totals are in the document only for a payee without a person's ID; the others'
# are read from their runs, and the payees listed by ID (the page orders them by period).
_IF_ANONYMOUS = f"CASE WHEN NOT ({present('p.id')}) THEN {{}} END"

ACCOUNTS = f"""
SELECT 'account' AS kind, p.account AS key,
       left(string_agg(DISTINCT coalesce(l.name, p.written, ''), '、'
                  ORDER BY coalesce(l.name, p.written, '')), 200) AS name,
       left(coalesce(arg_max(p.township, {PAYEE_PLACE}), ''), 60) AS township,
       left(coalesce(arg_max(p.village, {PAYEE_PLACE}), ''), 60) AS village, '' AS household,
       struct_pack(
         payees := list(struct_pack(id := p.id, name := l.name, written := p.written,
                                    household := l.household,
                                    first := {_IF_ANONYMOUS.format('p.first')},
                                    last := {_IF_ANONYMOUS.format('p.last')},
                                    months := {_IF_ANONYMOUS.format('p.months')},
                                    amount := {_IF_ANONYMOUS.format(_money('p.amount'))},
                                    rows := {_IF_ANONYMOUS.format('p.n')})
                        ORDER BY p.id),
         programs := list_sort(list_distinct(flatten(list(p.programs)))),
         months := any_value(am.months), companies := NULL) AS doc
FROM e_payees AS p LEFT JOIN e_latest AS l USING (id)
LEFT JOIN e_account_months AS am USING (account)
GROUP BY p.account
UNION ALL
SELECT 'account' AS kind, account AS key,
       left(string_agg(DISTINCT written, '、' ORDER BY written), 200) AS name,
       left(coalesce(arg_max(township, struct_pack(p := last, t := township)), ''), 60)
       AS township, '' AS village, '' AS household,
       struct_pack(payees := NULL, programs := list_sort(list_distinct(flatten(list(programs)))),
                   months := NULL,
                   companies := list(struct_pack(key := key, name := written) ORDER BY key))
       AS doc
FROM e_company_accounts WHERE account NOT IN (SELECT account FROM e_payees)
GROUP BY account
"""

# A company's accounts (对公账号, contract §5): an account paid to companies alone is an
# account entity too, tied to them as a payee is.
COMPANY_ACCOUNTS = f"""
SELECT account, key, arg_max(written, struct_pack(p := period, w := written)) AS written,
       arg_max(township, struct_pack(p := period, t := township)) AS township,
       max(period) AS last, list(DISTINCT program ORDER BY program) AS programs
FROM e_company_pay WHERE {present('account')} AND length(account) <= {KEY_MAX}
GROUP BY account, key
"""

COMPANY_IDS = ("SELECT key FROM e_company_rows UNION SELECT key FROM e_company_pay "
               "UNION SELECT key FROM e_company_insured")

# A company of the registry, or known only from its payments or insured headcount (查无此企
# still has a page): its registry rows latest first, payments and insured count by month.
COMPANY_REGISTRY = f"""
SELECT c.key, arg_max(c.name, {LATEST_ROW.format('c')}) AS name,
       min(struct_pack(t := l.township, v := l.village)) AS place,
       list(struct_pack(code := c.code, name := c.name, rep := c.rep, rep_name := c.rep_name,
                        capital := c.capital, founded := c.founded, status := c.status,
                        status_date := c.status_date)
            ORDER BY c.delivered DESC, c.row DESC, c.code, c.name, c.rep, c.status,
                     c.status_date) AS rows
FROM e_company_rows AS c LEFT JOIN e_latest AS l ON l.id = c.rep
GROUP BY c.key
"""

COMPANY_PAID = f"""
SELECT key, arg_max(written, struct_pack(p := period, w := written)) AS written,
       arg_max(township, struct_pack(p := period, t := township)) AS township,
       list(struct_pack(period := period, program := program, account := account,
                        claimed := claimed, amount := {_money('amount')}, rows := n)
            ORDER BY period, program, account) AS payments
FROM e_company_pay GROUP BY key
"""

COMPANY_MONTHS = """
SELECT key, arg_max(written, struct_pack(m := month, w := written)) AS written,
       list(struct_pack(month := month, count := insured) ORDER BY month) AS insured
FROM e_company_insured GROUP BY key
"""

COMPANIES = """
SELECT 'company' AS kind, i.key,
       left(coalesce(r.name, p.written, m.written, i.key), 200) AS name,
       left(coalesce(r.place.t, p.township, ''), 60) AS township,
       left(coalesce(r.place.v, ''), 60) AS village,
       '' AS household,
       struct_pack(rows := r.rows, payments := p.payments, insured := m.insured) AS doc
FROM e_company_ids AS i LEFT JOIN e_company_registry AS r USING (key)
LEFT JOIN e_company_paid AS p USING (key) LEFT JOIN e_company_months AS m USING (key)
"""

# Villages and townships: residents, and payees and money per program. They read the whole
# warehouse (`PLACE_SOURCES`) even when the steps above read only what new batches touch;
# the money by village, program and payee (`e_village_pay`) is what a scoped build adds a
# month's payments to (sunlight.entities.scope).
def village_pay(rows: str) -> str:
    """The payments `rows` (as `payments`) by village, program and payee: sum and rows."""
    return f"""
SELECT t.township, t.village, {PROGRAM} AS program, t.id_number AS id, sum(t.amount) AS amount,
       count(*) AS n
FROM {rows} AS t WHERE {present('t.township')} AND {present('t.village')}
GROUP BY ALL
"""


VILLAGE_PROGRAMS = """
SELECT township, village, program, count(id) AS payees, sum(amount) AS amount,
       CAST(sum(n) AS BIGINT) AS n
FROM e_village_pay GROUP BY ALL
"""

VILLAGE_PAYEES = ("SELECT township, village, program, id FROM e_village_pay "
                  "WHERE id IS NOT NULL")
"""Who was paid under each program in each village: what a scoped build counts new payees
against (the snapshot's `village_payees`)."""

VILLAGE_ENROLLED = f"""
SELECT t.township, t.village, {PROGRAM} AS program, count(DISTINCT t.id_number) AS enrolled
FROM all_enrollments AS t WHERE {present('t.township')} AND {present('t.village')}
GROUP BY ALL
"""

VILLAGE_RESIDENTS = f"""
SELECT township, village, count(*) FILTER (WHERE coalesce(status, '正常') = '正常') AS residents,
       count(DISTINCT household) AS households
FROM all_latest WHERE {present('township')} AND {present('village')} GROUP BY ALL
"""

# The residents' villages are those counted in e_village_residents (all_latest is large).
VILLAGE_IDS = " UNION ".join(
    f"SELECT township, village FROM {table} WHERE {present('township')} "
    f"AND {present('village')}"
    for table in ("e_village_residents", "e_village_programs", "e_village_enrolled",
                  "all_officials", "all_land"))

VILLAGES = f"""
SELECT 'village' AS kind, i.township || '/' || i.village AS key, i.village AS name,
       i.township, i.village, '' AS household,
       struct_pack(
         residents := coalesce(any_value(r.residents), 0),
         households := coalesce(any_value(r.households), 0),
         programs := list(struct_pack(program := coalesce(p.program, e.program),
                                      payees := coalesce(p.payees, 0),
                                      enrolled := coalesce(e.enrolled, 0),
                                      amount := {_money('coalesce(p.amount, 0)')},
                                      rows := coalesce(p.n, 0))
                          ORDER BY coalesce(p.program, e.program))
                     FILTER (WHERE coalesce(p.program, e.program) IS NOT NULL))
            AS doc
FROM e_village_ids AS i
LEFT JOIN e_village_residents AS r USING (township, village)
LEFT JOIN e_village_programs AS p USING (township, village)
FULL JOIN e_village_enrolled AS e USING (township, village, program)
WHERE i.township IS NOT NULL
GROUP BY i.township, i.village
"""

TOWNSHIP_IDS = f"""
SELECT DISTINCT township FROM e_village_ids
UNION SELECT township FROM all_officials WHERE {present('township')}
"""

TOWNSHIPS = """
SELECT 'township' AS kind, i.township AS key, i.township AS name, i.township, '' AS village,
       '' AS household,
       struct_pack(
         residents := (SELECT coalesce(sum(residents), 0) FROM e_village_residents AS r
                       WHERE r.township = i.township),
         villages := (SELECT count(*) FROM e_village_ids AS v
                      WHERE v.township = i.township)) AS doc
FROM e_township_ids AS i
"""

SUBJECT_STEPS = (
    ("e_pay", PAY), ("e_reg_states", REG_STATES), ("e_reg", REG), ("e_latest", LATEST),
    ("e_person_ids", PERSON_IDS), ("e_place", PLACE), ("e_offices", OFFICES),
    ("e_vehicles", VEHICLES), ("e_land", LAND), ("e_enrolled", ENROLLED),
    ("e_pay_cells", PAY_CELLS), ("e_payment_runs", PAYMENT_RUNS), ("e_deaths", DEATHS),
    ("e_certs", CERTS), ("e_members", MEMBERS), ("e_company_rows", COMPANY_ROWS),
    ("e_household_offices", HOUSEHOLD_OFFICES), ("e_household_vehicles", HOUSEHOLD_VEHICLES),
    ("e_household_companies", HOUSEHOLD_COMPANIES), ("e_household_land", HOUSEHOLD_LAND),
    ("e_household_ids", HOUSEHOLD_IDS),
    ("e_payees", PAYEES), ("e_account_months", ACCOUNT_MONTHS),
    ("e_company_pay", COMPANY_PAY), ("e_company_insured", COMPANY_INSURED),
    ("e_company_accounts", COMPANY_ACCOUNTS), ("e_company_ids", COMPANY_IDS),
    ("e_company_registry", COMPANY_REGISTRY), ("e_company_paid", COMPANY_PAID),
    ("e_company_months", COMPANY_MONTHS),
)
"""Persons, households, accounts and companies: each reads only its own rows, so that the
steps can run over the rows of the entities new batches touch (sunlight.entities.scope)."""

LATEST_COLUMNS = "id, name, household, status, township, village"
"""What villages read of each person's current registry row (kept in the snapshot), and the
name: a scoped build tells by it whose page payments may change (sunlight.entities.scope)."""

PLACE_SOURCES = (
    ("all_pay", PAY), ("all_enrollments", "SELECT * FROM enrollments"),
    ("all_officials", "SELECT * FROM officials"), ("all_land", "SELECT * FROM land"),
)
"""The whole warehouse as the place steps read it (views), whatever the subject steps read;
and `all_latest`, every person's current registry row (`LATEST_COLUMNS`)."""

ALL_LATEST = f"SELECT {LATEST_COLUMNS} FROM e_latest"
"""`all_latest` after subject steps over the whole warehouse."""

VILLAGE_MONEY = (("e_village_pay", village_pay("all_pay")),
                 ("e_village_programs", VILLAGE_PROGRAMS))
"""The villages' money by program, over the whole warehouse."""

PLACE_STEPS = (
    ("e_village_enrolled", VILLAGE_ENROLLED),
    ("e_village_residents", VILLAGE_RESIDENTS), ("e_village_ids", VILLAGE_IDS),
    ("e_township_ids", TOWNSHIP_IDS),
)

SUBJECT_KINDS = (("person", PERSONS), ("household", HOUSEHOLDS), ("account", ACCOUNTS),
                 ("company", COMPANIES))
PLACE_KINDS = (("village", VILLAGES), ("township", TOWNSHIPS))
KINDS = SUBJECT_KINDS + PLACE_KINDS

ENTITY_COLUMNS = ("id", "kind", "key", "ref", "name", "township", "village", "household",
                  "warnings", "doc", "digest")


def fresh_sql(kind_sql: str, scope: str = "") -> str:
    """One kind's entities (`KINDS`), their document still a struct, and its digest: a hash
    of what the row holds (bar id, ref and warnings), 16 hex digits. DuckDB's hash() is
    cheap beside writing JSON, and deterministic for one DuckDB version (a new one may
    change it: the next build then writes every entity once)."""
    digest = "printf('%016x', hash(name, township, village, household, doc))"
    return (f"SELECT *, {digest} AS digest FROM ({kind_sql}) "
            f"WHERE key IS NOT NULL AND key <> '' AND length(key) <= {KEY_MAX}{scope}")


FRESH = " UNION ALL ".join(
    f"SELECT kind, key, name, township, village, household, digest FROM e_fresh_{kind}"
    for kind, _ in KINDS)
"""Every entity without its document, from the `e_fresh_<kind>` tables."""


def doc_json(column: str) -> str:
    """A document as the page reads it: JSON text without the members that are null (a
    third of a person's document). Only a key (lower case) can precede `":null`; a quote
    inside a string value is escaped."""
    return (f"""regexp_replace(CAST(to_json({column}) AS VARCHAR), """
            r"""'"[a-z_]+":null,|,"[a-z_]+":null', '', 'g')""")


def _ids(alias: str, kind: str, key: str) -> str:
    return f"JOIN e_ids AS {alias} ON {alias}.kind = '{kind}' AND {alias}.key = {key}"


# A payee's totals on the account are read from the runs (sunlight.entities.payments), not
# stored here: a month of payments changes no link.
PAYEE_LINKS = f"""
SELECT s.id AS source_id, a.id AS target_id, 'payee' AS kind, 'payee' AS role,
       '{{}}' AS details
FROM e_payees AS p {_ids('s', 'person', 'p.id')} {_ids('a', 'account', 'p.account')}
"""

_OFFICE_DETAILS = ("CAST(to_json(struct_pack(category := o.category, post := o.post, "
                   "employer := o.employer, start := o.start_date, \"end\" := o.end_date)) "
                   "AS VARCHAR)")

OFFICE_LINKS = f"""
SELECT s.id AS source_id, coalesce(v.id, tw.id) AS target_id,
       CASE WHEN o.category = '村干部' THEN 'cadre' ELSE 'official' END AS kind,
       left(coalesce(nullif(o.post, ''), o.category, ''), 60) AS role,
       {_OFFICE_DETAILS} AS details
FROM officials AS o {_ids('s', 'person', 'o.id_number')}
LEFT JOIN e_ids AS v ON v.kind = 'village' AND v.key = o.township || '/' || o.village
LEFT JOIN e_ids AS tw ON tw.kind = 'township' AND tw.key = o.township
WHERE coalesce(v.id, tw.id) IS NOT NULL
"""

REP_LINKS = f"""
SELECT s.id AS source_id, c.id AS target_id, 'legal_rep' AS kind, 'legal_rep' AS role,
       CAST(to_json(struct_pack(
         status := arg_max(r.status, {LATEST_ROW.format('r')}),
         status_date := arg_max(r.status_date, {LATEST_ROW.format('r')}))) AS VARCHAR)
       AS details
FROM e_company_rows AS r
JOIN e_ids AS s ON s.kind = 'person' AND s.key = r.rep
JOIN e_ids AS c ON c.kind = 'company' AND c.key = r.key
GROUP BY s.id, c.id
"""

COMPANY_ACCOUNT_LINKS = f"""
SELECT DISTINCT c.id AS source_id, a.id AS target_id, 'payee' AS kind, 'payee' AS role,
       '{{}}' AS details
FROM e_company_accounts AS p {_ids('c', 'company', 'p.key')} {_ids('a', 'account', 'p.account')}
"""

RESIDENT_LINKS = """
SELECT h.id AS source_id, v.id AS target_id, 'resident' AS kind, 'resident' AS role,
       CAST(to_json(struct_pack(members := coalesce(len(m.members), 0))) AS VARCHAR)
       AS details
FROM e_entities AS h
JOIN e_ids AS v ON v.kind = 'village' AND v.key = h.township || '/' || h.village
LEFT JOIN e_members AS m ON m.h = h.key
WHERE h.kind = 'household'
"""

LINK_COLUMNS = ("source_id", "target_id", "kind", "role", "details")
LINKS = " UNION ALL ".join(f"SELECT * FROM ({sql})"
                           for sql in (PAYEE_LINKS, OFFICE_LINKS, REP_LINKS,
                                        COMPANY_ACCOUNT_LINKS, RESIDENT_LINKS))
