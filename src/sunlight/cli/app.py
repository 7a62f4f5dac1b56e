"""The `sunlight` command.

A command's module (and what it imports: the pipeline, the models, the app database) is
imported only when that command runs, or when the whole command list is asked for (`--help`).
Importing every command costs over a second, and `sunlight ingest` pays it again in each
worker process it spawns, which imports this module as its `__main__`.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from functools import cache

import typer

from sunlight import __version__
from sunlight.cli.exit_codes import BAD_INPUT, INTERNAL_ERROR
from sunlight.collector import no_cyclic_gc

# name → (module, attribute, whether it is a group of subcommands), in the order of `--help`
_COMMANDS: dict[str, tuple[str, str, bool]] = {
    "ingest": ("sunlight.cli.ingest", "ingest_command", False),
    "quality": ("sunlight.cli.quality", "app", True),
    "generate": ("sunlight.cli.generate", "generate_command", False),
    "models": ("sunlight.cli.models", "models_command", False),
    "detect": ("sunlight.cli.detect", "detect_command", False),
    "screen": ("sunlight.cli.screen", "screen_command", False),
    "warnings": ("sunlight.cli.warnings", "app", True),
    "publish": ("sunlight.cli.publish", "publish_command", False),
    "serve": ("sunlight.cli.serve", "serve_command", False),
    "users": ("sunlight.cli.users", "app", True),
    "audit": ("sunlight.cli.audit", "app", True),
    "demo": ("sunlight.cli.demo", "demo_command", False),
}


def version_command() -> None:
    """Print the Sunlight version."""
    typer.echo(__version__)


def build_app(only: str | None = None) -> typer.Typer:
    """The command with every subcommand, or with `only` that one (and `version`)."""
    built = typer.Typer(
        name="sunlight",
        help="Sunlight: big-data supervision of public subsidy payments.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    for name, (module, attribute, group) in _COMMANDS.items():
        if only is not None and name != only:
            continue
        target = getattr(importlib.import_module(module), attribute)
        if group:
            built.add_typer(target, name=name)
        else:
            built.command(name)(target)
    built.command("version")(version_command)
    # A group even when it holds `version` alone: Typer runs a lone command as the app itself.
    built.callback()(_group)
    return built


def _group() -> None:
    """Sunlight: big-data supervision of public subsidy payments."""


@cache
def full_app() -> typer.Typer:
    return build_app()


def __getattr__(name: str) -> typer.Typer:
    # `from sunlight.cli.app import app` (tests, embedding) gets every command.
    if name == "app":
        return full_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _invoked(argv: list[str]) -> str | None:
    """The command named on the command line, if it names one (`version` needs no module)."""
    return argv[0] if argv and (argv[0] in _COMMANDS or argv[0] == "version") else None


def _imported_quietly(only: str | None) -> typer.Typer:
    """build_app without the cycle collector; what it imported is then frozen, out of the
    collector's way for good."""
    with no_cyclic_gc():
        built = build_app(only)
        gc.freeze()
    return built


def main() -> None:
    """Entry point: run the app; an unexpected error exits with code 3."""
    # NumPy's OpenBLAS starts a thread per core that spins for a while, taking CPU from
    # ingestion's own threads; Sunlight does no linear algebra. Set before numpy is imported
    # (by the command's module), and inherited by the worker processes ingestion spawns.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from pydantic import ValidationError

    try:
        _imported_quietly(_invoked(sys.argv[1:]))()
    except SystemExit:
        raise
    except ValidationError as exc:  # a SUNLIGHT_ setting that is not what it should be
        typer.secho(f"bad setting: {exc}", err=True, fg=typer.colors.RED)
        sys.exit(BAD_INPUT)
    except Exception as exc:  # the last line of defence: say so, and exit 3
        typer.secho(f"internal error: {exc!r}", err=True, fg=typer.colors.RED)
        sys.exit(INTERNAL_ERROR)
    finally:
        # Python's exit runs a full collection over every object the command made (a
        # detection's rows, the database session's): out of its way, as the imports are.
        gc.freeze()
