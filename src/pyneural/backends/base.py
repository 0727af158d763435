"""The interface both backends implement.

A backend runs a fixed architecture over parameters it does not own. ``slots``
is one tuple per layer, ``(W, b, W_state, b_state)``: ``W`` (inputs, units) and
``b`` (units,) are C-contiguous arrays of the network dtype, updated in place, and
the states are the optimizer's buffers (lists of arrays shaped like W and b).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..nn.losses import Loss

__all__ = ["Architecture", "Backend"]


@dataclass(frozen=True)
class Architecture:
    """What a backend needs to know about a network."""

    inputs: int
    units: tuple
    activations: tuple  # of Activation
    dropouts: tuple  # rate per layer (0.0 = none)
    optimizers: tuple  # of Optimizer, one per layer (already resolved)
    loss: Loss
    dtype: np.dtype
    dropout_seed: int


class Backend:
    """Abstract backend: one epoch, inference and evaluation."""

    name = ""
    # True when predict(..., check_finite=True) scans x itself (and returns None on
    # a NaN or an infinity), so callers may skip their own pass over x.
    checks_finite = False

    def __init__(self, arch: Architecture):
        self.arch = arch

    def train_epoch(self, x, y, perm, batch_size, lrs, step, epoch, slots, n_threads):
        """Train one epoch over rows ``perm`` in batches; return ``(mean loss, step)``."""
        raise NotImplementedError

    def predict(self, x, slots, n_threads, check_finite=False) -> np.ndarray | None:
        """Network outputs, shape (n, outputs); ``None`` if ``check_finite`` and ``x``
        holds a NaN or an infinity (backends with ``checks_finite``)."""
        raise NotImplementedError

    def evaluate(self, x, y, slots, n_threads):
        """``(mean loss, std of per-sample losses, R², predictions)``."""
        raise NotImplementedError
