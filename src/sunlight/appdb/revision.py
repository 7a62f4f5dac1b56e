"""Write the next migration from the models: `python -m sunlight.appdb.revision "add users"`.

Alembic compares the models with a scratch SQLite database at the newest revision and writes
what differs into `migrations/versions/NNNN_<message>.py`. Read it through before committing:
autogenerate misses renames and some PostgreSQL-only details.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory

from sunlight.appdb.database import MIGRATIONS, alembic_config, make_engine, upgrade_connection


def new_revision(message: str, migrations: Path = MIGRATIONS) -> Path:
    """Autogenerate the next numbered revision; returns its file."""
    with tempfile.TemporaryDirectory() as scratch:
        engine = make_engine(f"sqlite:///{scratch}/head.db")
        try:
            with engine.begin() as connection:
                config = alembic_config(connection, migrations)
                upgrade_connection(config)
                head = ScriptDirectory.from_config(config).get_current_head()
                number = f"{int(head or 0) + 1:04d}"
                script = command.revision(config, message, autogenerate=True, rev_id=number)
        finally:
            engine.dispose()
    assert script is not None and not isinstance(script, list)
    return Path(script.path)


if __name__ == "__main__":
    print(new_revision(" ".join(sys.argv[1:]) or "change"))
