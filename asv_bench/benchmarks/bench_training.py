"""Whole training epochs and inference, native against NumPy backend."""

import numpy as np

import pyneural as pn

from .common import DTYPES, blas_threads


def _kc_network(backend, dtype, threads):
    return pn.Network([pn.Dense(35, "relu") for _ in range(8)] + [pn.Dense(1)], inputs=34,
                      optimizer=pn.Adam(1e-3), seed=0, dtype=dtype, backend=backend, n_threads=threads)


class KingCountyEpoch:
    """34 -> 8x35 ReLU -> 1, batch 128, Adam, 17,286 rows (the report's model)."""

    params = (["native", "numpy"], DTYPES, [1, 2])
    param_names = ["backend", "dtype", "threads"]
    timeout = 300

    def setup(self, backend, dtype, threads):
        rng = np.random.default_rng(0)
        self.x = rng.uniform(0, 1, (17286, 34)).astype(dtype)
        self.y = (self.x @ rng.normal(size=34) / 10).astype(dtype)
        self.net = _kc_network(backend, dtype, threads)
        self.limit = blas_threads(threads)
        self.limit.__enter__()
        self.net.train_epoch(self.x, self.y, batch_size=128)

    def teardown(self, *args):
        self.limit.__exit__(None, None, None)

    def time_epoch(self, backend, dtype, threads):
        self.net.train_epoch(self.x, self.y, batch_size=128)

    def time_predict_all_rows(self, backend, dtype, threads):
        self.net.predict(self.x)


class BigMLPEpoch:
    """784 -> 1024 -> 1024 -> 10, batch 256, Adam, float32 (a tenth of MNIST's rows)."""

    params = (["native", "numpy"], [1, 2])
    param_names = ["backend", "threads"]
    timeout = 600
    number = 1
    repeat = 3

    def setup(self, backend, threads):
        rng = np.random.default_rng(0)
        self.x = rng.uniform(0, 1, (6000, 784)).astype(np.float32)
        self.y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, 6000)]
        self.net = pn.Network([pn.Dense(1024, "relu"), pn.Dense(1024, "relu"), pn.Dense(10, "softmax")],
                              inputs=784, loss="cross_entropy", seed=0, backend=backend, n_threads=threads)
        self.limit = blas_threads(threads)
        self.limit.__enter__()

    def teardown(self, *args):
        self.limit.__exit__(None, None, None)

    def time_epoch(self, backend, threads):
        self.net.train_epoch(self.x, self.y, batch_size=256)
