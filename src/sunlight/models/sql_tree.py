"""Models' SQL parsed with sqlglot: what a query reads and returns, its output macros
expanded, its parameters filled. sqlglot is imported by the functions, when one first runs:
a run whose SQL `sql_cache` keeps never loads it (a twentieth of a second of every start)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from sunlight.models.output import MACROS

if TYPE_CHECKING:
    from sqlglot import exp

Literal = float | int | str | list[str]


class SqlParseError(ValueError):
    """A query that does not parse, in the words of the model file check."""


def parsed(sql: str) -> exp.Expr:
    """A query in DuckDB's dialect parsed, its output macros expanded."""
    import sqlglot

    try:
        tree = sqlglot.parse_one(sql, read="duckdb")
    except sqlglot.errors.ParseError as error:
        raise SqlParseError(f"SQL does not parse: {error}") from error
    return expand_macros(tree)


def tables_read(tree: exp.Expr) -> set[str]:
    """The tables a query reads (its own CTE names left out)."""
    from sqlglot import exp

    ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
    return {table.name for table in tree.find_all(exp.Table)} - ctes


def expand_macros(tree: exp.Expr) -> exp.Expr:
    """The query with each output macro in a select list replaced by the columns it stands for."""
    from sqlglot import exp

    for select in list(tree.find_all(exp.Select)):
        items: list[exp.Expr] = []
        for item in select.expressions:
            items.extend(_expanded(item))
        select.set("expressions", items)
    return tree


def _expanded(item: exp.Expr) -> list[exp.Expr]:
    from sqlglot import exp

    if not isinstance(item, exp.Anonymous) or item.name.lower() not in MACROS:
        return [item]
    arguments = item.expressions
    if len(arguments) > 1 or (arguments and not isinstance(arguments[0], exp.Column)):
        raise ValueError(f"{item.name}() takes one relation name, or none: {item.sql()}")
    relation = arguments[0].name if arguments else None
    return [exp.alias_(exp.column(read, table=relation), returned) if read != returned
            else exp.column(read, table=relation)
            for read, returned in MACROS[item.name.lower()]]


def output_columns(tree: exp.Expr) -> set[str]:
    """The columns a query returns (of a UNION its first part; `SELECT *` from a CTE, the CTE's)."""
    return _outputs(tree, tree)


def _outputs(query: exp.Expr, whole: exp.Expr) -> set[str]:
    from sqlglot import exp

    while isinstance(query, exp.SetOperation):
        query = query.this
    if not isinstance(query, exp.Select):
        return set()
    names = query.named_selects
    source = query.args.get("from_") or query.args.get("from")
    if names == ["*"] and source is not None and isinstance(source.this, exp.Table):
        ctes = {cte.alias_or_name: cte.this for cte in whole.find_all(exp.CTE)}
        if source.this.name in ctes:
            return _outputs(ctes[source.this.name], whole)
    return set(names)


def placeholders(tree: exp.Expr) -> set[str]:
    """The `:name` parameters a query uses."""
    from sqlglot import exp

    return {node.name for node in tree.find_all(exp.Placeholder)}


def rendered(tree: exp.Expr, values: Mapping[str, Literal], dialect: str) -> str:
    """The query with its parameters as literals, in `dialect`."""
    import sqlglot
    from sqlglot import exp

    def fill(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Placeholder):
            return _literal(values[node.name])
        return node

    # transform works on a copy, which is the generator's alone: not copied again
    text: str = tree.transform(fill).sql(dialect=dialect, copy=False,
                                         unsupported_level=sqlglot.ErrorLevel.RAISE)
    return text


def _literal(value: Literal) -> exp.Expr:
    from sqlglot import exp

    if isinstance(value, list):
        return exp.Array(expressions=[_literal(item) for item in value])
    if isinstance(value, str):
        return exp.Literal.string(value)
    return exp.Literal.number(value)
