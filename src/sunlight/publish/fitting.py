"""Rows made to fit the publication tables' columns, so that one hostile row never stops a
publication: a text longer than its column is cut (its last character an ellipsis), a number
beyond what its column holds is held at the largest the column takes.

Ingest reports such values (text_too_long, amount_too_large); this is the last guard, for a
warehouse written before those bounds or a sum of many large amounts.
"""

from __future__ import annotations

from decimal import Decimal
from typing import cast

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Numeric, String, Table

from sunlight.appdb.tables import Base

ELLIPSIS = "…"


def fitted(model: type[Base], table: pa.Table) -> pa.Table:
    """`table` with every text and decimal column cut to what `model`'s column holds."""
    columns = cast(Table, model.__table__).c
    for index, name in enumerate(table.column_names):
        if name not in columns:
            continue
        kind = columns[name].type
        values = table.column(index)
        if isinstance(kind, String) and kind.length and pa.types.is_string(values.type):
            table = table.set_column(index, name, _cut_text(values, kind.length))
        elif (isinstance(kind, Numeric) and kind.precision is not None
              and pa.types.is_decimal(values.type)):
            table = table.set_column(index, name,
                                     _held(values, kind.precision, kind.scale or 0))
    return table


def _cut_text(values: pa.ChunkedArray, length: int) -> pa.ChunkedArray:
    too_long = pc.greater(pc.utf8_length(values), length)
    if not pc.any(too_long).as_py():
        return values
    cut = pc.binary_join_element_wise(pc.utf8_slice_codeunits(values, 0, length - 1),
                                      ELLIPSIS, "")
    return pc.if_else(too_long, cut, values)


def _held(values: pa.ChunkedArray, precision: int, scale: int) -> pa.ChunkedArray:
    largest = Decimal(10) ** (precision - scale) - Decimal(1).scaleb(-scale)
    bound = pa.scalar(largest, values.type)
    smallest = pa.scalar(-largest, values.type)
    held = pc.min_element_wise(values, bound, skip_nulls=False)
    return pc.max_element_wise(held, smallest, skip_nulls=False)  # an empty cell stays empty
