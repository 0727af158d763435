"""The NumPy backend: the engine's mathematics in plain NumPy.

It is the oracle the C++ engine is tested against and the baseline it is
benchmarked against, so it favours clarity over speed.
"""

from __future__ import annotations

import numpy as np

from ..nn.dropout import dropout_key, dropout_mask
from .base import Backend

__all__ = ["NumpyBackend", "r2_uniform"]


def r2_uniform(y: np.ndarray, pred: np.ndarray) -> float:
    """R² per output averaged uniformly; a constant target scores 1 if predicted
    exactly, else 0 (scikit-learn's ``force_finite`` convention). NaN for fewer
    than two rows, where R² is undefined."""
    if len(y) < 2:
        return float("nan")
    y64, p64 = y.astype(np.float64), pred.astype(np.float64)
    ss_res = ((y64 - p64) ** 2).sum(axis=0)
    ss_tot = ((y64 - y64.mean(axis=0)) ** 2).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        r2 = np.where(ss_tot > 0, 1 - ss_res / ss_tot, np.where(ss_res == 0, 1.0, 0.0))
    return float(r2.mean())


class NumpyBackend(Backend):
    name = "numpy"

    def _forward(self, x, slots, *, epoch=None, batch=None):
        """Outputs of every layer; with ``epoch`` set, applies dropout and returns the
        layer inputs and masks needed by backward."""
        arch = self.arch
        a = x
        inputs, acts, masks = [], [], []
        logits = None
        last = len(slots) - 1
        for l, (w, b, _, _) in enumerate(slots):
            mask = None
            if epoch is not None and arch.dropouts[l] > 0:
                key = dropout_key(arch.dropout_seed, epoch, batch, l)
                mask = dropout_mask(key, arch.dropouts[l], a.shape, arch.dtype)
                a = a * mask
            inputs.append(a)
            masks.append(mask)
            z = a @ w + b
            if l == last:
                logits = z
            a = arch.activations[l].forward(z)
            acts.append(a)
        return inputs, acts, masks, logits

    def train_epoch(self, x, y, perm, batch_size, lrs, step, epoch, slots, n_threads):
        # A diverging run overflows; the network detects the non-finite loss itself.
        with np.errstate(all="ignore"):
            return self._train_epoch(x, y, perm, batch_size, lrs, step, epoch, slots)

    def _train_epoch(self, x, y, perm, batch_size, lrs, step, epoch, slots):
        arch = self.arch
        n = len(perm)
        last = len(slots) - 1
        out_act = arch.activations[last].name
        fused = arch.loss.fused_with(out_act)
        total = 0.0
        for batch, start in enumerate(range(0, n, batch_size)):
            idx = perm[start : start + batch_size]
            xb, yb = x[idx], y[idx]
            inputs, acts, masks, logits = self._forward(xb, slots, epoch=epoch, batch=batch)
            total += float(arch.loss.sample_losses(logits, acts[last], yb, out_act).sum())
            g = arch.loss.gradient(acts[last], yb, out_act)
            step += 1
            for l in range(last, -1, -1):
                w, b, w_state, b_state = slots[l]
                if not (l == last and fused):
                    g = arch.activations[l].backward(acts[l], g)
                dw = inputs[l].T @ g
                db = g.sum(axis=0)
                g_next = None
                if l > 0:
                    g_next = g @ w.T  # with W before its update
                    if masks[l] is not None:
                        g_next *= masks[l]
                opt = arch.optimizers[l]
                opt.step(w, dw, w_state, lrs[l], step)
                opt.step(b, db, b_state, lrs[l], step)
                g = g_next
        return (total / n if n else 0.0), step

    def predict(self, x, slots, n_threads, check_finite=False):
        _, acts, _, _ = self._forward(x, slots)
        return np.ascontiguousarray(acts[-1])

    def evaluate(self, x, y, slots, n_threads):
        _, acts, _, logits = self._forward(x, slots)
        pred = np.ascontiguousarray(acts[-1])
        losses = self.arch.loss.sample_losses(logits, pred, y, self.arch.activations[-1].name)
        return float(losses.mean()), float(losses.std()), r2_uniform(y, pred), pred
