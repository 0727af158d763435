"""Activation functions: the NumPy twins of ``csrc/pyneural/activations.hpp``.

Backward passes take the activation's *output* ``a`` (all the engine keeps):

=========  ======================  ==========================================
name       forward a = f(z)        backward dz = da ⊙ f'(z)
=========  ======================  ==========================================
linear     z                       da
relu       max(z, 0)               da · [a > 0]          (relu'(0) = 0, as PyTorch)
tanh       tanh(z)                 da · (1 - a²)
sigmoid    1 / (1 + exp(-z))       da · a (1 - a)
softmax    exp(z) / Σ exp(z)       a ⊙ (da - Σ_j da_j a_j)   (row-wise)
=========  ======================  ==========================================
"""

from __future__ import annotations

import numpy as np

from ..errors import InvalidTypeError, InvalidValueError

__all__ = ["Activation", "ACTIVATIONS", "get_activation"]


class Activation:
    """An activation: its name, its code in the C++ engine and its NumPy twin."""

    name: str = ""
    code: int = -1

    def forward(self, z: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def backward(self, a: np.ndarray, da: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"Activation({self.name!r})"


class Linear(Activation):
    name, code = "linear", 0

    def forward(self, z):
        return z

    def backward(self, a, da):
        return da


class ReLU(Activation):
    name, code = "relu", 1

    def forward(self, z):
        return np.where(z > 0, z, np.zeros((), z.dtype))

    def backward(self, a, da):
        return np.where(a > 0, da, np.zeros((), da.dtype))


class Tanh(Activation):
    name, code = "tanh", 2

    def forward(self, z):
        return np.tanh(z)

    def backward(self, a, da):
        return da * (1 - a * a)


class Sigmoid(Activation):
    name, code = "sigmoid", 3

    def forward(self, z):
        # Two branches so exp never overflows.
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1 / (1 + e), e / (1 + e)).astype(z.dtype, copy=False)

    def backward(self, a, da):
        return da * (a * (1 - a))


class Softmax(Activation):
    name, code = "softmax", 4

    def forward(self, z):
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e * (1 / e.sum(axis=1, keepdims=True))

    def backward(self, a, da):
        dot = (da * a).sum(axis=1, keepdims=True)
        return a * (da - dot)


ACTIVATIONS: dict[str, Activation] = {
    cls.name: cls() for cls in (Linear, ReLU, Tanh, Sigmoid, Softmax)
}


def get_activation(name, argument: str = "activation") -> Activation:
    """Look up an activation by name (case-insensitive) or pass one through."""
    if isinstance(name, Activation):
        return name
    if name is None:
        return ACTIVATIONS["linear"]
    if not isinstance(name, str):
        raise InvalidTypeError(f"{argument}: expected a name, got {type(name).__name__}")
    key = name.lower()
    if key not in ACTIVATIONS:
        raise InvalidValueError(
            f"{argument}: unknown activation {name!r}; expected one of {sorted(ACTIVATIONS)}"
        )
    return ACTIVATIONS[key]
