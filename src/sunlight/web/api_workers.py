"""The threads the API screens in: batches in a pool of `api_screenings_at_once`, applications
in one thread beside it (so that one waits on no batch), and the warm application screener.

Pools of their own rather than the event loop's shared one: they bound how many screenings
run at once (each holds a DuckDB engine and its memory), which the shared pool, sized for
every blocking call of the server, does not.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from sunlight.screening.application import ApplicationScreener
from sunlight.settings import Settings

Result = TypeVar("Result")


class ApiWorkers:
    """One per server process; `close` when it stops."""

    def __init__(self, settings: Settings) -> None:
        self.batches = ThreadPoolExecutor(settings.api_screenings_at_once,
                                          thread_name_prefix="sunlight-screen")
        self.applications = ThreadPoolExecutor(1, thread_name_prefix="sunlight-application")
        self._settings = settings
        self._screener: ApplicationScreener | None = None

    @property
    def application_screener(self) -> ApplicationScreener:
        """Made by the first application (only the application thread asks for it): most
        processes never screen one, and making it renders every model's query."""
        if self._screener is None:
            self._screener = ApplicationScreener(self._settings)
        return self._screener

    def close(self) -> None:
        self.batches.shutdown(cancel_futures=True)
        self.applications.shutdown(cancel_futures=True)
        if self._screener is not None:
            self._screener.close()


async def in_pool(pool: ThreadPoolExecutor, work: Callable[[], Result]) -> Result:
    """`work` done in one of `pool`'s threads, the event loop serving others meanwhile."""
    return await asyncio.wrap_future(pool.submit(work))
