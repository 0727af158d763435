"""Linear algebra on pyneural's own kernels.

``matmul`` runs the same GEMM the native engine trains with, so it can be
tested and benchmarked against NumPy's BLAS on its own.
"""

from __future__ import annotations

import warnings

import numpy as np

from . import _core
from ._config import get_num_threads, resolve_threads
from .errors import InvalidTypeError, InvalidValueError

__all__ = ["matmul"]

_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))

if _core.cpu_kernel_warning():
    warnings.warn(_core.cpu_kernel_warning(), RuntimeWarning, stacklevel=2)


def _as_operand(x, name: str, dtype=None) -> np.ndarray:
    if not isinstance(x, np.ndarray):
        try:
            x = np.asarray(x)
        except Exception as exc:  # noqa: BLE001
            raise InvalidTypeError(f"{name}: expected an array, got {type(x).__name__}") from exc
    if x.dtype.kind == "f" and not x.dtype.isnative:
        x = x.astype(x.dtype.newbyteorder("="))
    if x.ndim != 2:
        raise InvalidValueError(f"{name}: expected a 2-D array, got shape {x.shape}")
    if dtype is None:
        if x.dtype not in _DTYPES:
            raise InvalidTypeError(f"{name}: dtype must be float32 or float64, got {x.dtype}")
    elif x.dtype != dtype:
        raise InvalidTypeError(f"{name}: dtype {x.dtype} differs from a's {dtype}")
    # The kernel reads row-major or transposed (Fortran-ordered) views directly;
    # anything else (negative or doubly-strided views) is copied once.
    s0, s1 = x.strides
    item = x.itemsize
    if not (
        (s1 == item and s0 >= 0 and s0 % item == 0)
        or (s0 == item and s1 >= 0 and s1 % item == 0)
        or x.size == 0
    ):
        x = np.ascontiguousarray(x)
    return x


_MATMUL_DOC = """matmul(a, b, out=None, n_threads=None)
--

Matrix product ``a @ b`` with pyneural's blocked GEMM.

Parameters
----------
a : ndarray, shape (m, k)
    float32 or float64; C-ordered arrays and transposed views (``x.T``) are
    read in place, as are row slices of bigger arrays.
b : ndarray, shape (k, n)
    Same dtype as ``a``.
out : ndarray, shape (m, n), optional
    C-contiguous array of the same dtype to write into.
n_threads : int, optional
    Threads to use (``None``: ``pyneural.get_num_threads()``; ``-1``: all cores).
    Small products run on one thread whatever is asked; the result does not
    depend on the thread count.

Returns
-------
ndarray, shape (m, n)

Notes
-----
A builtin function: plain arguments (float ndarrays, positive or default
thread count) go straight to C++, where the default thread count is only looked
up for products big enough to use threads; anything else takes the checked
path, which converts what it can and raises ``pyneural.errors`` otherwise.
"""


def _matmul_checked(a, b, out=None, n_threads=None) -> np.ndarray:
    """``matmul`` for arguments the C++ fast path declined (see ``matmul``)."""
    n_threads = resolve_threads(n_threads)
    a = _as_operand(a, "a")
    b = _as_operand(b, "b", a.dtype)
    if a.shape[1] != b.shape[0]:
        raise InvalidValueError(
            f"b: expected {a.shape[1]} rows to match a's columns, got shape {b.shape}"
        )
    shape = (a.shape[0], b.shape[1])
    if out is None:
        out = np.empty(shape, dtype=a.dtype)
    else:
        if not isinstance(out, np.ndarray):
            raise InvalidTypeError(f"out: expected an ndarray, got {type(out).__name__}")
        if out.shape != shape or out.dtype != a.dtype:
            raise InvalidValueError(
                f"out: expected shape {shape} and dtype {a.dtype}, got {out.shape} {out.dtype}"
            )
        if not out.flags.c_contiguous or not out.flags.writeable:
            raise InvalidValueError("out: must be a writable C-contiguous array")
        if np.may_share_memory(out, a) or np.may_share_memory(out, b):
            result = np.empty(shape, dtype=a.dtype)
            _core.gemm(a, b, result, 1.0, 0.0, n_threads)
            out[...] = result
            return out
    _core.gemm(a, b, out, 1.0, 0.0, n_threads)
    return out


matmul = _core.make_matmul(_matmul_checked, get_num_threads, _MATMUL_DOC, __name__)
