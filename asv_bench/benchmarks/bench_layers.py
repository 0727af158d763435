"""One dense layer's forward and backward, native against NumPy backend."""

import numpy as np

import pyneural as pn

from .common import DTYPES, blas_threads

SHAPES = {"kc 128x35->35": (128, 35, 35), "mlp 256x784->1024": (256, 784, 1024)}


class DenseLayerStep:
    """A single-layer network's train_epoch over one batch: forward, backward, update."""

    params = (["native", "numpy"], DTYPES, list(SHAPES), ["relu", "tanh", "sigmoid"])
    param_names = ["backend", "dtype", "shape", "activation"]

    def setup(self, backend, dtype, shape, activation):
        n, fan_in, units = SHAPES[shape]
        rng = np.random.default_rng(0)
        self.x = rng.standard_normal((n, fan_in)).astype(dtype)
        self.y = rng.standard_normal((n, units)).astype(dtype)
        self.net = pn.Network([pn.Dense(units, activation)], inputs=fan_in, optimizer=pn.SGD(1e-4), seed=0,
                              dtype=dtype, backend=backend, n_threads=1)
        self.limit = blas_threads(1)
        self.limit.__enter__()

    def teardown(self, *args):
        self.limit.__exit__(None, None, None)

    def time_forward(self, backend, dtype, shape, activation):
        self.net.predict(self.x)

    def time_forward_backward_update(self, backend, dtype, shape, activation):
        self.net.train_epoch(self.x, self.y, batch_size=len(self.x), shuffle=False)
