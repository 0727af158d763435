"""Metrics with scikit-learn's definitions: regression and classification.

The regression metrics are multi-output aware. Each takes ``y_true`` and ``y_pred`` of shape (n,) or (n, outputs) and
``multioutput``: ``"uniform_average"`` (default), ``"raw_values"`` (one value per
output) or an array of weights, as in ``sklearn.metrics``.

====================================  ====================================================
``r2_score``                          ``1 - Σ(y - ŷ)² / Σ(y - ȳ)²`` (constant y: 1 if exact,
                                      else 0)
``mean_squared_error``                ``mean (y - ŷ)²``
``root_mean_squared_error``           ``sqrt(mean (y - ŷ)²)`` per output
``mean_absolute_error``               ``mean |y - ŷ|``
``mean_absolute_percentage_error``    ``mean |y - ŷ| / max(|y|, ε)``, ε = machine epsilon
                                      (a fraction)
====================================  ====================================================

Classification metrics, also with scikit-learn's definitions (labels of any type,
binary, multiclass, and multilabel indicator matrices):

====================================  ====================================================
``accuracy_score``                    fraction of rows predicted exactly (all labels of a
                                      multilabel row must match: subset accuracy)
``log_loss``                          ``mean -Σ_k [y = k] log p_k``, p clipped to
                                      ``[ε, 1-ε]``, ε = machine epsilon of the
                                      probabilities' dtype
``accuracy_from_outputs``             accuracy of a network's raw outputs against its
                                      encoded targets (0.5 threshold for bce, argmax for
                                      cross-entropy), as ``Network.evaluate`` reports it
====================================  ====================================================
"""

from __future__ import annotations

import warnings

import numpy as np

from .errors import InvalidTypeError, InvalidValueError

__all__ = [
    "r2_score",
    "mean_squared_error",
    "root_mean_squared_error",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "accuracy_score",
    "log_loss",
    "accuracy_from_outputs",
]


def _numbers(values, name: str) -> np.ndarray:
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidTypeError(f"{name}: expected an array of numbers, got {type(values).__name__}") from None


def _check(y_true, y_pred):
    t = _numbers(y_true, "y_true")
    p = _numbers(y_pred, "y_pred")
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
    try:
        weights = np.asarray(multioutput, dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidTypeError(f"multioutput: expected 'raw_values', 'uniform_average' or weights, "
                               f"got {type(multioutput).__name__}") from None
    if weights.shape != values.shape:
        raise InvalidValueError(f"multioutput: expected {values.size} weights, got shape {weights.shape}")
    if not (np.isfinite(weights).all() and (weights >= 0).all() and weights.sum() > 0):
        raise InvalidValueError(f"multioutput: weights must be finite, >= 0 and not all 0, got {weights.tolist()}")
    return float(np.average(values, weights=weights))


def r2_score(y_true, y_pred, multioutput="uniform_average"):
    """Coefficient of determination R², as ``sklearn.metrics.r2_score``.

    ``R² = 1 - Σ(y - ŷ)² / Σ(y - ȳ)²`` per output. An output whose true values are
    constant scores 1 when predicted exactly and 0 otherwise (scikit-learn's
    ``force_finite=True`` convention), never NaN or -inf.

    Parameters
    ----------
    y_true : array-like, shape (n,) or (n, outputs)
        True values.
    y_pred : array-like, shape (n,) or (n, outputs)
        Predicted values, the same shape as ``y_true``.
    multioutput : {"uniform_average", "raw_values"} or array-like, shape (outputs,)
        How the per-output values are combined: their mean (default), each one
        (an array of shape (outputs,)), or their average with these weights.

    Returns
    -------
    float or ndarray, shape (outputs,)
        An ndarray only with ``multioutput="raw_values"``.

    Raises
    ------
    pyneural.errors.InvalidValueError
        For shapes that differ, fewer than two samples, or NaN/infinite values.

    Examples
    --------
    >>> from pyneural.metrics import r2_score
    >>> r2_score([1.0, 2.0, 3.0], [1.0, 2.0, 4.0])
    0.5
    """
    t, p = _check(y_true, y_pred)
    if t.shape[0] < 2:
        raise InvalidValueError("y_true: R² needs at least two samples")
    ss_res = ((t - p) ** 2).sum(axis=0)
    ss_tot = ((t - t.mean(axis=0)) ** 2).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        r2 = np.where(ss_tot > 0, 1 - ss_res / ss_tot, np.where(ss_res == 0, 1.0, 0.0))
    return _aggregate(r2, multioutput)


def mean_squared_error(y_true, y_pred, multioutput="uniform_average"):
    """Mean squared error ``mean (y - ŷ)²`` of each output, as scikit-learn's.

    Parameters
    ----------
    y_true : array-like, shape (n,) or (n, outputs)
        True values.
    y_pred : array-like, shape (n,) or (n, outputs)
        Predicted values, the same shape as ``y_true``.
    multioutput : {"uniform_average", "raw_values"} or array-like, shape (outputs,)
        How the per-output values are combined: their mean (default), each one
        (an array of shape (outputs,)), or their average with these weights.

    Returns
    -------
    float or ndarray, shape (outputs,)
        An ndarray only with ``multioutput="raw_values"``.

    Examples
    --------
    >>> from pyneural.metrics import mean_squared_error
    >>> mean_squared_error([1.0, 2.0, 3.0], [1.0, 2.0, 5.0])
    1.3333333333333333
    """
    t, p = _check(y_true, y_pred)
    return _aggregate(((t - p) ** 2).mean(axis=0), multioutput)


def root_mean_squared_error(y_true, y_pred, multioutput="uniform_average"):
    """Root mean squared error ``sqrt(mean (y - ŷ)²)`` of each output, as scikit-learn's.

    The square root is taken per output, then the outputs are combined
    (scikit-learn's order), so it differs from ``sqrt(mean_squared_error(...))``
    for several outputs.

    Parameters
    ----------
    y_true : array-like, shape (n,) or (n, outputs)
        True values.
    y_pred : array-like, shape (n,) or (n, outputs)
        Predicted values, the same shape as ``y_true``.
    multioutput : {"uniform_average", "raw_values"} or array-like, shape (outputs,)
        How the per-output values are combined: their mean (default), each one
        (an array of shape (outputs,)), or their average with these weights.

    Returns
    -------
    float or ndarray, shape (outputs,)
        An ndarray only with ``multioutput="raw_values"``.
    """
    t, p = _check(y_true, y_pred)
    return _aggregate(np.sqrt(((t - p) ** 2).mean(axis=0)), multioutput)


def mean_absolute_error(y_true, y_pred, multioutput="uniform_average"):
    """Mean absolute error ``mean |y - ŷ|`` of each output, as scikit-learn's.

    Parameters
    ----------
    y_true : array-like, shape (n,) or (n, outputs)
        True values.
    y_pred : array-like, shape (n,) or (n, outputs)
        Predicted values, the same shape as ``y_true``.
    multioutput : {"uniform_average", "raw_values"} or array-like, shape (outputs,)
        How the per-output values are combined: their mean (default), each one
        (an array of shape (outputs,)), or their average with these weights.

    Returns
    -------
    float or ndarray, shape (outputs,)
        An ndarray only with ``multioutput="raw_values"``.
    """
    t, p = _check(y_true, y_pred)
    return _aggregate(np.abs(t - p).mean(axis=0), multioutput)


def mean_absolute_percentage_error(y_true, y_pred, multioutput="uniform_average"):
    """Mean absolute percentage error ``mean |y - ŷ| / max(|y|, ε)``, as scikit-learn's.

    The result is a fraction (0.1 means 10 %), not a percentage; ``ε`` is the
    float64 machine epsilon, so a zero true value gives a huge but finite term.

    Parameters
    ----------
    y_true : array-like, shape (n,) or (n, outputs)
        True values.
    y_pred : array-like, shape (n,) or (n, outputs)
        Predicted values, the same shape as ``y_true``.
    multioutput : {"uniform_average", "raw_values"} or array-like, shape (outputs,)
        How the per-output values are combined: their mean (default), each one
        (an array of shape (outputs,)), or their average with these weights.

    Returns
    -------
    float or ndarray, shape (outputs,)
        An ndarray only with ``multioutput="raw_values"``.
    """
    t, p = _check(y_true, y_pred)
    eps = np.finfo(np.float64).eps
    return _aggregate((np.abs(t - p) / np.maximum(np.abs(t), eps)).mean(axis=0), multioutput)


# ---------------------------------------------------------------- classification
def _labels(y, name: str) -> np.ndarray:
    """Class labels as an array: (n,) labels, or (n, k) for an indicator matrix."""
    if hasattr(y, "to_numpy") and not isinstance(y, np.ndarray):  # pandas
        y = y.to_numpy()
    try:
        arr = np.asarray(y)
    except Exception as exc:  # noqa: BLE001 - ragged lists and the like
        raise InvalidValueError(f"{name}: cannot be converted to an array ({exc})") from exc
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr.ravel()  # a column vector holds one label per row
    if arr.ndim not in (1, 2):
        raise InvalidValueError(f"{name}: expected a 1-D array of labels or a 2-D indicator matrix, got shape {arr.shape}")
    if arr.shape[0] == 0:
        raise InvalidValueError(f"{name}: needs at least one sample")
    if arr.dtype.kind == "c":
        raise InvalidTypeError(f"{name}: expected class labels, got complex numbers")
    if arr.dtype.kind == "f":
        if not np.isfinite(arr).all():
            raise InvalidValueError(f"{name}: contains NaN or infinite values")
        if not (arr == np.round(arr)).all():
            raise InvalidValueError(
                f"{name}: expected class labels, got continuous values (threshold probabilities first)")
    if arr.ndim == 2 and not np.isin(arr, (0, 1)).all():
        raise InvalidValueError(f"{name}: a 2-D array must be a label indicator matrix of 0s and 1s")
    return arr


def _sample_weight(sample_weight, n: int):
    if sample_weight is None:
        return None
    w = np.asarray(sample_weight, dtype=np.float64)
    if w.shape != (n,):
        raise InvalidValueError(f"sample_weight: expected shape ({n},), got {w.shape}")
    if not (np.isfinite(w).all() and (w >= 0).all()):
        raise InvalidValueError("sample_weight: expected finite weights >= 0")
    return w


def _average_samples(values: np.ndarray, weights, normalize: bool) -> float:
    if weights is None:
        return float(values.mean() if normalize else values.sum())
    if not normalize:
        return float(np.dot(values, weights))
    if weights.sum() == 0:
        raise InvalidValueError("sample_weight: the weights sum to zero")
    return float(np.average(values, weights=weights))


def accuracy_score(y_true, y_pred, *, normalize: bool = True, sample_weight=None) -> float:
    """Fraction (or, with ``normalize=False``, weighted count) of correct predictions.

    Parameters
    ----------
    y_true, y_pred : array-like, shape (n,) or (n, k)
        Labels of any type (numbers, strings, ...); a 2-D array is a multilabel
        indicator matrix, for which a row counts as correct only when all its
        labels are (subset accuracy), as in ``sklearn.metrics.accuracy_score``.
    normalize : bool
        True: the (weighted) fraction of correct rows; False: their (weighted) count.
    sample_weight : array-like, shape (n,), optional
        Non-negative weight of each row; by default every row weighs 1.

    Returns
    -------
    float
    """
    t, p = _labels(y_true, "y_true"), _labels(y_pred, "y_pred")
    if t.shape != p.shape:
        raise InvalidValueError(f"y_pred: expected shape {t.shape} to match y_true, got {p.shape}")
    if (t.dtype.kind in "USO") != (p.dtype.kind in "USO"):
        raise InvalidTypeError(
            f"y_pred: labels of y_true (dtype {t.dtype}) and y_pred (dtype {p.dtype}) must be of the same type")
    correct = (t == p) if t.ndim == 1 else (t == p).all(axis=1)
    return _average_samples(correct.astype(np.float64), _sample_weight(sample_weight, t.shape[0]), normalize)


def log_loss(y_true, y_proba, *, normalize: bool = True, sample_weight=None, labels=None) -> float:
    """Cross-entropy of predicted probabilities, scikit-learn's ``log_loss``.

    ``-Σ_k Y[i, k] log P[i, k]`` per row, averaged (or summed with
    ``normalize=False``), where ``Y`` one-hot encodes ``y_true`` over the sorted
    labels and ``P`` is ``y_proba`` clipped to ``[ε, 1 - ε]``, ``ε`` the machine
    epsilon of its dtype (float32 stays float32, anything else is float64).

    Parameters
    ----------
    y_true : array-like, shape (n,) or (n, k)
        Labels of any type, or a label indicator matrix.
    y_proba : array-like, shape (n, k) or (n,)
        Probabilities, columns in sorted label order (``predict_proba``); a 1-D
        array is the probability of the larger of two labels.
    normalize : bool
        True: the (weighted) mean loss per row; False: the (weighted) sum.
    sample_weight : array-like, shape (n,), optional
        Non-negative weight of each row; by default every row weighs 1.
    labels : array-like, optional
        All the labels, when ``y_true`` does not contain every one of them.

    Returns
    -------
    float

    Warns
    -----
    UserWarning
        When rows of ``y_proba`` do not sum to one (the loss is computed as given).
    """
    t = _labels(y_true, "y_true")
    try:
        p = np.asarray(y_proba)
    except Exception as exc:  # noqa: BLE001
        raise InvalidValueError(f"y_proba: cannot be converted to an array ({exc})") from exc
    if not (np.issubdtype(p.dtype, np.number) or p.dtype == np.bool_) or p.dtype.kind == "c":
        raise InvalidTypeError(f"y_proba: expected probabilities, got dtype {p.dtype}")
    p = p.astype(np.float32 if p.dtype == np.float32 else np.float64, copy=False)
    if p.ndim == 1:
        p = p[:, None]
    if p.ndim != 2:
        raise InvalidValueError(f"y_proba: expected shape (n,) or (n, classes), got {p.shape}")
    if p.shape[0] != t.shape[0]:
        raise InvalidValueError(f"y_proba: has {p.shape[0]} rows but y_true has {t.shape[0]}")
    if not np.isfinite(p).all():
        raise InvalidValueError("y_proba: contains NaN or infinite values")
    if p.max() > 1 or p.min() < 0:
        raise InvalidValueError(f"y_proba: expected probabilities in [0, 1], got values in [{p.min()}, {p.max()}]")
    if p.shape[1] == 1:
        p = np.concatenate([1 - p, p], axis=1)

    if t.ndim == 2:  # an indicator matrix is its own one-hot encoding
        if labels is not None:
            raise InvalidValueError("labels: not supported with a 2-D indicator y_true")
        onehot = t.astype(np.float64)
    else:
        try:
            classes = np.unique(t if labels is None else np.asarray(labels))
        except TypeError as exc:
            raise InvalidTypeError(f"{'y_true' if labels is None else 'labels'}: labels of mixed types ({exc})") from exc
        if labels is not None and not np.isin(t, classes).all():
            raise InvalidValueError(f"y_true: contains labels {sorted(set(t.tolist()) - set(classes.tolist()))!r} "
                                    f"that are not in labels")
        if classes.size < 2:
            where = "y_true contains" if labels is None else "labels contain"
            raise InvalidValueError(f"{'y_true' if labels is None else 'labels'}: {where} only one label "
                                    f"({classes[0]!r}); pass every label through labels=")
        onehot = np.zeros((t.shape[0], classes.size))
        onehot[np.arange(t.shape[0]), np.searchsorted(classes, t)] = 1.0
    if onehot.shape[1] != p.shape[1]:
        raise InvalidValueError(f"y_proba: has {p.shape[1]} columns but there are {onehot.shape[1]} classes")

    eps = np.finfo(p.dtype).eps
    if not np.allclose(p.sum(axis=1), 1, rtol=np.sqrt(eps), atol=0):
        warnings.warn("y_proba: the rows do not sum to one; make sure to pass probabilities", UserWarning, stacklevel=2)
    q = np.clip(p, eps, 1 - eps).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(onehot > 0, onehot * np.log(q), 0.0)
    return _average_samples(-terms.sum(axis=1), _sample_weight(sample_weight, t.shape[0]), normalize)


def accuracy_from_outputs(y_true, outputs, loss) -> float:
    """Accuracy of a classification network's raw outputs.

    Parameters
    ----------
    y_true : array-like, shape (n, outputs)
        The network's encoded targets: 0/1 per output for ``bce``, one-hot rows
        for ``cross_entropy``.
    outputs : array-like, shape (n, outputs)
        ``Network.predict`` output: sigmoid probabilities for ``bce``, softmax
        probabilities for ``cross_entropy``.
    loss : {"bce", "cross_entropy"} or a Loss
        ``bce``: each output is thresholded at 0.5 (targets too) and a row is
        correct when all its outputs are (subset accuracy); ``cross_entropy``: the
        argmax of the outputs against the argmax of the targets.

    Returns
    -------
    float
    """
    name = getattr(loss, "name", loss)
    t = np.asarray(y_true, dtype=np.float64)
    o = np.asarray(outputs, dtype=np.float64)
    t = t.reshape(-1, 1) if t.ndim == 1 else t
    o = o.reshape(-1, 1) if o.ndim == 1 else o
    if t.ndim != 2 or t.shape != o.shape:
        raise InvalidValueError(f"outputs: expected shape {t.shape} to match y_true, got {o.shape}")
    if name == "bce":
        return accuracy_score(t > 0.5, o > 0.5)
    if name == "cross_entropy":
        return accuracy_score(t.argmax(axis=1), o.argmax(axis=1))
    raise InvalidValueError(f"loss: accuracy needs 'bce' or 'cross_entropy', got {name!r}")
