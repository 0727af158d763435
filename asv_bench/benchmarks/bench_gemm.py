"""GEMM: pyneural.linalg.matmul against NumPy's BLAS, by dtype, shape and threads."""

import numpy as np

import pyneural as pn

from .common import DTYPES, THREADS, blas_threads, random_matrix

SQUARE = [128, 512, 1024]
# The King County model's shapes: forward, dW = Xᵀ dZ, dX = dZ Wᵀ.
SMALL = {"128x35@35x35": (128, 35, 35, False, False), "35x128@128x35 (aT)": (35, 128, 35, True, False),
         "128x35@35x35 (bT)": (128, 35, 35, False, True)}


def _operands(m, k, n, ta, tb, dtype):
    a = random_matrix(k, m, dtype, 1).T if ta else random_matrix(m, k, dtype, 1)
    b = random_matrix(n, k, dtype, 2).T if tb else random_matrix(k, n, dtype, 2)
    return a, b


class SquareGemm:
    params = (["pyneural", "numpy"], DTYPES, SQUARE, THREADS)
    param_names = ["impl", "dtype", "n", "threads"]
    timeout = 120

    def setup(self, impl, dtype, n, threads):
        self.a, self.b = _operands(n, n, n, False, False, dtype)
        self.out = np.empty((n, n), dtype=dtype)
        self.limit = blas_threads(threads)
        self.limit.__enter__()

    def teardown(self, *args):
        self.limit.__exit__(None, None, None)

    def time_matmul(self, impl, dtype, n, threads):
        if impl == "pyneural":
            pn.linalg.matmul(self.a, self.b, out=self.out, n_threads=threads)
        else:
            np.matmul(self.a, self.b, out=self.out)

    def track_gflops(self, impl, dtype, n, threads):
        import timeit

        reps = max(1, int(2e9 / (2 * n**3)))
        t = min(timeit.repeat(lambda: self.time_matmul(impl, dtype, n, threads), number=reps, repeat=3)) / reps
        return 2 * n**3 / t / 1e9

    track_gflops.unit = "GFLOP/s"


class SmallGemm:
    params = (["pyneural", "numpy"], DTYPES, list(SMALL))
    param_names = ["impl", "dtype", "shape"]

    def setup(self, impl, dtype, shape):
        m, k, n, ta, tb = SMALL[shape]
        self.a, self.b = _operands(m, k, n, ta, tb, dtype)
        self.out = np.empty((m, n), dtype=dtype)
        self.limit = blas_threads(1)
        self.limit.__enter__()

    def teardown(self, *args):
        self.limit.__exit__(None, None, None)

    def time_matmul(self, impl, dtype, shape):
        if impl == "pyneural":
            pn.linalg.matmul(self.a, self.b, out=self.out, n_threads=1)
        else:
            np.matmul(self.a, self.b, out=self.out)
