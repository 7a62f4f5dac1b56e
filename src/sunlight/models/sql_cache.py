"""What parsing and rendering SQL gave, kept between runs as Python keeps .pyc files. Loading
the model library parses every model's SQL with sqlglot, and each run renders it again: a
tenth of a second of a run that nothing else changed. An entry is keyed by the SQL text,
what was asked of it (a dialect, the parameters' values), sqlglot's version and the code
that parses and renders (this module, registry.py, sql_tree.py, output.py): a new SQL file,
a new sqlglot or new rendering code finds no entry and computes it. The file is one JSON
document in the home's cache folder, written under a temporary name and renamed; one that
does not read as this module wrote it is ignored and written again.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

FORMAT = "model-sql 2"
KEPT_ENTRIES = 1000
"""At most this many entries are kept, those the last run used first: a file of the code of
the day holds only what its models and parameters gave, but an edited parameter leaves one
behind each time."""


class SqlCache:
    """Entries by key, in memory, and the file they came from and go back to (if any)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._entries: dict[str, Any] = {}
        self._used: set[str] = set()
        self._changed = False
        if path is not None:
            self._entries = _read(path)

    def get(self, kind: str, *parts: str) -> Any:
        """The value kept for these parts, or None."""
        key = _key(kind, parts)
        self._used.add(key)
        return self._entries.get(key)

    def put(self, kind: str, value: Any, *parts: str) -> None:
        key = _key(kind, parts)
        self._entries[key] = value
        self._used.add(key)
        self._changed = True

    def save(self) -> None:
        """Write the entries back if any was added: those this process used, then the others
        (a run of some models keeps the rest's for the next run of all) up to KEPT_ENTRIES.
        A file of other code (an older sqlglot, an upgrade) was not read: it does not grow
        with every upgrade. A file that cannot be written is left (the next run computes)."""
        if self.path is None or not self._changed:
            return
        written = self.path.with_name(f".{self.path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}")
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            everything = list(self._entries.items())  # one step: a server's threads may add
            entries = {key: value for key, value in everything if key in self._used}
            for key, value in everything:
                if len(entries) >= KEPT_ENTRIES:
                    break
                entries.setdefault(key, value)
            written.write_text(json.dumps({"format": FORMAT, "code": _code(),
                                           "entries": entries}), "utf-8")
            written.chmod(0o600)  # what a run executes: no one else's to edit
            os.replace(written, self.path)
            self._changed = False
        except OSError:
            written.unlink(missing_ok=True)


_active = SqlCache()


def active() -> SqlCache:
    """The cache this process uses: in memory, unless `keep_in` gave it a file."""
    return _active


def keep_in(path: Path) -> SqlCache:
    """Use (and later `save` to) the file at `path`."""
    global _active
    if _active.path != path:
        _active = SqlCache(path)
    return _active


def _read(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if (not isinstance(document, dict) or document.get("format") != FORMAT
            or document.get("code") != _code() or not isinstance(document.get("entries"), dict)):
        return {}  # damaged, or of other code: none of its keys could be asked for
    entries: dict[str, Any] = document["entries"]
    return entries


def _key(kind: str, parts: tuple[str, ...]) -> str:
    return hashlib.sha256("\0".join((kind, _code(), *parts)).encode()).hexdigest()


@cache
def _code() -> str:
    """sqlglot's version (from its metadata: importing it is what a kept entry saves) and
    the code that parses and renders."""
    try:
        version = metadata.version("sqlglot")
    except metadata.PackageNotFoundError:
        version = ""
    here = Path(__file__).parent
    digest = hashlib.sha256(f"{FORMAT} {version}".encode())
    for name in ("sql_cache.py", "registry.py", "sql_tree.py", "output.py"):
        digest.update((here / name).read_bytes())
    return digest.hexdigest()
