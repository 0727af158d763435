"""The pipeline's steps, one class per step, each over a pandas DataFrame.

Every step has ``fit(df)``, ``transform(df)`` and ``inverse_transform(df)``, returns
new frames (the input is never modified) and keeps the row index. Inverses work
column by column on whichever of the step's columns are present, so a frame that
holds only a predicted column can be reverted on its own.

=================  =========  ==================================================
step               stateful   inverse
=================  =========  ==================================================
OneHot             yes        argmax back to the category (needs all its columns)
ExtractMonth       no         drops ``<date>_month``
ExtractTimestamp   no         drops ``<date>_timestamp``; rebuilds the date string
                              from it when the date column is absent
MapValues          no         none: the replaced values are lost (identity)
Log10              no         ``10 ** x``
Square             no         drops ``<name>^2``
FilterOutliers     yes        none: removed rows are lost (identity on kept rows)
Normalize          yes        ``x * scale + min``
=================  =========  ==================================================
"""

from __future__ import annotations

import copy
import math
import numbers
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..errors import InvalidTypeError, InvalidValueError, NotFittedError

__all__ = ["Step", "OneHot", "ExtractMonth", "ExtractTimestamp", "MapValues", "Log10", "Square",
           "FilterOutliers", "Normalize", "parse_dates"]


def py(value):
    """A NumPy scalar as the Python scalar it holds (so messages read ``6``, not ``np.int64(6)``)."""
    return value.item() if isinstance(value, np.generic) else value


def _first(mask: pd.Series) -> str:
    """``"n row(s), first at row <label>"`` for a boolean mask with at least one True."""
    return f"{int(mask.sum())} row(s), first at row {py(mask.idxmax())!r}"


def _append(df: pd.DataFrame, new: dict) -> pd.DataFrame:
    """``df`` with columns ``new`` appended in one concat (no frame fragmentation)."""
    return pd.concat([df, pd.DataFrame(new, index=df.index)], axis=1) if new else df


def _float(df: pd.DataFrame, column: str) -> np.ndarray:
    return df[column].to_numpy(dtype=np.float64)


class Step:
    """One pipeline step acting on ``columns`` (see the module table)."""

    stateful = False
    #: ``inverse_transform(transform(df))`` gives ``df`` back (up to rounding).
    revertible = True

    def __init__(self, columns=()):
        self.columns = tuple(columns)

    def __bool__(self):
        return bool(self.columns)

    def fit(self, df: pd.DataFrame) -> "Step":
        return self

    def transform(self, df: pd.DataFrame) -> pd.DataFrame:  # pragma: no cover - abstract
        raise NotImplementedError

    def inverse_transform(self, df: pd.DataFrame) -> pd.DataFrame:
        return df

    def get_state(self) -> dict:
        """Fitted parameters as JSON-ready data (empty for stateless steps)."""
        return {}

    def set_state(self, state: dict, where: str = "state") -> "Step":
        return self

    def __repr__(self):
        return f"{type(self).__name__}({list(self.columns)!r})"


class _Fitted(Step):
    stateful = True
    _state_keys: tuple[str, ...] = ()

    @property
    def fitted(self) -> bool:
        return all(getattr(self, k, None) is not None for k in self._state_keys)

    def _check_fitted(self):
        if not self.fitted:
            raise NotFittedError(f"{type(self).__name__} is not fitted; call fit() first")

    def _check_rows(self, df):
        if len(df) == 0:
            raise InvalidValueError(f"{type(self).__name__}.fit: the frame has no rows")

    def get_state(self) -> dict:
        self._check_fitted()
        return copy.deepcopy({k.rstrip("_"): getattr(self, k) for k in self._state_keys})

    def set_state(self, state: dict, where: str = "state") -> "Step":
        """Restore parameters saved by :meth:`get_state`; a bad document raises an
        error naming the field (``where`` names the document) and changes nothing."""
        for k, v in self._parse_state(state, where).items():
            setattr(self, k, v)
        return self

    def _parse_state(self, state, where: str) -> dict:
        """The attributes a :meth:`get_state` document sets, checked and copied."""
        if not isinstance(state, Mapping):
            raise InvalidTypeError(f"{where}: expected a mapping, got {type(state).__name__}")
        keys = [k.rstrip("_") for k in self._state_keys]
        unknown = sorted(str(k) for k in state if k not in keys)
        if unknown:
            raise InvalidValueError(f"{where}: unknown field(s) {unknown}; {type(self).__name__} has {keys}")
        parsed = {}
        for attr, key in zip(self._state_keys, keys):
            if key not in state:
                raise InvalidValueError(f"{where}: missing field {key!r}")
            per_column = state[key]
            field = f"{where}[{key!r}]"
            if not isinstance(per_column, Mapping):
                raise InvalidTypeError(f"{field}: expected a mapping of column -> value, got "
                                       f"{type(per_column).__name__}")
            missing = [c for c in self.columns if c not in per_column]
            if missing:
                raise InvalidValueError(f"{field}: missing column(s) {missing}")
            extra = sorted(str(c) for c in per_column if c not in self.columns)
            if extra:
                raise InvalidValueError(f"{field}: column(s) {extra} are not among this step's columns")
            parsed[attr] = {c: self._state_value(key, per_column[c], f"{field}[{c!r}]") for c in self.columns}
        return parsed

    def _state_value(self, key: str, value, where: str):  # pragma: no cover - abstract
        raise NotImplementedError


def _state_number(value, where: str) -> float:
    """A JSON number (not a bool, not NaN) as a float."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidTypeError(f"{where}: expected a number, got {type(value).__name__}")
    value = float(value)
    if math.isnan(value):
        raise InvalidValueError(f"{where}: expected a number, got NaN")
    return value


class OneHot(_Fitted):
    """Replace each column by ``<name>=<category>`` 0/1 columns, categories sorted.

    Categories are the distinct values seen by ``fit``; a value not seen then
    encodes as all zeros. Numeric columns sort numerically, others as strings.
    """

    _state_keys = ("categories_",)

    def _state_value(self, key, value, where):
        if not isinstance(value, list):
            raise InvalidTypeError(f"{where}: expected a list of categories, got {type(value).__name__}")
        for i, v in enumerate(value):
            if not isinstance(v, (str, int, float)) or (isinstance(v, float) and math.isnan(v)):
                raise InvalidValueError(f"{where}[{i}]: expected a category (string or number), got {v!r}")
        if len({(type(v) is str, v) for v in value}) != len(value):
            raise InvalidValueError(f"{where}: categories repeat")
        return list(value)

    def fit(self, df):
        self._check_rows(df)
        cats = {}
        for c in self.columns:
            values = pd.unique(df[c].dropna())
            key = None if pd.api.types.is_numeric_dtype(df[c]) else str
            cats[c] = [v.item() if hasattr(v, "item") else v for v in sorted(values, key=key)]
            clash = [f"{c}={v}" for v in cats[c] if f"{c}={v}" in df.columns]
            if clash:
                raise InvalidValueError(f"one-hot column {clash[0]!r} clashes with an existing column")
        self.categories_ = cats
        return self

    def transform(self, df):
        self._check_fitted()
        new = {}
        for c in df.columns:
            if c in self.columns:
                for v in self.categories_[c]:
                    new[f"{c}={v}"] = (df[c] == v).to_numpy(dtype=np.float64)
            else:
                new[c] = df[c]
        return pd.DataFrame(new, index=df.index)

    def inverse_transform(self, df):
        groups = {}  # first indicator column present -> (source column, all its indicators)
        for c in self.columns:
            if not any(isinstance(col, str) and col.startswith(f"{c}=") for col in df.columns):
                continue
            self._check_fitted()
            names = [f"{c}={v}" for v in self.categories_[c]]
            if names and all(n in df.columns for n in names):
                first = next(col for col in df.columns if col in set(names))
                groups[first] = (c, names)
        if not groups:
            return df
        dropped = {n for _, names in groups.values() for n in names}
        out = {}
        for col in df.columns:
            if col in groups:
                c, names = groups[col]
                onehot = df[names].to_numpy(dtype=np.float64)
                labels = np.array(self.categories_[c] + [None], dtype=object)
                # All-zero rows (a category unseen by fit) come back as missing.
                pick = np.where(onehot.max(axis=1) > 0, onehot.argmax(axis=1), len(names))
                out[c] = pd.Series(list(labels[pick]), index=df.index).infer_objects()
            elif col not in dropped:
                out[col] = df[col]
        return pd.DataFrame(out, index=df.index)


def parse_dates(series: pd.Series, fmt: str, column: str) -> pd.Series:
    """Parse ``series`` with strftime format ``fmt``; an error names ``column`` and a bad row."""
    if pd.api.types.is_datetime64_any_dtype(series):
        return series
    text = series if not pd.api.types.is_numeric_dtype(series) else series.astype("str")
    # Offsets (%z) may differ between rows: read them all as UTC.
    dt = pd.to_datetime(text, format=fmt, errors="coerce", utc="%z" in fmt or "%Z" in fmt)
    bad = dt.isna() & series.notna()
    if bad.any():
        raise InvalidValueError(f"column {column!r}: {_first(bad)} do not match date_format {fmt!r} "
                                f"(e.g. {py(series[bad].iloc[0])!r})")
    return dt


def _unix_seconds(dt: pd.Series) -> pd.Series:
    # Aware datetimes count from the UTC epoch; naive ones are read as UTC.
    epoch = pd.Timestamp(0, tz="UTC") if dt.dt.tz is not None else pd.Timestamp(0)
    return ((dt - epoch) // pd.Timedelta(seconds=1)).astype("int64")


class ExtractMonth(Step):
    """Add ``<date>_month`` = month of the date (1..12). ``items``: (date, format, name)."""

    def __init__(self, items=()):
        self.items = tuple(items)
        super().__init__(name for _, _, name in self.items)

    def transform(self, df):
        return _append(df, {name: parse_dates(df[src], fmt, src).dt.month.astype("int64")
                            for src, fmt, name in self.items})

    def inverse_transform(self, df):
        return df.drop(columns=[c for c in self.columns if c in df.columns])


class ExtractTimestamp(ExtractMonth):
    """Add ``<date>_timestamp`` = unix seconds of the date. ``items``: (date, format, name).

    The inverse drops the column, and rebuilds the date string from it
    (``strftime(format)``) when the date column itself is absent and the format
    has no time zone: exact for formats with second resolution.
    """

    def transform(self, df):
        return _append(df, {name: _unix_seconds(parse_dates(df[src], fmt, src))
                            for src, fmt, name in self.items})

    def inverse_transform(self, df):
        rebuilt = {}
        for src, fmt, name in self.items:
            if name in df.columns and src not in df.columns and "%z" not in fmt and "%Z" not in fmt:
                seconds = np.rint(_float(df, name)).astype("int64")
                rebuilt[src] = pd.to_datetime(seconds, unit="s").strftime(fmt)
        return _append(super().inverse_transform(df), rebuilt)


class MapValues(Step):
    """Replace values in selected rows (:class:`~pyneural.data.spec.Map`); others are kept.

    Not revertible: the inverse is the identity. ``items``: (column, Map) applied in order,
    so a later map sees the result of an earlier one.
    """

    revertible = False

    def __init__(self, items=()):
        self.items = tuple(items)
        super().__init__(c for c, _ in self.items)

    def transform(self, df):
        out = df.copy(deep=False)
        for c, m in self.items:
            col = out[c]
            numeric = pd.api.types.is_numeric_dtype(col)
            if m.selects_all:
                mask = pd.Series(True, index=out.index)
            else:
                if numeric and isinstance(m.equal, str):
                    raise InvalidTypeError(f"column {c!r}: map selects rows equal to the string "
                                           f"{m.equal!r} but the column is numeric ({col.dtype})")
                mask = col == m.equal
            repl = out[m.feature] if m.feature is not None else m.value
            repl_numeric = (pd.api.types.is_numeric_dtype(repl) if m.feature is not None
                            else not isinstance(repl, str))
            if numeric and not repl_numeric:
                what = f"column {m.feature!r}" if m.feature is not None else repr(repl)
                raise InvalidTypeError(f"column {c!r}: map would put non-numeric values ({what}) "
                                       "into a numeric column")
            out[c] = col.mask(mask, repl)
        return out


class Log10(Step):
    """Replace x by log10(x); every value must be positive. Inverse: 10 ** x."""

    def transform(self, df):
        out = df.copy(deep=False)
        for c in self.columns:
            x = _float(df, c)
            bad = ~(x > 0)
            if bad.any():
                mask = pd.Series(bad, index=df.index)
                raise InvalidValueError(f"column {c!r}: log10 needs positive values, got {_first(mask)} "
                                        f"<= 0 (e.g. {py(x[bad][0])!r})")
            out[c] = np.log10(x)
        return out

    def inverse_transform(self, df):
        out = df.copy(deep=False)
        for c in self.columns:
            if c in df.columns:
                out[c] = 10.0 ** _float(df, c)
        return out


class Square(Step):
    """Add ``<name>^2`` = x * x (float64). ``items``: (column, name). Inverse drops it."""

    def __init__(self, items=()):
        self.items = tuple(items)
        super().__init__(name for _, name in self.items)

    def transform(self, df):
        return _append(df, {name: _float(df, src) ** 2 for src, name in self.items})

    def inverse_transform(self, df):
        return df.drop(columns=[c for c in self.columns if c in df.columns])


class FilterOutliers(_Fitted):
    """Drop rows outside Tukey's fences [Q1 - 1.5 IQR, Q3 + 1.5 IQR] of any column.

    ``fit`` computes Q1 and Q3 (linear interpolation, as ``numpy.percentile``) on
    its rows; ``transform`` keeps exactly the rows inside every fence (bounds
    included) and keeps their index. The inverse is the identity.
    """

    _state_keys = ("fences_",)
    revertible = False

    def _state_value(self, key, value, where):
        if not isinstance(value, (list, tuple)) or len(value) != 2:
            raise InvalidValueError(f"{where}: expected [low, high], got {value!r}")
        lo, hi = (_state_number(v, f"{where}[{i}]") for i, v in enumerate(value))
        if lo > hi:
            raise InvalidValueError(f"{where}: low fence {lo!r} is above high fence {hi!r}")
        return [lo, hi]

    def fit(self, df):
        self._check_rows(df)
        self.fences_ = {}
        for c in self.columns:
            q1, q3 = np.percentile(_float(df, c), [25.0, 75.0])
            iqr = q3 - q1
            self.fences_[c] = [float(q1 - 1.5 * iqr), float(q3 + 1.5 * iqr)]
        return self

    def transform(self, df):
        self._check_fitted()
        keep = np.ones(len(df), dtype=bool)
        for c in self.columns:
            if c in df.columns:
                lo, hi = self.fences_[c]
                x = _float(df, c)
                keep &= (x >= lo) & (x <= hi)
        return df if keep.all() else df.loc[keep]


class Normalize(_Fitted):
    """Min-max scaling ``x' = (x - min) / scale`` with ``scale = max - min``.

    A constant column gets ``scale = 1`` so it maps to 0, never NaN. Rows not seen by
    ``fit`` may fall outside [0, 1]. Inverse: ``x = x' * scale + min``.
    """

    _state_keys = ("min_", "scale_")

    def _state_value(self, key, value, where):
        x = _state_number(value, where)
        if key == "min" and not math.isfinite(x):
            raise InvalidValueError(f"{where}: expected a finite number, got {x!r}")
        if key == "scale" and not x > 0:
            raise InvalidValueError(f"{where}: expected a positive scale, got {x!r}")
        return x

    def fit(self, df):
        self._check_rows(df)
        self.min_, self.scale_ = {}, {}
        for c in self.columns:
            x = _float(df, c)
            lo, hi = float(x.min()), float(x.max())
            self.min_[c] = lo
            self.scale_[c] = hi - lo if hi > lo else 1.0
        return self

    def transform(self, df):
        self._check_fitted()
        out = df.copy(deep=False)
        for c in self.columns:
            out[c] = (_float(df, c) - self.min_[c]) / self.scale_[c]
        return out

    def inverse_transform(self, df):
        present = [c for c in self.columns if c in df.columns]
        if not present:
            return df
        self._check_fitted()
        out = df.copy(deep=False)
        for c in present:
            out[c] = _float(df, c) * self.scale_[c] + self.min_[c]
        return out
