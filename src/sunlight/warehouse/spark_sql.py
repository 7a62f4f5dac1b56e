"""DuckDB's SQL as Spark runs it: sqlglot's transpiler, and what it does not carry over alike."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlglot import exp
    from sqlglot.dialects.dialect import Dialect


@lru_cache(maxsize=1)
def _spark() -> Dialect:
    """sqlglot's Spark dialect, loaded when first needed: importing it is a tenth of a second
    that `sunlight detect` on DuckDB never needs."""
    from sqlglot.dialects.spark import Spark

    return Spark()


@lru_cache(maxsize=512)
def to_spark(sql: str) -> str:
    """One statement of DuckDB's dialect in Spark's; a construct sqlglot cannot say in Spark
    raises rather than running as something else."""
    import sqlglot
    from sqlglot.errors import ErrorLevel

    tree = sqlglot.parse_one(sql, read="duckdb")
    for step in _STEPS:
        tree = tree.transform(step)
    return tree.sql(dialect="spark", unsupported_level=ErrorLevel.RAISE, comments=False)


def _qualify_by_output_name(node: exp.Expr) -> exp.Expr:
    """A QUALIFY's column outside its window functions (`QUALIFY c.x IS NULL OR row_number()
    ... = 1`) by the name the select gives it: Spark has no QUALIFY, and sqlglot's rewrite
    filters a subquery, where `c.x` is out of scope but its output column `x` is not."""
    from sqlglot import exp

    if not isinstance(node, exp.Select) or not (qualify := node.args.get("qualify")):
        return node
    selected = {(item.table, item.name) for item in node.expressions
                if isinstance(item, exp.Column)}
    for column in list(qualify.find_all(exp.Column)):
        if column.table and not column.find_ancestor(exp.Window) \
                and (column.table, column.name) in selected:
            column.replace(exp.column(column.name))
    return node


def _try_strptime(node: exp.Expr) -> exp.Expr:
    """DuckDB's `try_strptime(text, format)` (NULL for a text that is no such date, 30
    February) as Spark's `try_to_timestamp` with the format in Spark's letters."""
    import sqlglot
    from sqlglot import exp

    if not isinstance(node, exp.Anonymous) or node.name.lower() != "try_strptime":
        return node
    text, form = node.expressions
    spark_form = _spark().generator().format_time(exp.StrToTime(this=text, format=form))
    if spark_form is None:
        raise ValueError(f"try_strptime needs a literal format: {node.sql('duckdb')}")
    return exp.Anonymous(this="TRY_TO_TIMESTAMP",
                         expressions=[text, sqlglot.parse_one(spark_form, read="spark")])


def _list_length(node: exp.Expr) -> exp.Expr:
    """`len([...])` of a list literal (a model's list parameter) is Spark's `size`."""
    from sqlglot import exp

    if isinstance(node, exp.Length) and isinstance(node.this, exp.Array):
        return exp.ArraySize(this=node.this)
    return node


def _double_division(node: exp.Expr) -> exp.Expr:
    """DuckDB's `/` divides as DOUBLE whatever its operands (DECIMAL ones too), where Spark
    keeps a DECIMAL of its own scale; a share said in a fact must come out alike."""
    from sqlglot import exp

    if not isinstance(node, exp.Div) or node.args.get("typed"):
        return node
    return exp.Div(this=_as_double(node.this), expression=_as_double(node.expression))


def _printf_doubles(node: exp.Expr) -> exp.Expr:
    """`printf('%.2f', x)`: DuckDB formats a DECIMAL as a DOUBLE; Spark's `format_string`
    refuses a DECIMAL for `%f` (its Decimal is no Java BigDecimal)."""
    from sqlglot import exp

    if not (isinstance(node, exp.Anonymous) and node.name.lower() == "printf"):
        return node
    form, *values = node.expressions
    if not isinstance(form, exp.Literal) or re.search(r"%[-+ #0-9.]*[^-+ #0-9.f%]", form.name):
        return node  # not a format of numbers alone: left as it is
    return exp.Anonymous(this="format_string",
                         expressions=[form, *(_as_double(value) for value in values)])


def _as_double(value: exp.Expr) -> exp.Expr:
    from sqlglot import exp

    if isinstance(value, exp.Paren):
        value = value.this
    return exp.cast(value, exp.DataType.Type.DOUBLE)


def _cast_of_unnest(node: exp.Expr) -> exp.Expr:
    """`CAST(unnest(list) AS T)`: Spark takes no generator inside an expression; the list is
    cast to a list of T and unnested."""
    from sqlglot import exp

    if isinstance(node, exp.Cast) and isinstance(node.this, exp.Explode | exp.Unnest):
        inner = node.this.this if isinstance(node.this, exp.Explode) \
            else node.this.expressions[0]
        listed = exp.DataType(this=exp.DataType.Type.ARRAY, expressions=[node.to],
                              nested=True)
        return exp.Explode(this=exp.cast(inner, listed))
    return node


def _distinct_string_agg(node: exp.Expr) -> exp.Expr:
    """`string_agg(DISTINCT x, sep ORDER BY x) [FILTER (WHERE c)]` as the sorted set of x
    joined: Spark's LISTAGG(DISTINCT) WITHIN GROUP fails (a ClassCastException) beside a
    FILTER or another DISTINCT aggregate. No x at all stays NULL, as in DuckDB."""
    from sqlglot import exp

    condition = None
    if isinstance(node, exp.Filter) and isinstance(node.this, exp.GroupConcat):
        aggregate, condition = node.this, node.expression
    elif isinstance(node, exp.GroupConcat) and not isinstance(node.parent, exp.Filter):
        aggregate = node
    else:
        return node
    order = aggregate.this
    if not (isinstance(order, exp.Order) and isinstance(order.this, exp.Distinct)
            and len(order.this.expressions) == 1 and len(order.expressions) == 1):
        return node
    value, (ordered,) = order.this.expressions[0], order.expressions
    if ordered.this != value or ordered.args.get("desc"):
        return node
    gathered: exp.Expr = exp.Anonymous(this="collect_set", expressions=[value.copy()])
    if condition is not None:
        gathered = exp.Filter(this=gathered, expression=condition.copy())
    values = exp.Anonymous(this="array_sort", expressions=[gathered])
    separator = aggregate.args.get("separator") or exp.Literal.string(",")
    return exp.If(this=exp.EQ(this=exp.ArraySize(this=values), expression=exp.Literal.number(0)),
                  true=exp.Null(),
                  false=exp.Anonymous(this="array_join",
                                      expressions=[values.copy(), separator.copy()]))


_STEPS = (_qualify_by_output_name, _try_strptime, _list_length, _double_division,
          _printf_doubles, _cast_of_unnest, _distinct_string_agg)
