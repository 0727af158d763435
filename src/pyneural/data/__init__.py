"""Datasets, dataset specs and preprocessing pipelines."""

from . import datasets

__all__ = ["datasets"]
