"""Parameter initializers (Keras' definitions, float64 draws cast to the network dtype).

===============  ===========================================================
zeros            0
uniform          U[0, 1)
uniform_signed   U[-1, 1)
glorot_uniform   U[-l, l),  l = sqrt(6 / (fan_in + fan_out))   (Glorot & Bengio 2010)
glorot_normal    N(0, s²) truncated at 2s, s = sqrt(2 / (fan_in + fan_out)) / 0.87962566
he_uniform       U[-l, l),  l = sqrt(6 / fan_in)                (He et al. 2015)
===============  ===========================================================

For a bias vector of ``units`` values, fan_in = fan_out = units.
"""

from __future__ import annotations

import numpy as np

from ..errors import InvalidTypeError, InvalidValueError

__all__ = ["INITIALIZERS", "initialize", "check_initializer"]

# Standard deviation of a unit normal truncated to [-2, 2] (Keras' constant).
_TRUNCATED_NORMAL_STD = 0.87962566103423978


def _zeros(rng, shape, fan_in, fan_out):
    return np.zeros(shape)


def _uniform(rng, shape, fan_in, fan_out):
    return rng.random(shape)


def _uniform_signed(rng, shape, fan_in, fan_out):
    return rng.uniform(-1.0, 1.0, shape)


def _glorot_uniform(rng, shape, fan_in, fan_out):
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, shape)


def _glorot_normal(rng, shape, fan_in, fan_out):
    std = np.sqrt(2.0 / (fan_in + fan_out)) / _TRUNCATED_NORMAL_STD
    out = rng.standard_normal(shape)
    bad = np.abs(out) > 2.0
    while bad.any():  # resample outside two standard deviations
        out[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(out) > 2.0
    return out * std


def _he_uniform(rng, shape, fan_in, fan_out):
    limit = np.sqrt(6.0 / fan_in)
    return rng.uniform(-limit, limit, shape)


INITIALIZERS = {
    "zeros": _zeros,
    "uniform": _uniform,
    "uniform_signed": _uniform_signed,
    "glorot_uniform": _glorot_uniform,
    "glorot_normal": _glorot_normal,
    "he_uniform": _he_uniform,
}


def check_initializer(name, argument: str) -> str:
    if not isinstance(name, str):
        raise InvalidTypeError(f"{argument}: expected an initializer name, got {type(name).__name__}")
    key = name.lower()
    if key not in INITIALIZERS:
        raise InvalidValueError(
            f"{argument}: unknown initializer {name!r}; expected one of {sorted(INITIALIZERS)}"
        )
    return key


def initialize(name: str, rng: np.random.Generator, shape, dtype) -> np.ndarray:
    """Draw a C-contiguous array of ``shape`` (``(in, out)`` or ``(out,)``)."""
    if len(shape) == 2:
        fan_in, fan_out = shape
    else:
        fan_in = fan_out = shape[0]
    values = INITIALIZERS[name](rng, shape, fan_in, fan_out)
    return np.ascontiguousarray(values, dtype=dtype)
