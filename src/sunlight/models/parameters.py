"""A deployment's own model parameters: a YAML file of model code → parameter → value.

    AREA_OVER_DECLARED:
      tolerance_mu: 1.0
    SHARED_ACCOUNT:
      min_persons: 4

Only parameters a model declares can be set, each with a value of its default's kind.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sunlight.models.registry import Model, ModelFileError, ParameterValue, read_yaml

Overrides = dict[str, dict[str, ParameterValue]]


def load_overrides(path: Path | None, library: dict[str, Model]) -> Overrides:
    """The overrides in `path` (none when no file is set), checked against the library."""
    if path is None:
        return {}
    where = str(path)
    try:
        text = path.read_text("utf-8")
    except OSError as error:
        raise ModelFileError(where, f"cannot read it ({error.strerror or error})") from error
    raw: Any = read_yaml(text, where) or {}
    if not isinstance(raw, dict):
        raise ModelFileError(where, "expected model codes, each with parameter: value lines")
    return {str(code): _model_overrides(where, str(code), values, library)
            for code, values in raw.items()}


def _model_overrides(where: str, code: str, values: Any, library: dict[str, Model]
                     ) -> dict[str, ParameterValue]:
    model = library.get(code)
    if model is None:
        raise ModelFileError(where, f"{code}: no such model; one of {', '.join(library)}")
    if not isinstance(values, dict):
        raise ModelFileError(where, f"{code}: expected parameter: value lines")
    declared = model.spec.parameters
    checked: dict[str, ParameterValue] = {}
    for name, value in values.items():
        if name not in declared:
            known = ", ".join(declared) or "none"
            raise ModelFileError(where, f"{code}.{name}: no such parameter (it has: {known})")
        checked[name] = _same_kind(where, f"{code}.{name}", declared[name].default, value)
    return checked


def _same_kind(where: str, label: str, default: ParameterValue, value: Any) -> ParameterValue:
    if isinstance(default, list):
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return [str(item) for item in value]
        raise ModelFileError(where, f"{label}: expected a list of texts like {default}")
    if isinstance(default, str):
        if isinstance(value, str) and value:
            return value
        raise ModelFileError(where, f"{label}: expected a text like {default!r}")
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
        return value
    raise ModelFileError(where, f"{label}: expected a number ≥ 0 like {default}")
