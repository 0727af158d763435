"""Built-in datasets."""

from __future__ import annotations

import numpy as np

__all__ = ["xor"]


def xor(dtype="float32"):
    """The XOR truth table: X (4, 2) and y (4, 1)."""
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=dtype)
    y = np.array([[0], [1], [1], [0]], dtype=dtype)
    return x, y
