"""`sunlight serve`: the workbench (and portal) over this deployment's app database."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from sunlight.cli.console import errors
from sunlight.cli.database import usable
from sunlight.cli.exit_codes import BAD_INPUT
from sunlight.settings import Settings, get_settings
from sunlight.web.app import create_app
from sunlight.web.security import InsecureSecret


def serve(settings: Settings, host: str, port: int, *, demo: bool = False) -> None:
    """Build the app (refusing an unsafe set-up with exit 2) and serve it until interrupted."""
    try:
        with usable(settings):
            app = create_app(settings, demo=demo)
    except InsecureSecret as exc:
        errors.print(f"[red]refused:[/red] {exc}")
        raise typer.Exit(BAD_INPUT) from exc
    uvicorn.run(app, host=host, port=port, log_level="warning")


def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    demo: Annotated[bool, typer.Option(
        help="Serve a demo home: allows the built-in secret. Never for real data.")] = False,
) -> None:
    """Serve the staff workbench at /staff."""
    settings = get_settings()
    typer.echo(f"Sunlight workbench: http://{host}:{port}/staff")
    serve(settings, host, port, demo=demo)
