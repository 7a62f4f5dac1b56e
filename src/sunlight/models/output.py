"""The columns every model's query returns, written once for the library, the registry and the
runner.

One row per evidence row:

- required: `subject`, `program`, `period`, `amount` (money at risk on this row), and the row's
  lineage `source_dataset`, `source_file`, `source_sheet`, `source_row`;
- optional: `id_number`, `name`, `account`, `township`, `village`; `role` (`paid`, the
  default, or `basis`); a second row that shows why (`basis_dataset`, `basis_file`,
  `basis_sheet`, `basis_row`: the death record, the certificate, the official's row; with
  `basis_period` the period it is of, such as the month of an insured count);
  and any number of `fact_<name>` columns, the key facts the explanation and score read;
- optional, someone else the warning concerns (besides `id_number`, whose role the model's
  YAML gives as `subject_role`, by default `payee`): `involved_id` (their canonical ID),
  `involved_name` (their name as the row writes it, for someone the registry lacks) and
  `involved_role` (a code of contract/vocabulary.yaml `person_roles`: `cadre`, `owner`,
  `legal_rep`, ...). The runner looks every such person up in the registry for their name
  and 户号 (see `sunlight.models.subjects`);
- optional, for a model that judges persons and companies alike (DUPLICATE_PAYMENT):
  `subject_kind` and `subject_role`, overriding the YAML's for the row.
- optional, for the police models (contract §6): `unit`, the police unit the warning
  concerns (stored on the warning, which scopes police staff by it), and `subject_name`, what
  a person reads for a subject that is not a person, an account or a township (a case:
  `案件A20240190183（行政，城关派出所）`; see `sunlight.models.subjects`). A model of
  `money: false` returns its judged rows as role `paid` with amount 0 and `period` a date
  (`YYYY-MM-DD`); a row standing for a stretch of days (a post left uncovered from one date
  to another) says the last in `period_end`, so that a long stretch is one row, not one a day.

A model's SQL writes the usual groups of these as a call in its select list, which the
registry expands before anything else reads the query (so every engine sees plain columns):

- `paid_row(p)`: relation `p`'s row (a payment, shaped like `paid`) as the evidence, its payee
  the subject: `p.id_number AS subject, p.id_number, p.name, p.program, p.township,
  p.village, p.period, p.amount, p.source_dataset, p.source_file, p.source_sheet,
  p.source_row`;
- `lineage(p)`: relation `p`'s lineage as the evidence row's: `p.source_dataset,
  p.source_file, p.source_sheet, p.source_row`;
- `basis_row(d)`: relation `d`'s row as the basis: `d.source_dataset AS basis_dataset,
  d.source_file AS basis_file, d.source_sheet AS basis_sheet, d.source_row AS basis_row`;
- `company_row(p)`: relation `p`'s row (a company's payment, shaped like `company_paid`) as
  the evidence, the company the subject: `p.credit_code AS subject, p.rep_id_number AS
  id_number, p.company AS name, p.program, p.township, p.village, p.period, p.amount` and
  its lineage (contract §4: a company warning's `id_number` is its legal representative).

Without an argument the columns are not qualified.
"""

from __future__ import annotations

REQUIRED_OUTPUT = ("subject", "program", "period", "amount",
                   "source_dataset", "source_file", "source_sheet", "source_row")
PERSON_FIELDS = ("id_number", "name", "account", "township", "village")
INVOLVED = ("involved_id", "involved_name", "involved_role")
LINEAGE = ("source_dataset", "source_file", "source_sheet", "source_row")

# Each macro: the columns it reads, each with the name it is returned as.
MACROS: dict[str, tuple[tuple[str, str], ...]] = {
    "paid_row": (("id_number", "subject"),
                 *((name, name) for name in ("id_number", "name", "program", "township",
                                             "village", "period", "amount", *LINEAGE))),
    "lineage": tuple((name, name) for name in LINEAGE),
    "basis_row": tuple((name, name.replace("source_", "basis_")) for name in LINEAGE),
    "company_row": (("credit_code", "subject"), ("rep_id_number", "id_number"),
                    ("company", "name"),
                    *((name, name) for name in ("program", "township", "village", "period",
                                                "amount", *LINEAGE))),
}
