"""Regression metrics with scikit-learn's definitions (multi-output aware).

Each takes ``y_true`` and ``y_pred`` of shape (n,) or (n, outputs) and
``multioutput``: ``"uniform_average"`` (default), ``"raw_values"`` (one value per
output) or an array of weights, as in ``sklearn.metrics``.

=================================  ====================================================
r2_score                           1 - Σ(y - ŷ)² / Σ(y - ȳ)²   (constant y: 1 if exact, else 0)
mean_squared_error                 mean (y - ŷ)²
root_mean_squared_error            sqrt(mean (y - ŷ)²)   per output
mean_absolute_error                mean |y - ŷ|
mean_absolute_percentage_error     mean |y - ŷ| / max(|y|, ε),  ε = machine epsilon (a fraction)
=================================  ====================================================
"""

from __future__ import annotations

import numpy as np

from .errors import InvalidValueError

__all__ = [
    "r2_score",
    "mean_squared_error",
    "root_mean_squared_error",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
]


def _check(y_true, y_pred):
    t = np.asarray(y_true, dtype=np.float64)
    p = np.asarray(y_pred, dtype=np.float64)
    if t.ndim == 1:
        t = t.reshape(-1, 1)
    if p.ndim == 1:
        p = p.reshape(-1, 1)
    if t.ndim != 2 or p.ndim != 2:
        raise InvalidValueError(f"y_true, y_pred: expected 1-D or 2-D arrays, got shapes {t.shape} and {p.shape}")
    if t.shape != p.shape:
        raise InvalidValueError(f"y_pred: expected shape {t.shape} to match y_true, got {p.shape}")
    if t.shape[0] == 0:
        raise InvalidValueError("y_true: needs at least one sample")
    if not (np.isfinite(t).all() and np.isfinite(p).all()):
        raise InvalidValueError("y_true, y_pred: contain NaN or infinite values")
    return t, p


def _aggregate(values: np.ndarray, multioutput):
    if isinstance(multioutput, str):
        if multioutput == "raw_values":
            return values
        if multioutput == "uniform_average":
            return float(values.mean())
        raise InvalidValueError(
            f"multioutput: expected 'raw_values', 'uniform_average' or weights, got {multioutput!r}"
        )
    weights = np.asarray(multioutput, dtype=np.float64)
    if weights.shape != values.shape:
        raise InvalidValueError(f"multioutput: expected {values.size} weights, got shape {weights.shape}")
    return float(np.average(values, weights=weights))


def r2_score(y_true, y_pred, multioutput="uniform_average"):
    """Coefficient of determination (scikit-learn's ``force_finite=True`` convention)."""
    t, p = _check(y_true, y_pred)
    if t.shape[0] < 2:
        raise InvalidValueError("y_true: R² needs at least two samples")
    ss_res = ((t - p) ** 2).sum(axis=0)
    ss_tot = ((t - t.mean(axis=0)) ** 2).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        r2 = np.where(ss_tot > 0, 1 - ss_res / ss_tot, np.where(ss_res == 0, 1.0, 0.0))
    return _aggregate(r2, multioutput)


def mean_squared_error(y_true, y_pred, multioutput="uniform_average"):
    t, p = _check(y_true, y_pred)
    return _aggregate(((t - p) ** 2).mean(axis=0), multioutput)


def root_mean_squared_error(y_true, y_pred, multioutput="uniform_average"):
    """Square root of the MSE of each output, then aggregated (scikit-learn's order)."""
    t, p = _check(y_true, y_pred)
    return _aggregate(np.sqrt(((t - p) ** 2).mean(axis=0)), multioutput)


def mean_absolute_error(y_true, y_pred, multioutput="uniform_average"):
    t, p = _check(y_true, y_pred)
    return _aggregate(np.abs(t - p).mean(axis=0), multioutput)


def mean_absolute_percentage_error(y_true, y_pred, multioutput="uniform_average"):
    """A fraction (0.1 = 10 %), not a percentage, as in scikit-learn."""
    t, p = _check(y_true, y_pred)
    eps = np.finfo(np.float64).eps
    return _aggregate((np.abs(t - p) / np.maximum(np.abs(t), eps)).mean(axis=0), multioutput)
