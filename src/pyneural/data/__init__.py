"""Tabular data: dataset specs, the preprocessing pipeline and built-in datasets.

``DatasetSpec`` says which columns a table has and what happens to each;
``Pipeline`` runs it over pandas DataFrames (fit on training rows, transform,
revert column by column) and hands ``X``, ``y`` arrays to the networks.
"""

from . import datasets
from .io import read_csv
from .pipeline import Arrays, Pipeline
from .spec import BULK_OPTIONS, ROLES, BulkOption, DatasetSpec, Feature, Map

__all__ = ["DatasetSpec", "Feature", "Map", "BulkOption", "ROLES", "BULK_OPTIONS", "Pipeline", "Arrays",
           "datasets", "read_csv"]
