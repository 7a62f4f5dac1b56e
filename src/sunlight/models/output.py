"""The columns every model's query returns, written once for the registry and the runner.

One row per evidence row:

- required: `subject`, `program`, `period`, `amount` (money at risk on this row), and the row's
  lineage `source_dataset`, `source_file`, `source_sheet`, `source_row`;
- optional: `id_number`, `name`, `account`, `township`, `village`; `role` (`paid`, the
  default, or `basis`); a second row that shows why (`basis_dataset`, `basis_file`,
  `basis_sheet`, `basis_row`: the death record, the certificate, the official's row);
  and any number of `fact_<name>` columns, the key facts the explanation and score read.
"""

from __future__ import annotations

REQUIRED_OUTPUT = ("subject", "program", "period", "amount",
                   "source_dataset", "source_file", "source_sheet", "source_row")
PERSON_FIELDS = ("id_number", "name", "account", "township", "village")
FACT_PREFIX = "fact_"
