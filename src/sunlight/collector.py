"""Python's cycle collector, paused where a burst of objects holds no cycles to collect.

Imports, and the cells of a big spreadsheet, make hundreds of thousands of objects and no
garbage: the collector would walk them again and again, for nothing. This module imports
nothing heavy, so the command line can use it before anything else is loaded.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """The cycle collector off for a while; as it was afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
