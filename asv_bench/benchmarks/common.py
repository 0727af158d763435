"""Helpers shared by the asv benchmarks: seeded data and BLAS thread pinning."""

import contextlib

import numpy as np

DTYPES = ["float32", "float64"]
THREADS = [1, 2]


def blas_threads(n):
    """Pin NumPy's BLAS to ``n`` threads (threadpoolctl) so peers compare fairly."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover
        return contextlib.nullcontext()
    return threadpool_limits(limits=n, user_api="blas")


def random_matrix(rows, cols, dtype, seed=0):
    return np.random.default_rng(seed).standard_normal((rows, cols)).astype(dtype)
