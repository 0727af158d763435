"""The preprocessing pipeline: a dataset spec run over pandas DataFrames.

Steps follow the report's order (one-hot, month, timestamp, map, log10, square,
filter outliers, normalize) and fall into three stages:

1. **stateless** (month, timestamp, map, log10, square): a function of each row
   alone; run once on the whole table (optionally cached on disk);
2. **row filter** (filter outliers): fences computed on the rows it is fit on and
   applied before any train/validation split, so every kept row is in one fold;
3. **stateful** (one-hot categories, min/max): fit on training rows only, then
   applied to any rows, so no validation information reaches the fitted state.

One-hot runs in stage 3 although the report lists it first: no other step may
touch a one-hot column (the spec forbids it), so the result is the same.

Typical k-fold use::

    pipe = Pipeline(spec)
    table = pipe.prepare(df)                    # stages 1 and 2, once
    for train, val in folds:                    # row positions in `table`
        fold = pipe.fit_stateful(table.iloc[train])       # a new fitted Pipeline
        X, y, ids = fold.to_arrays(fold.transform_stateful(table.iloc[train]))
        Xv, yv, idv = fold.to_arrays(fold.transform_stateful(table.iloc[val]))
        dollars = fold.inverse_outputs(net.predict(Xv))   # DataFrame, original units
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InvalidTypeError, InvalidValueError, NotFittedError
from .cache import StatelessCache, cache_key
from .spec import DatasetSpec
from .transforms import (ExtractMonth, ExtractTimestamp, FilterOutliers, Log10, MapValues,
                         Normalize, OneHot, Square, py)

__all__ = ["Pipeline", "Arrays"]


@dataclass(frozen=True, eq=False)
class Arrays:
    """Model arrays of a frame; unpacks as ``X, y, ids = arrays``.

    Returned by :meth:`~pyneural.Pipeline.to_arrays`; the parameters are its attributes.

    Attributes
    ----------
    X : ndarray, shape (n, inputs)
        C-contiguous float32 or float64.
    y : ndarray, shape (n, outputs)
    ids : ndarray, shape (n,)
        The id column's values (as in the frame), or the row index if the spec has no id.
    input_names, output_names : list of str
        Column names of ``X`` and ``y``.
    index : ndarray, shape (n,)
        The frame's row labels: unique where ids may not be (a house sold twice).
    """

    X: np.ndarray
    y: np.ndarray
    ids: np.ndarray
    input_names: list
    output_names: list
    index: np.ndarray

    def __iter__(self):
        return iter((self.X, self.y, self.ids))


def _check_frame(df, plan) -> None:
    """Errors that name the column for frames entering the pipeline."""
    if not isinstance(df, pd.DataFrame):
        raise InvalidTypeError(f"df: expected a pandas DataFrame, got {type(df).__name__}")
    if df.columns.has_duplicates:
        dup = sorted({str(c) for c in df.columns[df.columns.duplicated()]})
        raise InvalidValueError(f"df: duplicate column name(s) {dup}")
    if len(df) == 0:
        raise InvalidValueError("df: the frame has no rows")
    missing = [c for c in plan.raw if c not in df.columns]
    if missing:
        raise InvalidValueError(f"df: column(s) {missing} of the dataset spec are missing from the frame")
    for c in plan.required:
        na = df[c].isna()
        if na.any():
            raise InvalidValueError(f"column {c!r}: {int(na.sum())} missing value(s), first at row "
                                    f"{py(na.idxmax())!r}")
    for c in plan.numeric:
        dtype = df[c].dtype
        if not pd.api.types.is_numeric_dtype(dtype):
            raise InvalidTypeError(f"column {c!r}: expected numbers, got dtype {dtype}; make it "
                                   "one_hot, give it a date_format or set its role to \"unused\"")
        inf = np.isinf(df[c].to_numpy(dtype=np.float64))
        if inf.any():
            raise InvalidValueError(f"column {c!r}: {int(inf.sum())} infinite value(s), first at row "
                                    f"{py(df.index[inf.argmax()])!r}")


class Pipeline:
    """Run a :class:`DatasetSpec` over DataFrames; fit, transform and revert.

    Parameters
    ----------
    spec : DatasetSpec or dict
        Validated (a dict goes through ``DatasetSpec.from_dict``). The pipeline keeps a copy.
    cache_dir : str or os.PathLike, optional
        Folder for the on-disk cache of the stateless stage (see :mod:`pyneural.data.cache`).

    Notes
    -----
    Every method returns new frames and keeps the row index; none modifies its input.
    ``fit``/``prepare`` change the pipeline's fitted state; ``fit_stateful`` returns a
    new pipeline, so several folds can fit in parallel threads from one prepared pipeline.
    """

    def __init__(self, spec, *, cache_dir=None):
        if isinstance(spec, Mapping):
            spec = DatasetSpec.from_dict(spec)
        if not isinstance(spec, DatasetSpec):
            raise InvalidTypeError(f"spec: expected a DatasetSpec or a dict, got {type(spec).__name__}")
        self.spec = spec.copy()
        self.plan = self.spec.plan()
        p = self.plan
        self.stateless_steps = [s for s in (ExtractMonth(p.months), ExtractTimestamp(p.timestamps),
                                            MapValues(p.maps), Log10(p.log10), Square(p.squared)) if s]
        self.outlier_filter = FilterOutliers(p.filter_outliers) if p.filter_outliers else None
        self.stateful_steps = [s for s in (OneHot(p.one_hot), Normalize(p.normalized)) if s]
        self.cache = StatelessCache(cache_dir) if cache_dir is not None else None

    @property
    def steps(self) -> list:
        """The active steps in the report's order."""
        order = (OneHot, ExtractMonth, ExtractTimestamp, MapValues, Log10, Square, FilterOutliers,
                 Normalize)
        active = self.stateless_steps + self.stateful_steps
        active += [self.outlier_filter] if self.outlier_filter is not None else []
        return sorted(active, key=lambda s: order.index(type(s)))

    @property
    def fitted(self) -> bool:
        """True when every stateful step (fences, categories, min/max) is fitted."""
        steps = self.stateful_steps + ([self.outlier_filter] if self.outlier_filter else [])
        return all(s.fitted for s in steps)

    # -- stage 1: stateless ---------------------------------------------------------------
    def transform_stateless(self, df: pd.DataFrame) -> pd.DataFrame:
        """Stage 1: month, timestamp, map, log10 and squares.

        Cached on disk when the pipeline has a ``cache_dir``.

        Parameters
        ----------
        df : DataFrame
            The raw table, with every column of the spec.

        Returns
        -------
        DataFrame
            A new frame: transformed columns replaced, derived columns appended,
            the index kept.
        """
        _check_frame(df, self.plan)
        key = None
        if self.cache is not None:
            key = cache_key(df, json.dumps(self.spec.to_dict(), sort_keys=True, separators=(",", ":")))
            hit = self.cache.load(key)
            if hit is not None:
                return hit
        for step in self.stateless_steps:
            df = step.transform(df)
        if key is not None:
            self.cache.store(key, df)
        return df

    # -- stage 2: row filter --------------------------------------------------------------
    def prepare(self, df: pd.DataFrame) -> pd.DataFrame:
        """Stage 1, then fit the outlier fences on these rows and drop the outliers.

        Run it once on the whole table before splitting it into folds.

        Parameters
        ----------
        df : DataFrame
            The raw table.

        Returns
        -------
        DataFrame
            The kept rows (original index), ready for :meth:`fit_stateful`.
        """
        df = self.transform_stateless(df)
        if self.outlier_filter is not None:
            df = self.outlier_filter.fit(df).transform(df)
            if len(df) == 0:
                raise InvalidValueError("filter_outliers removed every row")
        return df

    # -- stage 3: stateful ----------------------------------------------------------------
    def fit_stateful(self, rows: pd.DataFrame) -> "Pipeline":
        """A new pipeline whose one-hot categories and min/max are fit on ``rows``.

        ``self`` is not modified; the outlier fences are copied from it, so folds
        can fit in parallel threads from one prepared pipeline.

        Parameters
        ----------
        rows : DataFrame
            Prepared rows (output of :meth:`prepare`), typically a fold's
            training rows.

        Returns
        -------
        Pipeline
            The fitted copy.
        """
        if self.outlier_filter is not None and not self.outlier_filter.fitted:
            raise NotFittedError("the outlier fences are not fitted: call prepare() on the whole "
                                 "table before fit_stateful()")
        new = copy.copy(self)
        new.outlier_filter = copy.deepcopy(self.outlier_filter)
        new.stateful_steps = [copy.deepcopy(s) for s in self.stateful_steps]
        new._fit_stateful(rows)
        return new

    def _fit_stateful(self, rows):
        self._check_prepared(rows, "rows")
        for step in self.stateful_steps:
            rows = step.fit(rows).transform(rows)

    def transform_stateful(self, rows: pd.DataFrame) -> pd.DataFrame:
        """Stage 3: one-hot encode and normalize prepared rows with the fitted state.

        Parameters
        ----------
        rows : DataFrame
            Prepared rows (output of :meth:`prepare` or :meth:`transform_stateless`).

        Returns
        -------
        DataFrame
        """
        self._check_prepared(rows, "rows")
        for step in self.stateful_steps:
            rows = step.transform(rows)
        return rows

    def _check_prepared(self, rows, name):
        if not isinstance(rows, pd.DataFrame):
            raise InvalidTypeError(f"{name}: expected a pandas DataFrame, got {type(rows).__name__}")
        if len(rows) == 0:
            raise InvalidValueError(f"{name}: the frame has no rows")
        missing = [c for c in self.plan.derived if c not in rows.columns]
        if missing:
            raise InvalidValueError(f"{name}: derived column(s) {missing} are missing; pass rows "
                                    "returned by prepare() or transform_stateless()")

    # -- all stages -----------------------------------------------------------------------
    def fit(self, df: pd.DataFrame) -> "Pipeline":
        """Fit every stateful step on the rows of ``df``.

        The outlier fences first, then categories and min/max on the kept rows.

        Parameters
        ----------
        df : DataFrame
            The raw table (or the training part of it).

        Returns
        -------
        Pipeline
            ``self``.
        """
        self._fit_stateful(self.prepare(df))
        return self

    def fit_transform(self, df: pd.DataFrame) -> pd.DataFrame:
        """:meth:`fit` on ``df``, then :meth:`transform` it (outliers dropped).

        Parameters
        ----------
        df : DataFrame
            The raw table.

        Returns
        -------
        DataFrame
            The model-ready frame; pass it to :meth:`to_arrays`.
        """
        rows = self.prepare(df)
        self._fit_stateful(rows)
        return self.transform_stateful(rows)

    def transform(self, df: pd.DataFrame) -> pd.DataFrame:
        """All stages with the fitted state; rows outside the fitted fences are dropped.

        Parameters
        ----------
        df : DataFrame
            Raw rows with every column of the spec.

        Returns
        -------
        DataFrame
            The model-ready frame, original index kept.
        """
        df = self.transform_stateless(df)
        if self.outlier_filter is not None:
            if not self.outlier_filter.fitted:
                raise NotFittedError("Pipeline is not fitted; call fit() first")
            df = self.outlier_filter.transform(df)
        return self.transform_stateful(df)

    def inverse_transform(self, df: pd.DataFrame) -> pd.DataFrame:
        """Revert column by column, for whichever of the pipeline's columns are present.

        Squares and month/timestamp columns are dropped, min-max and log10 undone,
        one-hot columns folded back into their category. Map and the outlier filter
        cannot be reverted: mapped values stay as mapped, removed rows stay removed.

        Parameters
        ----------
        df : DataFrame
            A transformed frame, or any subset of its columns (a frame holding
            only the predicted column is reverted on its own).

        Returns
        -------
        DataFrame
            The same rows in original units.
        """
        if not isinstance(df, pd.DataFrame):
            raise InvalidTypeError(f"df: expected a pandas DataFrame, got {type(df).__name__}")
        for step in reversed(self.steps):
            df = step.inverse_transform(df)
        return df

    def inverse_outputs(self, y, index=None) -> pd.DataFrame:
        """Network outputs in model units, reverted to original units.

        Parameters
        ----------
        y : array-like, shape (n, outputs) or (n,)
            ``Network.predict`` output.
        index : array-like, optional
            Row labels of the result (e.g. the predicted rows' index).

        Returns
        -------
        DataFrame
            One column per output name, in original units (dollars for a
            log10 + min-max price).
        """
        try:
            y = np.asarray(y, dtype=np.float64)
        except (TypeError, ValueError):
            raise InvalidTypeError(f"y: expected an array of numbers, got {type(y).__name__}") from None
        names = self.output_names()
        if y.ndim == 1:
            y = y[:, None]
        if y.ndim != 2 or y.shape[1] != len(names):
            raise InvalidValueError(f"y: expected shape (n, {len(names)}) for outputs {names}, got {y.shape}")
        if index is not None:
            if isinstance(index, (str, bytes, Mapping)) or np.ndim(index) != 1:
                raise InvalidTypeError(f"index: expected a 1-D array of row labels, got {type(index).__name__}")
            if len(index) != len(y):
                raise InvalidValueError(f"index: expected {len(y)} row labels (one per row of y), got {len(index)}")
        return self.inverse_transform(pd.DataFrame(y, columns=names, index=index))

    # -- arrays and names -----------------------------------------------------------------
    def _categories(self):
        onehot = next((s for s in self.stateful_steps if isinstance(s, OneHot)), None)
        if onehot is None:
            return None
        return onehot.categories_ if onehot.fitted else None

    def input_names(self) -> list[str]:
        """Model input columns after the pipeline (the columns of ``X``).

        Returns
        -------
        list of str
            One-hot inputs need a fitted pipeline to be expanded.
        """
        return self.plan.names("input", self._categories())

    def output_names(self) -> list[str]:
        """Model output columns after the pipeline (the columns of ``y``)."""
        return self.plan.names("output", self._categories())

    def to_arrays(self, df: pd.DataFrame, dtype="float32") -> Arrays:
        """``X (n, inputs)``, ``y (n, outputs)`` and ``ids (n,)`` from a transformed frame.

        Parameters
        ----------
        df : DataFrame
            Output of :meth:`transform`, :meth:`fit_transform` or :meth:`transform_stateful`.
        dtype : {"float32", "float64"}
            Element type of ``X`` and ``y``.

        Returns
        -------
        Arrays
            ``X (n, inputs)``, ``y (n, outputs)``, ``ids (n,)``, the column names
            and the row index; unpacks as ``X, y, ids``.
        """
        if not isinstance(df, pd.DataFrame):
            raise InvalidTypeError(f"df: expected a pandas DataFrame, got {type(df).__name__}")
        try:
            dtype = np.dtype(dtype)
        except TypeError:
            raise InvalidTypeError(f"dtype: expected float32 or float64, got {dtype!r}") from None
        if dtype not in (np.float32, np.float64):
            raise InvalidTypeError(f"dtype: expected float32 or float64, got {dtype}")
        inputs, outputs = self.input_names(), self.output_names()
        missing = [c for c in inputs + outputs if c not in df.columns]
        if missing:
            raise InvalidValueError(f"df: model column(s) {missing} are missing; pass a transformed frame")
        X = self._matrix(df, inputs, dtype)
        y = self._matrix(df, outputs, dtype)
        ids = df[self.plan.id_name].to_numpy() if self.plan.id_name else df.index.to_numpy()
        return Arrays(X, y, ids, inputs, outputs, df.index.to_numpy())

    @staticmethod
    def _matrix(df, names, dtype):
        for c in names:
            if not pd.api.types.is_numeric_dtype(df[c].dtype):
                raise InvalidTypeError(f"column {c!r}: expected numbers, got dtype {df[c].dtype}")
        m = np.ascontiguousarray(df[names].to_numpy(dtype=dtype), dtype=dtype).reshape(len(df), len(names))
        bad = ~np.isfinite(m)
        if bad.any():
            r, c = np.argwhere(bad)[0]
            raise InvalidValueError(f"column {names[c]!r}: non-finite value at row {py(df.index[r])!r}")
        return m

    # -- fitted state ---------------------------------------------------------------------
    def get_state(self) -> dict:
        """Fitted parameters as JSON-ready data (a run folder's ``pipeline.json``).

        Returns
        -------
        dict
            ``{"one_hot": {"categories": {col: [...]}}, "filter_outliers":
            {"fences": {col: [lo, hi]}}, "normalized": {"min": {col: m}, "scale":
            {col: s}}}``, for the steps the spec uses.
        """
        names = {OneHot: "one_hot", FilterOutliers: "filter_outliers", Normalize: "normalized"}
        return {names[type(s)]: s.get_state() for s in self.steps if s.stateful}

    def set_state(self, state: Mapping) -> "Pipeline":
        """Restore parameters saved by :meth:`get_state`.

        Parameters
        ----------
        state : mapping
            A :meth:`get_state` document of a pipeline with the same spec.

        Returns
        -------
        Pipeline
            ``self``, now fitted.

        Raises
        ------
        InvalidValueError, InvalidTypeError
            When a field is missing, unknown or holds a bad value (a non-number,
            NaN, a scale <= 0, fences out of order, repeated categories, a column
            the spec does not have); the message names the field, e.g.
            ``state['normalized']['scale']['price']``, and no step is changed.
        """
        names = {OneHot: "one_hot", FilterOutliers: "filter_outliers", Normalize: "normalized"}
        if not isinstance(state, Mapping):
            raise InvalidTypeError(f"state: expected a mapping, got {type(state).__name__}")
        stateful = [s for s in self.steps if s.stateful]
        unknown = sorted(str(k) for k in state if k not in {names[type(s)] for s in stateful})
        if unknown:
            raise InvalidValueError(f"state: unknown field(s) {unknown}; this pipeline's spec has "
                                    f"{[names[type(s)] for s in stateful]}")
        # Every step's document is checked before any step changes.
        parsed = []
        for s in stateful:
            if names[type(s)] not in state:
                raise InvalidValueError(f"state: missing {names[type(s)]!r}")
            parsed.append((s, s._parse_state(state[names[type(s)]], f"state[{names[type(s)]!r}]")))
        for s, attrs in parsed:
            for k, v in attrs.items():
                setattr(s, k, v)
        return self

    def __repr__(self):
        return f"Pipeline({' -> '.join(type(s).__name__ for s in self.steps) or 'identity'})"
