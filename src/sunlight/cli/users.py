"""`sunlight users`: create and list staff accounts."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import select

from sunlight.accounts.users import AccountError, add_user, split_units
from sunlight.appdb.account_tables import User
from sunlight.audit.chain import append
from sunlight.cli.console import console, errors
from sunlight.cli.database import open_session
from sunlight.cli.exit_codes import BAD_INPUT
from sunlight.contract.roles import ROLES
from sunlight.contract.vocabulary import ROLE_ZH
from sunlight.settings import get_settings

app = typer.Typer(help="Staff accounts of the workbench.", no_args_is_help=True)


@app.command("add")
def add_command(
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(ROLES)}.")],
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Read the password from standard input (one line).")] = False,
    township: Annotated[str | None, typer.Option(help="A verifier's township (乡镇).")] = None,
    department: Annotated[str | None, typer.Option(
        help="An officer's department as the data contract names it, e.g. 公安局.")] = None,
    datasets: Annotated[str | None, typer.Option(
        help="An officer's datasets, e.g. residents,deaths (instead of --department).")] = None,
    units: Annotated[str | None, typer.Option(
        help="An inspector's or liaison's police units, e.g. 城关派出所、交警大队.")] = None,
    display_name: Annotated[str, typer.Option(help="Name shown in the workbench.")] = "",
) -> None:
    """Create an account. The password comes from standard input, never the command line."""
    if not password_stdin:
        errors.print("[red]refused:[/red] give the password on standard input with "
                     "--password-stdin (a password on the command line ends up in the "
                     "shell history)")
        raise typer.Exit(BAD_INPUT)
    password = sys.stdin.readline().rstrip("\r\n")
    with open_session(get_settings()) as session:
        try:
            user = add_user(session, username, role, password, display_name=display_name,
                            township=township, department=department,
                            datasets=datasets.split(",") if datasets else None,
                            units=split_units(units) if units else None)
        except AccountError as exc:
            errors.print(f"[red]refused:[/red] {exc}")
            raise typer.Exit(BAD_INPUT) from exc
        append(session, actor="cli", action="user.add", target=user.username,
               details={"role": role, "township": user.township, "datasets": user.datasets,
                        "units": user.units})
        session.commit()
    scope = user.township or ", ".join(user.units or user.datasets)
    console.print(f"Created {user.username} ({role}, {ROLE_ZH[role]})"
                  + (f": {scope}" if scope else ""))


@app.command("list")
def list_command() -> None:
    """List the accounts."""
    with open_session(get_settings()) as session:
        users = session.scalars(select(User).order_by(User.username)).all()
    table = Table("username", "name", "role", "scope", "active")
    for user in users:
        table.add_row(user.username, user.display_name, user.role,
                      user.township or ", ".join(user.units or user.datasets),
                      "yes" if user.active else "no")
    console.print(table)
