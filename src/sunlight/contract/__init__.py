"""The data contract in code: datasets, header synonyms and the program catalog.

The catalog (and pydantic with it) is imported when first asked for: the processes that read
spreadsheets need the datasets alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sunlight.contract.datasets import DATASETS, Column, Dataset, dataset

if TYPE_CHECKING:
    from sunlight.contract.catalog import Catalog, Program, load_catalog

__all__ = ["DATASETS", "Catalog", "Column", "Dataset", "Program", "dataset", "load_catalog"]
_FROM_CATALOG = frozenset({"Catalog", "Program", "load_catalog"})


def __getattr__(name: str) -> Any:
    if name in _FROM_CATALOG:
        from sunlight.contract import catalog

        return getattr(catalog, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
