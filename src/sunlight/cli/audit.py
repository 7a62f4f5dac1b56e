"""`sunlight audit`: verify the audit log's keyed chain, and take signed checkpoints of it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sunlight.appdb.database import writing as begin_writing
from sunlight.audit.chain import ChainReport, append, verify
from sunlight.audit.checkpoint import MAX_BYTES, BadCheckpoint, Checkpoint, hold, read, take
from sunlight.audit.key import AuditKey, audit_key
from sunlight.cli.console import console, errors
from sunlight.cli.database import open_session
from sunlight.cli.exit_codes import BAD_INPUT, WARNINGS
from sunlight.cli.paths import ExportRefused, prepare_folder, writing
from sunlight.settings import get_settings

app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)


@app.command("verify")
def verify_command(
    checkpoint: Annotated[Path | None, typer.Option(
        help="A checkpoint file (`sunlight audit checkpoint`): the log must still hold its "
             "entry, with its hash.")] = None,
) -> None:
    """Recompute the keyed chain; exit 1 and name each break if any entry was changed or
    deleted, or the log no longer holds the checkpoint's entry."""
    settings = get_settings()
    held = _read_checkpoint(checkpoint, audit_key(settings)) if checkpoint else None
    with open_session(settings) as session:
        report = verify(session)
        if held is not None:
            report.problems.extend(hold(session, held))
    if not report.intact:
        errors.print(f"[red]Audit log broken[/red] ({report.entries} entries read):")
        for problem in report.problems:
            errors.print(f"  - {problem}")
        raise typer.Exit(WARNINGS)
    console.print(f"Audit log intact: {report.entries} entries, head {report.head_hash}")
    if report.entries:
        console.print(_sealing(report))
    if held is not None:
        console.print(f"It holds the checkpoint of {held.at.isoformat()} (entry {held.entry}).")


@app.command("checkpoint")
def checkpoint_command(
    path: Annotated[Path, typer.Argument(help="Where to write the checkpoint (JSON).")],
) -> None:
    """Write a signed checkpoint of the log's head, to keep away from the database; refused
    when the log is broken."""
    settings = get_settings()
    try:
        prepare_folder(path)
    except ExportRefused as exc:
        errors.print(f"[red]refused:[/red] {exc}")
        raise typer.Exit(BAD_INPUT) from exc
    with open_session(settings) as session:
        begin_writing(session)
        report = verify(session)
        if not report.intact:
            errors.print("[red]refused:[/red] the audit log is broken; a checkpoint would vouch "
                         "for it (see `sunlight audit verify`)")
            raise typer.Exit(WARNINGS)
        append(session, actor="cli", action="audit.checkpoint", target=path.name)
        taken = take(session)
        with writing(path):
            path.write_text(taken.to_json() + "\n", encoding="utf-8")
        session.commit()
    console.print(f"Wrote the checkpoint of entry {taken.entry} to {path}: keep it where the "
                  "database's administrators cannot write, and hold the log to it with "
                  f"`sunlight audit verify --checkpoint {path}`")


def _read_checkpoint(path: Path, key: AuditKey) -> Checkpoint:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise BadCheckpoint(f"larger than {MAX_BYTES} bytes: not a checkpoint")
        return read(data.decode("utf-8", errors="replace"), key)
    except (OSError, BadCheckpoint) as exc:
        reason = getattr(exc, "strerror", None) or exc
        errors.print(f"[red]refused:[/red] checkpoint {path}: {reason}")
        raise typer.Exit(BAD_INPUT) from exc


def _sealing(report: ChainReport) -> str:
    if report.sealed_from is None:
        return (f"Its {report.entries} entries were written before the audit key and are not "
                "sealed with it yet: the workbench's next start, or the next entry, seals them.")
    if report.unsealed:
        return (f"Sealed with the audit key from entry {report.sealed_from}; the "
                f"{report.unsealed} entries before it were written before the key and are held "
                "by that seal.")
    return "Every entry is sealed with the audit key."
