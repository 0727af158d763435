"""Counter-based dropout masks: the NumPy twin of ``csrc/pyneural/dropout.hpp``.

The decision for element ``i`` of layer ``l``'s input in batch ``b`` of epoch ``e``
is a pure function of ``(seed, e, b, l, i)``::

    key  = mix(seed ^ mix(e ^ mix(b ^ mix(l))))
    u    = (mix(key ^ i) >> 11) · 2^-53        uniform in [0, 1)
    keep = u >= rate,  mask = keep / (1 - rate)     (inverted dropout)

``mix`` is the SplitMix64 finaliser (Steele, Lea & Flood 2014). Both backends
therefore drop exactly the same inputs.
"""

from __future__ import annotations

import numpy as np

__all__ = ["dropout_key", "dropout_mask"]

_MASK64 = (1 << 64) - 1


def _mix64_int(x: int) -> int:
    x = (x + 0x9E3779B97F4A7C15) & _MASK64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK64
    return x ^ (x >> 31)


def _mix64_array(x: np.ndarray) -> np.ndarray:
    # uint64 array arithmetic wraps modulo 2^64, as in C++.
    x = x + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def dropout_key(seed: int, epoch: int, batch: int, layer: int) -> int:
    return _mix64_int(seed ^ _mix64_int(epoch ^ _mix64_int(batch ^ _mix64_int(layer))))


def dropout_mask(key: int, rate: float, shape, dtype) -> np.ndarray:
    """Mask of ``shape`` holding 0 (dropped) or ``1 / (1 - rate)`` (kept)."""
    size = int(np.prod(shape))
    h = _mix64_array(np.uint64(key) ^ np.arange(size, dtype=np.uint64))
    u = (h >> np.uint64(11)).astype(np.float64) * 2.0**-53
    scale = np.dtype(dtype).type(1.0 / (1.0 - rate))
    return np.where(u >= rate, scale, np.zeros((), dtype)).astype(dtype).reshape(shape)
