"""Reading a table for a dataset spec from CSV, with errors that name the file."""

from __future__ import annotations

import csv
import os

import pandas as pd

from .._validation import check_path
from ..errors import FileFormatError

__all__ = ["read_csv"]


def read_csv(path, spec=None, *, require_columns: bool = True, **read_csv_kwargs) -> pd.DataFrame:
    """Read a CSV file; every problem is an error naming the file.

    Parameters
    ----------
    path : str or os.PathLike
        A UTF-8 CSV file with a header line.
    spec : DatasetSpec, optional
        With a spec, id, date and one-hot columns are read as the strings in the
        file (``pandas.read_csv`` would turn the id ``"0123"`` into 123) and every
        column the spec names must be present.
    require_columns : bool
        With False, columns of the spec may be missing (new rows to predict have
        no target column).
    **read_csv_kwargs
        Passed to ``pandas.read_csv``.

    Returns
    -------
    DataFrame

    Raises
    ------
    FileNotFoundError
        When there is no such file.
    pyneural.errors.FileFormatError
        For a file that is not UTF-8, has no header, repeats a column name, lacks
        a column of the spec, has no rows or cannot be parsed.
    """
    path = check_path(path, "path")
    if not path.is_file():
        raise FileNotFoundError(f"data: no such file {os.fspath(path)!r}")
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            header = next(csv.reader(fh), None)
    except UnicodeDecodeError as exc:
        raise FileFormatError(f"{path}: not a UTF-8 text CSV file ({exc.reason})") from None
    if not header:
        raise FileFormatError(f"{path}: the file is empty (no header line)")
    seen, dups = set(), []
    for name in header:
        if name in seen:
            dups.append(name)
        seen.add(name)
    if dups:
        raise FileFormatError(f"{path}: duplicate column name(s) {sorted(set(dups))}")
    text_cols = {}
    if spec is not None:
        missing = [c for c in spec.features if c not in header]
        if missing and require_columns:
            raise FileFormatError(f"{path}: column(s) {missing} of the dataset spec are missing from the file")
        for name, feat in spec.features.items():
            if name in header and (feat.role == "id" or feat.date_format or feat.one_hot):
                text_cols[name] = "str"
    if text_cols:
        read_csv_kwargs["dtype"] = {**text_cols, **(read_csv_kwargs.get("dtype") or {})}
    try:
        df = pd.read_csv(path, **read_csv_kwargs)
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - pandas raises many types for malformed text
        raise FileFormatError(f"{path}: cannot be read as CSV ({type(exc).__name__}: {exc})") from None
    if len(df) == 0:
        raise FileFormatError(f"{path}: the file has a header but no rows")
    return df
