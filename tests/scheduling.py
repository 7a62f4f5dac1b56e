"""How pytest-xdist shares the tests out between its workers (scripts/test.sh: `-n` cores).

By module, as `--dist loadscope` does, so that a module's expensive shared fixture (a county
generated, ingested or detected, a Spark session) is built by one worker only: but with the
two modules that start Spark in one unit, as two JVMs at once would crowd a small machine,
and the units known to take minutes handed out first, so that no worker is left with one of
them at the end while the other idles. (`--dist loadgroup` would do the grouping by mark, but
pytest 9.2 ignores the node ids it rewrites: pytest-dev/pytest-xdist#1386.)
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from xdist.scheduler import LoadScopeScheduling

SPARK = "spark"
TOGETHER = {
    "tests/warehouse/test_spark_parity.py": SPARK,
    "tests/benchmarks/test_spark_standalone.py": SPARK,
}
"""Modules that run in one unit, by the unit's name."""
FIRST = (SPARK, "tests/web/test_api_schema.py", "tests/entities/test_scoped_build.py",
         "tests/cli/test_serve.py")
"""The units that take longest (benchmarks/RESULTS.md, "CI time"), longest first."""


class _LongestFirst(OrderedDict[str, Any]):
    def __setitem__(self, unit: str, tests: Any) -> None:
        super().__setitem__(unit, tests)
        for first in reversed(FIRST):
            if first in self:
                self.move_to_end(first, last=False)


class ModuleScheduling(LoadScopeScheduling):
    """Units of work: modules, the Spark ones together; the longest first."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workqueue = _LongestFirst()

    def _split_scope(self, nodeid: str) -> str:
        module = nodeid.split("::", 1)[0]
        return TOGETHER.get(module, module)
