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

FORMAT = "model-sql 1"


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
        """Write back the entries this process used, if any was added or one was not used (an
        older sqlglot's, a model since changed: the file does not grow with every upgrade); a
        file that cannot be written is left (the next run computes again)."""
        if self.path is None or not (self._changed or set(self._entries) - self._used):
            return
        written = self.path.with_name(f".{self.path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}")
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            entries = {key: value for key, value in list(self._entries.items())
                       if key in self._used}  # one step: a server's other threads may add
            written.write_text(json.dumps({"format": FORMAT, "entries": entries}), "utf-8")
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
            or not isinstance(document.get("entries"), dict)):
        return {}
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
