"""`sunlight models`: the supervision models with their parameters."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.table import Table

from sunlight.cli.console import console, errors
from sunlight.cli.exit_codes import BAD_INPUT
from sunlight.models.parameters import load_overrides
from sunlight.models.registry import ModelFileError, load_library
from sunlight.models.runner import UnknownModel
from sunlight.settings import get_settings


def models_command() -> None:
    """List every supervision model: code, 中文名, severity, inputs and parameters.

    What each parameter means is in the model's YAML file (`about`).
    """
    settings = get_settings()
    try:
        library = load_library()
        overrides = load_overrides(settings.detection_parameters, library)
    except ModelFileError as exc:
        errors.print(f"[red]refused:[/red] {exc}")
        raise typer.Exit(BAD_INPUT) from exc
    table = Table(title="监督模型 (supervision models)")
    for header in ("code", "中文名", "severity", "inputs", "parameters"):
        table.add_column(header, no_wrap=header != "inputs")
    for model in library.values():
        spec = model.spec
        own = overrides.get(spec.code, {})
        parameters = "\n".join(
            f"{name} = {_shown(own[name])} (default {_shown(p.default)})" if name in own
            else f"{name} = {_shown(p.default)}"
            for name, p in spec.parameters.items()) or "—"
        table.add_row(spec.code, spec.name_zh, spec.severity,
                      ", ".join(i.replace("|", " or ") for i in spec.inputs), parameters)
    console.print(table)
    console.print("Standards and eligibility (ages, disability levels, exclusive programs) come "
                  "from the program catalog (SUNLIGHT_CATALOG); a deployment sets its own "
                  "parameters in a YAML file named by SUNLIGHT_DETECTION_PARAMETERS.")


def refuse_unknown_model(exc: UnknownModel) -> NoReturn:
    """Refuse model codes the library does not hold (exit 2), pointing at the list."""
    errors.print(f"[red]refused:[/red] unknown model code {exc.args[0]}; "
                 "`sunlight models` lists them")
    raise typer.Exit(BAD_INPUT) from exc


def _shown(value: object) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
