"""`sunlight models`: the supervision models with their parameters."""

from __future__ import annotations

from rich.table import Table

from sunlight.cli.console import console, errors
from sunlight.models.registry import ModelFileError, load_library


def models_command() -> None:
    """List every supervision model: code, 中文名, severity, inputs and parameter defaults."""
    try:
        library = load_library()
    except ModelFileError as exc:
        errors.print(f"[red]broken model file:[/red] {exc}")
        raise SystemExit(3) from exc
    table = Table(title="监督模型 (supervision models)")
    for header in ("code", "中文名", "severity", "inputs", "parameters (default)"):
        table.add_column(header, no_wrap=header != "parameters (default)")
    for model in library.values():
        spec = model.spec
        parameters = "\n".join(f"{name} = {_shown(p.default)}  ({p.about})"
                               for name, p in spec.parameters.items()) or "—"
        table.add_row(spec.code, spec.name_zh, spec.severity,
                      ", ".join(i.replace("|", " or ") for i in spec.inputs), parameters)
    console.print(table)
    console.print("Standards and eligibility (ages, disability levels, exclusive programs) come "
                  "from the program catalog (SUNLIGHT_CATALOG).")


def _shown(value: object) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
