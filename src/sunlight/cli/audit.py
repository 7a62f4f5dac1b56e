"""`sunlight audit verify`: check the audit log's hash chain."""

from __future__ import annotations

import typer

from sunlight.audit.chain import verify
from sunlight.cli.console import console, errors
from sunlight.cli.database import open_session
from sunlight.cli.exit_codes import WARNINGS
from sunlight.settings import get_settings

app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)


@app.command("verify")
def verify_command() -> None:
    """Recompute the hash chain; exit 1 and name each break if any entry was changed or deleted."""
    with open_session(get_settings()) as session:
        report = verify(session)
    if report.intact:
        console.print(f"Audit log intact: {report.entries} entries, head {report.head_hash}")
        return
    errors.print(f"[red]Audit log broken[/red] ({report.entries} entries read):")
    for problem in report.problems:
        errors.print(f"  - {problem}")
    raise typer.Exit(WARNINGS)
