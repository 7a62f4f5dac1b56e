"""The data contract in code: datasets, header synonyms and the program catalog."""

from sunlight.contract.catalog import Catalog, Program, load_catalog
from sunlight.contract.datasets import DATASETS, Column, Dataset, dataset

__all__ = ["DATASETS", "Catalog", "Column", "Dataset", "Program", "dataset", "load_catalog"]
