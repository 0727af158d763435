"""Loss functions: the NumPy twins of ``csrc/pyneural/losses.hpp``.

Per-sample loss ``ℓ_r`` over ``o`` outputs; the loss of a batch of ``n`` rows is
the mean of the ``ℓ_r`` and gradients are of that mean:

=============  ============================================  ========================
name           ℓ_r                                           ∂(mean)/∂p
=============  ============================================  ========================
mse            (1/o) Σ (p - y)²                              2 (p - y) / (n·o)
mae            (1/o) Σ |p - y|                               sign(p - y) / (n·o)
bce            -(1/o) Σ y log q + (1-y) log(1-q)             (q - y) / (q (1-q) n·o)
cross_entropy  -Σ y log q                                    -y / (q n)
=============  ============================================  ========================

``q`` is ``p`` clipped to ``[ε, 1-ε]`` (``[ε, 1]`` for cross-entropy), ε = 1e-7
(Keras); the gradient is 0 where clipping is active. With a sigmoid output, bce is
computed from the logits ``z`` (``max(z,0) - z y + log(1 + e^{-|z|})``) and its
gradient is fused into ``dz = (σ(z) - y)/(n·o)``; with a softmax output,
cross-entropy uses ``log softmax(z)`` and ``dz = (p Σy - y)/n``.
"""

from __future__ import annotations

import numpy as np

from ..errors import InvalidTypeError, InvalidValueError

__all__ = ["Loss", "LOSSES", "get_loss"]

EPSILON = 1e-7


class Loss:
    """A loss: name, C++ code, and NumPy per-sample values and gradient."""

    name: str = ""
    code: int = -1
    #: activation name with which the gradient is fused into dz (None: never)
    fused_activation: str | None = None

    def fused_with(self, activation_name: str) -> bool:
        return self.fused_activation is not None and activation_name == self.fused_activation

    def sample_losses(self, z, p, y, activation_name: str) -> np.ndarray:
        """Per-sample losses (n,), computed in float64."""
        raise NotImplementedError

    def gradient(self, p, y, activation_name: str) -> np.ndarray:
        """Gradient of the mean loss w.r.t. p (w.r.t. z for a fused pair), dtype of p."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"Loss({self.name!r})"


class MeanSquaredError(Loss):
    name, code = "mse", 0

    def sample_losses(self, z, p, y, activation_name):
        d = p.astype(np.float64) - y.astype(np.float64)
        return (d * d).sum(axis=1) / p.shape[1]

    def gradient(self, p, y, activation_name):
        inv = p.dtype.type(1) / p.dtype.type(p.shape[0] * p.shape[1])
        return 2 * (p - y) * inv


class MeanAbsoluteError(Loss):
    name, code = "mae", 1

    def sample_losses(self, z, p, y, activation_name):
        return np.abs(p.astype(np.float64) - y.astype(np.float64)).sum(axis=1) / p.shape[1]

    def gradient(self, p, y, activation_name):
        inv = p.dtype.type(1) / p.dtype.type(p.shape[0] * p.shape[1])
        return np.sign(p - y) * inv


class BinaryCrossEntropy(Loss):
    name, code, fused_activation = "bce", 2, "sigmoid"

    def sample_losses(self, z, p, y, activation_name):
        y64 = y.astype(np.float64)
        if self.fused_with(activation_name):
            z64 = z.astype(np.float64)
            terms = np.maximum(z64, 0) - z64 * y64 + np.log1p(np.exp(-np.abs(z64)))
        else:
            eps = p.dtype.type(EPSILON)
            q = np.clip(p, eps, 1 - eps).astype(np.float64)
            terms = -(y64 * np.log(q) + (1 - y64) * np.log(1 - q))
        return terms.sum(axis=1) / p.shape[1]

    def gradient(self, p, y, activation_name):
        inv = p.dtype.type(1) / p.dtype.type(p.shape[0] * p.shape[1])
        if self.fused_with(activation_name):
            return (p - y) * inv
        eps = p.dtype.type(EPSILON)
        clipped = (p < eps) | (p > 1 - eps)
        with np.errstate(divide="ignore", invalid="ignore"):
            g = (p - y) / (p * (1 - p)) * inv
        return np.where(clipped, np.zeros((), p.dtype), g)


class CategoricalCrossEntropy(Loss):
    name, code, fused_activation = "cross_entropy", 3, "softmax"

    def sample_losses(self, z, p, y, activation_name):
        y64 = y.astype(np.float64)
        if self.fused_with(activation_name):
            z64 = z.astype(np.float64)
            mx = z64.max(axis=1, keepdims=True)
            lse = mx + np.log(np.exp(z64 - mx).sum(axis=1, keepdims=True))
            return -(y64 * (z64 - lse)).sum(axis=1)
        q = np.maximum(p, p.dtype.type(EPSILON)).astype(np.float64)
        return -(y64 * np.log(q)).sum(axis=1)

    def gradient(self, p, y, activation_name):
        inv = p.dtype.type(1) / p.dtype.type(p.shape[0])
        if self.fused_with(activation_name):
            return (p * y.sum(axis=1, keepdims=True) - y) * inv
        eps = p.dtype.type(EPSILON)
        with np.errstate(divide="ignore", invalid="ignore"):
            g = -y / p * inv
        return np.where(p < eps, np.zeros((), p.dtype), g)


LOSSES: dict[str, Loss] = {
    cls.name: cls()
    for cls in (MeanSquaredError, MeanAbsoluteError, BinaryCrossEntropy, CategoricalCrossEntropy)
}
_ALIASES = {
    "mean_squared_error": "mse",
    "mean_absolute_error": "mae",
    "binary_crossentropy": "bce",
    "binary_cross_entropy": "bce",
    "categorical_crossentropy": "cross_entropy",
    "crossentropy": "cross_entropy",
}


def get_loss(name, argument: str = "loss") -> Loss:
    """Look up a loss by name (Keras' long names are accepted too)."""
    if isinstance(name, Loss):
        return name
    if not isinstance(name, str):
        raise InvalidTypeError(f"{argument}: expected a loss name, got {type(name).__name__}")
    key = _ALIASES.get(name.lower(), name.lower())
    if key not in LOSSES:
        raise InvalidValueError(
            f"{argument}: unknown loss {name!r}; expected one of {sorted(LOSSES)}"
        )
    return LOSSES[key]
