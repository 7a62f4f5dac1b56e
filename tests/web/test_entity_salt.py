"""The entity pages' secret, made once however many server workers start together."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from sunlight.appdb.database import make_engine, session_factory, upgrade
from sunlight.web.entity_href import stored_salt

WORKERS = 6


@pytest.mark.parametrize("attempt", range(3))  # a race: more tries, more chances to lose it
def test_workers_starting_together_on_a_new_database_share_one_secret(tmp_path: Path,
                                                                      attempt: int):
    url = f"sqlite:///{tmp_path / 'sunlight.db'}"
    upgrade(url)
    engines = [make_engine(url) for _ in range(WORKERS)]
    start = threading.Barrier(WORKERS)
    salts: list[str] = []
    failures: list[BaseException] = []

    def worker(index: int) -> None:
        start.wait()
        try:
            salts.append(stored_salt(session_factory(engines[index])))
        except BaseException as exc:  # the test reports what a worker hit
            failures.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for engine in engines:
        engine.dispose()
    assert failures == []
    assert len(salts) == WORKERS and len(set(salts)) == 1
