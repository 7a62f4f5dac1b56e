"""Reading a YAML file of the contract into a pydantic model, naming the file when it is bad."""

from __future__ import annotations

from importlib import resources
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from sunlight.contract.datasets import safe_load

Loaded = TypeVar("Loaded", bound=BaseModel)


class ContractFileError(ValueError):
    """A contract file shipped with Sunlight that cannot be used: a defect, said at start."""


def load_shipped(name: str, model: type[Loaded]) -> Loaded:
    """The file `name` of this package, validated as `model`."""
    text = resources.files("sunlight.contract").joinpath(name).read_text("utf-8")
    try:
        return model.model_validate(safe_load(text))
    except (yaml.YAMLError, ValidationError) as exc:
        raise ContractFileError(f"sunlight/contract/{name} is not valid:\n{exc}") from exc
