"""How rows are divided into training and validation sets.

``KFold(k)``: rows are shuffled with the seed, then cut into ``k`` near-equal folds
(sizes differ by at most one); fold ``i`` validates a model trained on the others.
``Split(fraction)``: one shuffled split holding ``fraction`` of the rows out for
validation (Keras' ``validation_split``; 0.2 is an 80 % / 20 % split).
"""

from __future__ import annotations

import numpy as np

from .._validation import check_fraction, check_positive_int, check_seed
from ..errors import InvalidValueError

__all__ = ["KFold", "Split", "make_splitter"]

#: More rows than any table in memory could have (2^48): a bound for a clear error.
MAX_ROWS = 2**48


class KFold:
    """``k`` shuffled, near-equal folds; fold ``i`` validates a model trained on the others.

    Parameters
    ----------
    k : int
        Number of folds, at least 2.

    Examples
    --------
    >>> from pyneural import KFold
    >>> [(len(train), len(val)) for train, val in KFold(3).splits(10, seed=0)]
    [(6, 4), (7, 3), (7, 3)]
    """

    def __init__(self, k: int):
        self.k = check_positive_int(k, "k", minimum=2)

    def splits(self, n: int, seed) -> list[tuple[np.ndarray, np.ndarray]]:
        """The folds of ``n`` rows.

        Parameters
        ----------
        n : int
            Number of rows, at least ``k``.
        seed : int or None
            Seeds the shuffle (``numpy.random.default_rng(seed)``); the same seed
            gives the same folds.

        Returns
        -------
        list of (ndarray, ndarray)
            ``[(train_rows, validation_rows), ...]``, one pair per fold: sorted
            int64 row positions; every row validates exactly once.
        """
        n, seed = check_positive_int(n, "n", minimum=0, maximum=MAX_ROWS), check_seed(seed)
        if n < self.k:
            raise InvalidValueError(f"k: {self.k} folds need at least {self.k} rows, got {n}")
        perm = np.random.default_rng(seed).permutation(n)
        folds = np.array_split(perm, self.k)
        out = []
        for i in range(self.k):
            train = np.concatenate([f for j, f in enumerate(folds) if j != i])
            out.append((np.sort(train).astype(np.int64), np.sort(folds[i]).astype(np.int64)))
        return out

    def to_dict(self) -> dict:
        """The ``trainer`` object of a model spec: ``{"kfolds": k}``."""
        return {"kfolds": self.k}

    def __eq__(self, other):
        return isinstance(other, KFold) and other.k == self.k

    def __repr__(self):
        return f"KFold({self.k})"


class Split:
    """One shuffled split holding ``fraction`` of the rows out for validation.

    Parameters
    ----------
    fraction : float
        Held-out fraction, in (0, 1); 0.2 is an 80 % / 20 % split (Keras'
        ``validation_split``).

    Examples
    --------
    >>> from pyneural import Split
    >>> [(len(train), len(val)) for train, val in Split(0.2).splits(10, seed=0)]
    [(8, 2)]
    """

    def __init__(self, fraction: float = 0.2):
        self.fraction = check_fraction(fraction, "fraction", low_open=True)

    def splits(self, n: int, seed) -> list[tuple[np.ndarray, np.ndarray]]:
        """One ``(train_rows, validation_rows)`` pair of sorted int64 row positions.

        Parameters
        ----------
        n : int
            Number of rows.
        seed : int or None
            Seeds the shuffle.

        Returns
        -------
        list of (ndarray, ndarray)
            A one-element list, so k-fold and split runs are handled alike.
        """
        n, seed = check_positive_int(n, "n", minimum=0, maximum=MAX_ROWS), check_seed(seed)
        n_val = int(round(n * self.fraction))
        if n_val < 1 or n - n_val < 1:
            raise InvalidValueError(
                f"fraction: a {self.fraction} split of {n} rows leaves an empty training or validation set"
            )
        perm = np.random.default_rng(seed).permutation(n)
        return [(np.sort(perm[n_val:]).astype(np.int64), np.sort(perm[:n_val]).astype(np.int64))]

    def to_dict(self) -> dict:
        """The ``trainer`` object of a model spec: ``{"split": fraction}``."""
        return {"split": self.fraction}

    def __eq__(self, other):
        return isinstance(other, Split) and other.fraction == self.fraction

    def __repr__(self):
        return f"Split({self.fraction})"


def make_splitter(config):
    """The splitter a model spec's ``trainer`` object describes.

    Parameters
    ----------
    config : dict, KFold or Split
        ``{"kfolds": k}`` or ``{"split": fraction}``; a splitter passes through.

    Returns
    -------
    KFold or Split
    """
    if isinstance(config, (KFold, Split)):
        return config
    if isinstance(config, dict) and len(config) == 1:
        ((key, value),) = config.items()
        if key == "kfolds":
            return KFold(value)
        if key == "split":
            return Split(value)
    raise InvalidValueError(f"trainer: expected {{'kfolds': k}} or {{'split': fraction}}, got {config!r}")
