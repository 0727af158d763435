"""The native backend: the C++ engine in ``pyneural._core``.

One call trains a whole epoch (batches gathered, forward, loss gradient,
backward and fused optimizer updates in C++) with the GIL released.
"""

from __future__ import annotations

import numpy as np

from .. import _core
from .base import Architecture, Backend

__all__ = ["NativeBackend"]


class NativeBackend(Backend):
    name = "native"
    checks_finite = True  # while each block of x is in cache, cheaper than a NumPy pass

    def __init__(self, arch: Architecture):
        super().__init__(arch)
        layers = []
        for units, act, rate, opt in zip(arch.units, arch.activations, arch.dropouts, arch.optimizers):
            layers.append({"units": units, "activation": act.code, "dropout": float(rate), **opt.native_config()})
        engine_cls = _core.EngineF64 if arch.dtype == np.float64 else _core.EngineF32
        self._engine = engine_cls(arch.inputs, layers, arch.loss.code)

    def train_epoch(self, x, y, perm, batch_size, lrs, step, epoch, slots, n_threads):
        lr = np.ascontiguousarray(lrs, dtype=np.float64)
        perm = np.ascontiguousarray(perm, dtype=np.int64)
        return self._engine.train_epoch(
            x, y, perm, int(batch_size), slots, lr, int(step), int(self.arch.dropout_seed), int(epoch), int(n_threads)
        )

    def predict(self, x, slots, n_threads, check_finite=False):
        return self._engine.predict(x, slots, int(n_threads), bool(check_finite))

    def evaluate(self, x, y, slots, n_threads):
        loss, std, r2, pred = self._engine.evaluate(x, y, slots, int(n_threads))
        return float(loss), float(std), float(r2), pred
