"""`sunlight publish`: copy the public part of the warehouse to the portal, or withdraw it."""

from __future__ import annotations

import time
from typing import Annotated

import typer
from rich.table import Table

from sunlight.cli.console import console, errors
from sunlight.cli.database import open_session, usable
from sunlight.cli.exit_codes import BAD_INPUT
from sunlight.publish.run import NothingToPublish, run_publication
from sunlight.publish.store import NotPublished, current, history, withdraw
from sunlight.settings import get_settings


def publish_command(
    withdraw_version: Annotated[int | None, typer.Option(
        "--withdraw", metavar="VERSION",
        help="Withdraw this version: the portal then shows the newest one still published.")]
    = None,
    reason: Annotated[str, typer.Option(help="Why a version is withdrawn (audit log).")] = "",
    list_versions: Annotated[bool, typer.Option(
        "--list", help="List the versions and which one the portal shows.")] = False,
) -> None:
    """Publish rosters, approval chains and program rules to the public portal (阳光公示)."""
    settings = get_settings()
    if list_versions and withdraw_version is not None:
        errors.print("[red]refused:[/red] --list and --withdraw are two different things; "
                     "give one of them")
        raise typer.Exit(BAD_INPUT)
    if reason and withdraw_version is None:
        errors.print("[red]refused:[/red] --reason goes with --withdraw VERSION")
        raise typer.Exit(BAD_INPUT)
    if list_versions:
        _print_history()
        return
    if withdraw_version is not None:
        _withdraw(withdraw_version, reason)
        return
    started = time.perf_counter()
    try:
        with usable(settings), \
                console.status("publishing…"):
            written = run_publication(settings, actor="cli")
    except NothingToPublish as exc:
        errors.print(f"[red]nothing to publish:[/red] {exc}")
        raise typer.Exit(BAD_INPUT) from exc
    counts = written.counts
    console.print(
        f"Published version {written.publication.version} in "
        f"{time.perf_counter() - started:.1f} s: {counts['villages']:,} villages, "
        f"{counts['beneficiaries']:,} beneficiaries, {counts['entries']:,} roster lines, "
        f"{counts['payments']:,} payments, {counts['approvals']:,} approval steps, "
        f"{counts['company_payments']:,} company payments. "
        "Bank accounts and full ID numbers are not published.")


def _withdraw(version: int, reason: str) -> None:
    with open_session(get_settings()) as session:
        try:
            withdraw(session, version, actor="cli", reason=reason)
        except NotPublished as exc:
            errors.print(f"[red]refused:[/red] version {version} is not a published version "
                         "(see `sunlight publish --list`)")
            raise typer.Exit(BAD_INPUT) from exc
        session.commit()
        shown = current(session)
    console.print(f"Withdrew version {version}; the portal now shows "
                  + (f"version {shown.version}." if shown else "nothing (no version left)."))


def _print_history() -> None:
    with open_session(get_settings()) as session:
        versions = history(session)
        shown = current(session)
    table = Table(title="公示版本 (publications)")
    for header in ("version", "status", "published", "by", "beneficiaries", "note"):
        table.add_column(header)
    for p in versions:
        table.add_row(str(p.version), p.status, p.published_at.strftime("%Y-%m-%d %H:%M"),
                      p.published_by, f"{p.counts.get('beneficiaries', 0):,}",
                      "shown on the portal" if shown and shown.id == p.id else p.withdraw_reason)
    console.print(table)
