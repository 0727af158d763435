"""Optimizer updates: the engine's fused update against the NumPy twin.

A network of one linear layer trained on a single row isolates the update of a
(fan_in x units) weight matrix: the GEMMs are a thin outer product.
"""

import numpy as np

import pyneural as pn

from .common import DTYPES, blas_threads

OPTIMIZERS = {"sgd": lambda: pn.SGD(1e-6), "momentum": lambda: pn.Momentum(1e-6), "adam": lambda: pn.Adam(1e-6)}


class OptimizerUpdate:
    params = (["native", "numpy"], DTYPES, sorted(OPTIMIZERS), [256, 1024])
    param_names = ["backend", "dtype", "optimizer", "width"]

    def setup(self, backend, dtype, optimizer, width):
        rng = np.random.default_rng(0)
        self.x = rng.standard_normal((1, width)).astype(dtype)
        self.y = rng.standard_normal((1, width)).astype(dtype)
        self.net = pn.Network([pn.Dense(width)], inputs=width, optimizer=OPTIMIZERS[optimizer](), seed=0,
                              dtype=dtype, backend=backend, n_threads=1)
        self.limit = blas_threads(1)
        self.limit.__enter__()

    def teardown(self, *args):
        self.limit.__exit__(None, None, None)

    def time_update(self, backend, dtype, optimizer, width):
        self.net.train_epoch(self.x, self.y, batch_size=1, shuffle=False)
