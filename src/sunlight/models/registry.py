"""The model library: one YAML file of metadata beside one SQL file per model, found here.

A model's SQL is written in DuckDB's dialect over the warehouse tables, the relations in
`base/` and the catalog tables, and returns one row per evidence row (see `runner.OUTPUT`).
Parameters appear in the SQL as `:name` and are filled from the metadata's defaults (or a
deployment's overrides) as literals, so the same SQL transpiles to Spark.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from sunlight.contract.datasets import DATASETS, safe_load
from sunlight.contract.vocabulary import VOCABULARY
from sunlight.models import sql_cache, sql_tree
from sunlight.models.explain import (
    BY_PERIOD,
    FIGURES,
    MONEY_FIGURES,
    PERIOD_AMOUNT,
    template_fields,
)
from sunlight.models.output import REQUIRED_OUTPUT

if TYPE_CHECKING:
    from sqlglot import exp

ParameterValue = float | int | str | list[str]
SHARED_FACTS = VOCABULARY.shared_facts


class ModelFileError(ValueError):
    """A model file that cannot be used, named with its path and what is wrong."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path, self.problem = path, problem


class Parameter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    default: ParameterValue
    about: str


class ModelSpec(BaseModel):
    """A model's metadata file."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[A-Z][A-Z_]+$")
    name_zh: str
    finds: str
    severity: Literal["high", "medium", "low"]
    inputs: list[str] = Field(min_length=1)
    """Warehouse datasets the model needs rows of; `a|b` means either will do."""
    parameters: dict[str, Parameter] = {}
    policy_basis: str
    explanation: str
    each_period: str = ""
    """What the explanation says of each period (its `{by_period}`), a template over the facts
    of that period's rows and `{period_amount}`, the money at risk in it. A warning of several
    periods says every one, in fact `by_period`, and loses the facts the template names."""
    screening_note: str = Field(min_length=1)
    """What a screening tells anyone but an analyst in place of `explanation` (which names
    other people and their data): a fixed Chinese sentence on what to check, naming no one."""
    amount: Literal["rows", "shortfall"] = "rows"
    """`rows`: the amount is the sum of the payments at risk; `shortfall`: a gap the query
    computes and returns as `fact_shortfall`."""
    facts: dict[str, str] = {}
    """The Chinese name of each `fact_<name>` the query returns, but those several models
    share (contract/vocabulary.yaml `shared_facts`)."""
    money: bool = True
    """False: the warning concerns no money (the police models of contract §6). Its rows are
    judged rows with amount 0, its amount is empty in exports and shown nowhere, its
    explanation speaks of no 元, and its score does not weigh money."""
    subject_kind: str = "person"
    """What the query's `subject` is a key of (contract §4's subject table): a code of
    contract/vocabulary.yaml `subject_kinds`."""
    subject_role: str = "payee"
    """What the person in the query's `id_number` is to the warning (`person_roles`)."""
    grouped_by: list[Literal["id_number", "program", "period"]] = []
    """Columns of `paid` that group the payment rows so that the query's rows about a group
    depend on that group's rows alone: each names a payment row (`source_dataset` payments,
    its basis in the row's basis columns) and its group in its own columns of those names;
    its rows of other data depend on no payment row. After a month, its rows of the groups
    the new batches do not touch are kept, and the rest computed over the touched groups'."""
    rows_of: Literal["", "payments"] = ""
    """`payments`: each row the query returns comes of one payment row (with rows of other
    data), or is a `basis` row it returns DISTINCT for such rows, or is of a dataset named in
    `recomputed`; none depends on another payment row. Its rows of earlier batches are then
    kept, and a month computes its own."""
    recomputed: list[str] = []
    """With `rows_of`: datasets whose rows the query returns as evidence depend on no row of
    that dataset (a company's payment, judged beside a person's): after a month they are
    computed again, all of them, and the kept ones dropped."""

    @field_validator("screening_note")
    @classmethod
    def _fixed_text(cls, value: str) -> str:
        """No placeholder: the note must not be filled with anyone's data."""
        if "{" in value or "}" in value:
            raise ValueError("must be fixed text, without {placeholders}")
        if not value.strip():
            raise ValueError("must say what to check")
        return value.strip()

    @field_validator("subject_kind", "subject_role")
    @classmethod
    def _known_code(cls, value: str, info: ValidationInfo) -> str:
        known = (VOCABULARY.subject_kinds if info.field_name == "subject_kind"
                 else VOCABULARY.person_roles)
        if value not in known:
            raise ValueError(f"not one of {', '.join(known)}")
        return value


@dataclass(frozen=True)
class Model:
    """A model ready to run: its metadata and its SQL."""

    spec: ModelSpec
    sql: str
    path: str  # the YAML file
    sql_path: str

    @property
    def code(self) -> str:
        return self.spec.code

    def fact_label(self, name: str) -> str:
        """What staff call a fact of this model's warnings (its own name if it has none)."""
        return self.spec.facts.get(name) or SHARED_FACTS.get(name, name)

    def missing_inputs(self, present: set[str]) -> list[str]:
        """The inputs with no rows in the warehouse (`a|b` is missing when both are)."""
        return [need for need in self.spec.inputs
                if not any(name in present for name in need.split("|"))]

    @cached_property
    def tree(self) -> exp.Expr:
        """The SQL parsed once (parsing is the slow part of loading the library), with the
        output macros (`paid_row(p)`, `basis_row(d)`; see output.py) expanded."""
        return sql_tree.parsed(self.sql)

    @cached_property
    def facts(self) -> SqlFacts:
        return sql_facts(self.sql, lambda: self.tree)

    @property
    def placeholders(self) -> set[str]:
        return set(self.facts.placeholders)

    @property
    def output_columns(self) -> set[str]:
        return set(self.facts.outputs)

    @property
    def tables(self) -> set[str]:
        """The tables and relations the query reads (`tables_read`)."""
        return set(self.facts.tables)

    def render(self, overrides: dict[str, ParameterValue] | None = None,
               dialect: str = "duckdb") -> str:
        """The SQL with parameters as literals, in the given dialect (kept by `sql_cache`)."""
        values = {name: p.default for name, p in self.spec.parameters.items()}
        values.update(overrides or {})
        asked = json.dumps(values, sort_keys=True)
        kept = sql_cache.active().get("render", self.sql, dialect, asked)
        if isinstance(kept, str):
            return kept
        rendered = sql_tree.rendered(self.tree, values, dialect)
        sql_cache.active().put("render", rendered, self.sql, dialect, asked)
        return rendered


@dataclass(frozen=True)
class SqlFacts:
    """What a query's parse tells: its parameters, the columns it returns, what it reads."""

    placeholders: frozenset[str]
    outputs: frozenset[str]
    tables: frozenset[str]


def sql_facts(sql: str, tree: Callable[[], exp.Expr] | None = None) -> SqlFacts:
    """The facts of a query, from `sql_cache` or its parse (`tree`, by default parsed here);
    a query that does not parse raises `sql_tree.SqlParseError`."""
    kept = sql_cache.active().get("facts", sql)
    if (isinstance(kept, dict) and all(isinstance(kept.get(name), list) and all(
            isinstance(item, str) for item in kept[name])
            for name in ("placeholders", "outputs", "tables"))):
        return SqlFacts(frozenset(kept["placeholders"]), frozenset(kept["outputs"]),
                        frozenset(kept["tables"]))
    whole = tree() if tree is not None else sql_tree.parsed(sql)
    facts = SqlFacts(frozenset(sql_tree.placeholders(whole)),
                     frozenset(sql_tree.output_columns(whole)),
                     frozenset(sql_tree.tables_read(whole)))
    sql_cache.active().put("facts", {name: sorted(getattr(facts, name))
                                     for name in ("placeholders", "outputs", "tables")}, sql)
    return facts


def library_root() -> Traversable:
    return resources.files("sunlight.models").joinpath("library")


def load_model(folder: Traversable, stem: str, label: str = "models/library") -> Model:
    """Read and check `<stem>.yaml` and `<stem>.sql`; problems raise ModelFileError."""
    path = f"{label}/{stem}.yaml"
    spec = _parse_spec(folder.joinpath(f"{stem}.yaml"), path)
    sql_file = folder.joinpath(f"{stem}.sql")
    if not sql_file.is_file():
        raise ModelFileError(path, f"no SQL file beside it (expected {stem}.sql)")
    model = Model(spec, sql_file.read_text("utf-8"), path, f"{label}/{stem}.sql")
    _check_sql(model, model.sql_path)
    _check_inputs(model)
    _check_template(model)
    _check_facts(model)
    return model


def read_yaml(text: str, path: str) -> Any:
    """Parse a YAML text; bad YAML is a ModelFileError naming the file, the line and why."""
    try:
        return safe_load(text)  # libyaml: the library is read on every screening
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(error, "problem", None) or "cannot be read"
        raise ModelFileError(path, f"{where}not valid YAML ({problem})") from error


def _parse_spec(yaml_file: Traversable, path: str) -> ModelSpec:
    raw = read_yaml(yaml_file.read_text("utf-8"), path)
    if not isinstance(raw, dict):
        raise ModelFileError(path, "expected a mapping of fields (code, name_zh, ...)")
    try:
        return ModelSpec.model_validate(raw)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}"
            for e in error.errors())
        raise ModelFileError(path, problems) from error


def _check_sql(model: Model, sql_path: str) -> None:
    try:
        used = model.placeholders
    except ValueError as error:  # it does not parse, or calls a macro on other than a relation
        raise ModelFileError(sql_path, str(error)) from error
    if undeclared := used - set(model.spec.parameters):
        raise ModelFileError(sql_path, "parameters used but not declared in the YAML: "
                             + ", ".join(sorted(undeclared)))
    required = [*REQUIRED_OUTPUT, *(["fact_shortfall"] if model.spec.amount == "shortfall"
                                     else [])]
    if missing := [name for name in required if name not in model.output_columns]:
        raise ModelFileError(sql_path, "the query must return the columns "
                             + ", ".join(missing))


def _check_inputs(model: Model) -> None:
    unknown = [name for need in model.spec.inputs for name in need.split("|")
               if name not in DATASETS]
    if unknown:
        raise ModelFileError(model.path, f"inputs: unknown datasets {', '.join(unknown)}")
    if model.spec.recomputed and not model.spec.rows_of:
        raise ModelFileError(model.path, "recomputed: only with rows_of")
    if unknown := [name for name in model.spec.recomputed
                   if name not in DATASETS or name == model.spec.rows_of]:
        raise ModelFileError(model.path, f"recomputed: not another dataset: {', '.join(unknown)}")


def _check_template(model: Model) -> None:
    facts = {name.removeprefix("fact_") for name in model.output_columns
             if name.startswith("fact_")}
    known = facts | {f"{fact}_zh" for fact in facts}
    checked = [("explanation", model.spec.explanation,
                known | set(FIGURES) | ({BY_PERIOD} if model.spec.each_period else set()))]
    if model.spec.each_period:
        checked.append(("each_period", model.spec.each_period, known | {PERIOD_AMOUNT}))
    for field, template, allowed in checked:
        try:
            fields = template_fields(template)
        except ValueError as error:
            raise ModelFileError(model.path, f"{field}: {error}") from error
        if not model.spec.money and (said := _money_said(template, fields)):
            raise ModelFileError(model.path, f"{field} speaks of money ({', '.join(said)}) "
                                 "but the model says money: false")
        if unknown := fields - allowed:
            raise ModelFileError(model.path, f"{field} uses placeholders the query does not "
                                 "return as fact_<name>: " + ", ".join(sorted(unknown)))


def _money_said(template: str, fields: set[str]) -> list[str]:
    """What in a template speaks of money: a sum placeholder, a `*_yuan` fact, or 元."""
    said = sorted(name for name in fields
                  if name in MONEY_FIGURES or name.endswith("_yuan"))
    return said + (["元"] if "元" in template else [])


def _check_facts(model: Model) -> None:
    returned = {name.removeprefix("fact_") for name in model.output_columns
                if name.startswith("fact_")} | ({BY_PERIOD} if model.spec.each_period else set())
    if unnamed := returned - set(model.spec.facts) - set(SHARED_FACTS):
        raise ModelFileError(model.path, "facts: no Chinese name for what the query returns as "
                             + ", ".join(f"fact_{name}" for name in sorted(unnamed)))
    if unused := set(model.spec.facts) - returned:
        raise ModelFileError(model.path, "facts: named but not returned by the query: "
                             + ", ".join(sorted(unused)))


@cache
def library() -> dict[str, Model]:
    """The shipped library, loaded once per process (a page must not parse YAML)."""
    return load_library()


@cache
def model_names() -> dict[str, str]:
    """Model code → its Chinese name, which staff read instead of the code."""
    return {code: model.spec.name_zh for code, model in library().items()}


def load_library() -> dict[str, Model]:
    """Every model shipped with Sunlight, by code."""
    models: dict[str, Model] = {}
    root = library_root()
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            model = load_model(root, entry.name.removesuffix(".yaml"))
            if model.code in models:
                raise ModelFileError(model.path, f"code {model.code} is used twice")
            models[model.code] = model
    return models
