"""Shared console output: one rich Console, and progress bars for long work."""

from __future__ import annotations

import sys

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

# Piped into a file or a log, rich would assume 80 columns and cut the tables.
_WIDTH = None if sys.stdout.isatty() else 120
console = Console(width=_WIDTH, soft_wrap=True)
errors = Console(stderr=True, width=_WIDTH, soft_wrap=True)


def progress_bar() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
        TextColumn("{task.fields[current]}"), TimeElapsedColumn(),
        console=console, transient=False,
    )
