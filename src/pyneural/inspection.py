"""Permutation feature importance (Breiman 2001; Fisher, Rudin & Dominici 2018).

For each feature, its column is shuffled ``n_repeats`` times and the model
re-scored; the importance is the drop from the baseline score. Same signature and
result fields as ``sklearn.inspection.permutation_importance``, plus the report's
relative importance in percent (``100 · mean_j / Σ_k mean_k``). Features run in
parallel threads, each through the engine's batched ``predict`` (which releases
the GIL).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field

import numpy as np

from ._config import _all_cores, resolve_threads
from .errors import InvalidTypeError, InvalidValueError
from .metrics import mean_absolute_error, mean_squared_error, r2_score, root_mean_squared_error

__all__ = ["PermutationImportance", "permutation_importance"]

_SCORERS = {
    "r2": r2_score,
    "neg_mean_squared_error": lambda y, p: -mean_squared_error(y, p),
    "neg_root_mean_squared_error": lambda y, p: -root_mean_squared_error(y, p),
    "neg_mean_absolute_error": lambda y, p: -mean_absolute_error(y, p),
}


@dataclass
class PermutationImportance:
    """Result of :func:`permutation_importance` (dict-like, as scikit-learn's Bunch).

    ``result["importances_mean"]`` and ``result.importances_mean`` are the same.

    Parameters
    ----------
    importances : ndarray, shape (n_features, n_repeats)
        Baseline score minus the score with the feature's column shuffled.
    baseline_score : float
        Score of the model on the unshuffled data.
    feature_names : list of str
        One name per column of ``X``.

    Attributes
    ----------
    importances : ndarray, shape (n_features, n_repeats)
        Baseline score minus the score with the feature's column shuffled.
    importances_mean, importances_std : ndarray, shape (n_features,)
        Mean and standard deviation over the repeats.
    relative : ndarray, shape (n_features,)
        ``100 · importances_mean / Σ importances_mean`` (the report's percentages;
        zeros when the sum is not positive).
    baseline_score : float
        Score of the model on the unshuffled data.
    feature_names : list of str
        One name per column of ``X``.
    """

    importances: np.ndarray
    baseline_score: float
    feature_names: list = field(default_factory=list)

    @property
    def importances_mean(self) -> np.ndarray:
        """Mean importance of each feature over the repeats, shape (n_features,)."""
        return self.importances.mean(axis=1)

    @property
    def importances_std(self) -> np.ndarray:
        """Standard deviation of each feature's importance over the repeats, shape (n_features,)."""
        return self.importances.std(axis=1)

    @property
    def relative(self) -> np.ndarray:
        """``100 · importances_mean / Σ importances_mean``: percent of the summed drop, shape (n_features,)."""
        total = self.importances_mean.sum()
        return 100.0 * self.importances_mean / total if total > 0 else np.zeros(len(self.importances))

    def __getitem__(self, key):
        return getattr(self, key)

    def keys(self):
        """The field names, as a scikit-learn ``Bunch`` has them (plus ``relative``)."""
        return ["importances", "importances_mean", "importances_std", "relative", "baseline_score", "feature_names"]

    def to_frame(self):
        """The result as a table, most important feature first.

        Returns
        -------
        DataFrame
            Columns ``feature``, ``mean``, ``std`` and ``relative_percent``, one
            row per feature, sorted by ``mean`` (descending); this is the
            ``importance.csv`` that ``pyneural importance`` writes.
        """
        import pandas as pd

        df = pd.DataFrame({"feature": self.feature_names, "mean": self.importances_mean,
                           "std": self.importances_std, "relative_percent": self.relative})
        return df.sort_values("mean", ascending=False, kind="stable").reset_index(drop=True)


def _scorer(scoring):
    if callable(scoring):
        return scoring
    if isinstance(scoring, str) and scoring in _SCORERS:
        return _SCORERS[scoring]
    raise InvalidValueError(f"scoring: expected one of {sorted(_SCORERS)} or a function(y_true, y_pred), got {scoring!r}")


def permutation_importance(model, X, y, *, n_repeats: int = 10, scoring="r2", random_state=None,
                           n_jobs=None, feature_names=None) -> PermutationImportance:
    """Permutation importance of each column of ``X`` for ``model``.

    Parameters
    ----------
    model : Network, or any object with ``predict(X)``
        A trained :class:`~pyneural.Network` (or a scikit-learn-style estimator).
    X : array-like, shape (n, features)
        Inputs as the model sees them (for a run: the preprocessed inputs, see
        :func:`pyneural.analysis.importance_for_run`).
    y : array-like, shape (n,) or (n, outputs)
        True targets, in the units the model predicts.
    n_repeats : int
        Shuffles per feature.
    scoring : str or callable
        ``"r2"`` (default), ``"neg_mean_squared_error"``, ``"neg_root_mean_squared_error"``,
        ``"neg_mean_absolute_error"``, or ``f(y_true, y_pred) -> float`` (higher is better).
    random_state : int, Generator or None
        Seeds the shuffles; the same seed gives the same result whatever ``n_jobs``.
    n_jobs : int, optional
        Features scored at once (threads); default all cores.
    feature_names : list of str, optional
        Defaults to the DataFrame's columns or ``x0, x1, ...``.

    Returns
    -------
    PermutationImportance
        ``importances`` (n_features, n_repeats), their mean and standard
        deviation, the relative percentages and the baseline score.

    Examples
    --------
    >>> import numpy as np
    >>> import pyneural as pn
    >>> from pyneural.inspection import permutation_importance
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(-1, 1, (500, 3)).astype("float32")
    >>> y = 3 * X[:, 0] + 0.1 * X[:, 2]                    # column 1 does not matter
    >>> net = pn.Network([pn.Dense(16, "relu"), pn.Dense(1)], inputs=3, seed=0)
    >>> _ = net.fit(X, y, epochs=30, verbose=0)
    >>> result = permutation_importance(net, X, y, n_repeats=5, random_state=0)
    >>> int(result.importances_mean.argmax())
    0
    """
    from joblib import Parallel, delayed

    if not hasattr(model, "predict"):
        raise InvalidTypeError(f"model: expected an object with predict(X), got {type(model).__name__}")
    if feature_names is None and hasattr(X, "columns"):
        feature_names = [str(c) for c in X.columns]
    dtype = getattr(model, "dtype", np.float64)
    from ._validation import as_float_matrix, check_positive_int, check_seed

    x = as_float_matrix(X, "X", dtype)
    yy = np.asarray(y, dtype=np.float64)
    if yy.shape[0] != x.shape[0]:
        raise InvalidValueError(f"y: has {yy.shape[0]} rows but X has {x.shape[0]}")
    n_repeats = check_positive_int(n_repeats, "n_repeats")
    score = _scorer(scoring)
    if feature_names is None:
        feature_names = [f"x{i}" for i in range(x.shape[1])]
    if isinstance(feature_names, (str, bytes)) or not isinstance(feature_names, (list, tuple, np.ndarray)):
        raise InvalidTypeError(f"feature_names: expected a list of names, got {type(feature_names).__name__}")
    if len(feature_names) != x.shape[1]:
        raise InvalidValueError(f"feature_names: expected {x.shape[1]} names, got {len(feature_names)}")
    if random_state is None or (isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool)):
        rng = np.random.default_rng(check_seed(random_state, "random_state"))
    elif isinstance(random_state, np.random.Generator):
        rng = random_state
    else:
        raise InvalidTypeError(f"random_state: expected None, an int or a numpy Generator, got {random_state!r}")

    jobs = min(x.shape[1], _all_cores() if n_jobs is None else resolve_threads(n_jobs, "n_jobs"))
    from .nn.network import Network

    if isinstance(model, Network):
        if x.shape[1] != model.inputs:
            raise InvalidValueError(f"X: expected {model.inputs} feature column(s), got shape {x.shape}")
        # X was validated once; call the engine directly, one thread per feature job.
        threads = 1 if jobs > 1 else model._threads()

        def raw_predict(data):
            return model._backend.predict(data, model._slots, threads)
    else:
        raw_predict = model.predict

    def predict(data):
        p = np.asarray(raw_predict(data), dtype=np.float64)
        return p.reshape(yy.shape) if p.size == yy.size else p

    baseline = float(score(yy, predict(x)))
    # All shuffles are drawn up front, so results do not depend on scheduling.
    perms = [[rng.permutation(x.shape[0]) for _ in range(n_repeats)] for _ in range(x.shape[1])]

    def one_feature(j):
        work = x.copy()
        out = np.empty(n_repeats)
        for r, perm in enumerate(perms[j]):
            work[:, j] = x[perm, j]
            out[r] = baseline - float(score(yy, predict(work)))
        return out

    rows = Parallel(n_jobs=jobs, backend="threading")(delayed(one_feature)(j) for j in range(x.shape[1]))
    return PermutationImportance(np.vstack(rows), baseline, list(feature_names))
