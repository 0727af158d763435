"""Checks of user input shared by the public API. Errors name the argument."""

from __future__ import annotations

import math
import numbers
import os
from pathlib import Path

import numpy as np

from .errors import InvalidTypeError, InvalidValueError

__all__ = [
    "check_path",
    "check_choice",
    "check_seed",
    "check_positive_int",
    "check_positive_float",
    "check_fraction",
    "as_float_matrix",
]


def _all_finite(arr: np.ndarray) -> bool:
    """No NaN or infinity in arr: the engine's vectorised bit test for float32 and
    float64 matrices (no temporary boolean array, a third of NumPy's time on a
    60,000 x 784 batch), NumPy's isfinite otherwise."""
    if arr.ndim == 2 and arr.dtype in (np.float32, np.float64) and arr.dtype.isnative:
        from . import _core

        try:
            return bool(_core.all_finite(arr))
        except ValueError:  # a layout the kernel does not read: let NumPy decide
            pass
    return bool(np.isfinite(arr).all())


def _short(value, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_path(value, name: str) -> Path:
    """A file or folder path given as a str or an os.PathLike (not bytes, not empty)."""
    if not isinstance(value, (str, os.PathLike)):
        raise InvalidTypeError(f"{name}: expected a path (str or os.PathLike), got "
                               f"{type(value).__name__} {_short(value)}")
    text = os.fspath(value)
    if not isinstance(text, str) or text == "":  # a PathLike may return bytes
        raise InvalidValueError(f"{name}: expected a path, got {_short(value)}")
    return Path(text)


def check_seed(seed, name: str = "seed"):
    """None or an integer >= 0 (what numpy.random.default_rng takes, minus the exotic forms)."""
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise InvalidValueError(f"{name}: expected None or an integer >= 0, got {_short(seed)}")
    return int(seed)


def check_choice(value, name: str, choices) -> str:
    """One of the strings ``choices`` (a value of another type is named, not compared)."""
    if not isinstance(value, str) or value not in choices:
        raise InvalidValueError(f"{name}: expected one of {list(choices)}, got {_short(value)}")
    return value


#: Largest layer width (inputs or units) accepted: an absurd size gets an error naming
#: the argument rather than NumPy's "maximum supported dimension" or a MemoryError.
MAX_WIDTH = 2**31 - 1


def check_positive_int(value, name: str, minimum: int = 1, maximum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InvalidTypeError(f"{name}: expected an integer, got {type(value).__name__} {_short(value)}")
    if value < minimum:
        raise InvalidValueError(f"{name}: expected an integer >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise InvalidValueError(f"{name}: expected an integer <= {maximum}, got {value}")
    return int(value)


def check_positive_float(value, name: str, allow_zero: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidTypeError(f"{name}: expected a number, got {type(value).__name__} {value!r}")
    value = float(value)
    if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise InvalidValueError(f"{name}: expected a finite number {bound}, got {value}")
    return value


def check_fraction(value, name: str, *, low_open: bool = False, high_open: bool = True) -> float:
    """A float in [0, 1) by default (bounds open/closed as given)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidTypeError(f"{name}: expected a number, got {type(value).__name__} {value!r}")
    value = float(value)
    low_ok = value > 0 if low_open else value >= 0
    high_ok = value < 1 if high_open else value <= 1
    if not (math.isfinite(value) and low_ok and high_ok):
        interval = ("(" if low_open else "[") + "0, 1" + (")" if high_open else "]")
        raise InvalidValueError(f"{name}: expected a number in {interval}, got {value}")
    return value


def as_float_matrix(
    x, name: str, dtype, *, columns: int | None = None, allow_1d_column: bool = False, finite: bool = True
) -> np.ndarray:
    """Convert ``x`` to a C-contiguous 2-D array of ``dtype`` with finite values.

    ``allow_1d_column`` turns a 1-D array into one column (targets ``y``); a 1-D
    ``X`` is an error, as in scikit-learn, because it is ambiguous. ``finite=False``
    skips the finiteness pass, for callers whose consumer checks it itself.
    """
    if x is None:
        raise InvalidTypeError(f"{name}: expected an array, got None")
    if hasattr(x, "columns") and hasattr(x, "dtypes"):  # a DataFrame: name the bad column
        if columns is not None and len(x.columns) != columns:
            raise InvalidValueError(f"{name}: expected {columns} feature column(s), got {len(x.columns)}")
        from pandas.api.types import is_bool_dtype, is_numeric_dtype

        for col, dt in x.dtypes.items():
            if not (is_numeric_dtype(dt) or is_bool_dtype(dt)):
                raise InvalidTypeError(f"{name}: column {col!r} is not numeric (dtype {dt})")
        x = x.to_numpy(dtype=np.float64, na_value=np.nan)
    elif hasattr(x, "to_numpy") and not isinstance(x, np.ndarray):  # a Series
        x = x.to_numpy()
    try:
        arr = np.asarray(x)
    except Exception as exc:  # noqa: BLE001 - ragged lists and the like
        raise InvalidValueError(f"{name}: cannot be converted to an array ({exc})") from exc
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise InvalidTypeError(
                f"{name}: expected numeric values, got dtype {arr.dtype}"
            ) from exc
    if np.iscomplexobj(arr):
        raise InvalidTypeError(f"{name}: expected real numbers, got dtype {arr.dtype}")
    if arr.ndim == 1 and allow_1d_column:
        arr = arr.reshape(-1, 1)
    if arr.ndim != 2:
        hint = " (use x.reshape(-1, 1) for a single feature)" if arr.ndim == 1 else ""
        raise InvalidValueError(f"{name}: expected a 2-D array, got shape {arr.shape}{hint}")
    if columns is not None and arr.shape[1] != columns:
        raise InvalidValueError(
            f"{name}: expected {columns} feature column(s), got shape {arr.shape}"
        )
    with np.errstate(over="ignore"):  # a value beyond float32 becomes inf: reported below
        arr = np.ascontiguousarray(arr, dtype=dtype)
    if finite and not _all_finite(arr):
        bad = np.argwhere(~np.isfinite(arr))[0]
        raise InvalidValueError(
            f"{name}: contains NaN or infinite values (first at row {bad[0]}, column {bad[1]})"
        )
    return arr
