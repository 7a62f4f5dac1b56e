"""The `sunlight` command."""

from __future__ import annotations

import sys

import typer
from pydantic import ValidationError

from sunlight import __version__
from sunlight.cli import (
    audit,
    demo,
    detect,
    generate,
    ingest,
    models,
    publish,
    quality,
    serve,
    users,
    warnings,
)
from sunlight.cli.exit_codes import BAD_INPUT, INTERNAL_ERROR

app = typer.Typer(
    name="sunlight",
    help="Sunlight: big-data supervision of public subsidy payments.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("ingest")(ingest.ingest_command)
app.add_typer(quality.app, name="quality")
app.command("generate")(generate.generate_command)
app.command("models")(models.models_command)
app.command("detect")(detect.detect_command)
app.add_typer(warnings.app, name="warnings")
app.command("serve")(serve.serve_command)
app.add_typer(users.app, name="users")
app.add_typer(audit.app, name="audit")
app.command("demo")(demo.demo_command)
app.command("publish")(publish.publish_command)


@app.command("version")
def version_command() -> None:
    """Print the Sunlight version."""
    typer.echo(__version__)


def main() -> None:
    """Entry point: run the app; an unexpected error exits with code 3."""
    try:
        app()
    except SystemExit:
        raise
    except ValidationError as exc:  # a SUNLIGHT_ setting that is not what it should be
        typer.secho(f"bad setting: {exc}", err=True, fg=typer.colors.RED)
        sys.exit(BAD_INPUT)
    except Exception as exc:  # the last line of defence: say so, and exit 3
        typer.secho(f"internal error: {exc!r}", err=True, fg=typer.colors.RED)
        sys.exit(INTERNAL_ERROR)
