"""Finite-difference gradient checks (float64) of every backward pass, both backends.

One full-batch SGD step with learning rate 1 and no shuffling changes each
parameter by exactly minus its gradient, so ``θ_before - θ_after`` is the
gradient the backend computed; it must match central differences of
``evaluate()["loss"]`` (the same mean loss).
"""

import numpy as np
import pytest

import pyneural as pn

from ..conftest import BACKENDS

ACTS = ["linear", "relu", "tanh", "sigmoid", "softmax"]
LOSSES = ["mse", "mae", "bce", "cross_entropy"]


def _targets(loss, rng, n, outs):
    if loss == "cross_entropy":
        return np.eye(outs)[rng.integers(0, outs, n)]
    if loss == "bce":
        return rng.integers(0, 2, (n, outs)).astype(np.float64)
    return rng.normal(size=(n, outs))


def _check(net, x, y, rtol=1e-5, atol=1e-7):
    before = net.get_params()
    net.train_epoch(x, y, batch_size=len(x), shuffle=False)
    after = net.get_params()
    net.set_params(before)
    h = 1e-6
    for i, (p0, p1) in enumerate(zip(before, after)):
        for key in ("weights", "biases"):
            analytic = p0[key] - p1[key]
            numeric = np.zeros_like(analytic)
            flat = numeric.reshape(-1)
            for j in range(flat.size):
                params = [{k: v.copy() for k, v in layer.items()} for layer in before]
                params[i][key].reshape(-1)[j] += h
                net.set_params(params)
                up = net.evaluate(x, y)["loss"]
                params[i][key].reshape(-1)[j] -= 2 * h
                net.set_params(params)
                down = net.evaluate(x, y)["loss"]
                flat[j] = (up - down) / (2 * h)
            np.testing.assert_allclose(analytic, numeric, rtol=rtol, atol=atol, err_msg=f"layer {i} {key}")
    net.set_params(before)


# Probability losses need outputs in (0, 1): they pair with sigmoid and softmax only.
PAIRS = [(loss, act) for loss in LOSSES for act in ACTS
         if loss in ("mse", "mae") or act in ("sigmoid", "softmax")]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("loss,out_act", PAIRS)
def test_output_activation_and_loss(backend, loss, out_act, rng):
    outs = 3
    net = pn.Network([pn.Dense(4, "tanh"), pn.Dense(outs, out_act)], inputs=3, loss=loss,
                     optimizer=pn.SGD(1.0), seed=1, dtype="float64", backend=backend)
    x = rng.normal(size=(7, 3))
    _check(net, x, _targets(loss, rng, 7, outs))


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("hidden", ACTS)
def test_hidden_activation(backend, hidden, rng):
    net = pn.Network([pn.Dense(5, hidden), pn.Dense(4, hidden), pn.Dense(2)], inputs=3,
                     optimizer=pn.SGD(1.0), seed=2, dtype="float64", backend=backend)
    x = rng.normal(size=(6, 3))
    _check(net, x, rng.normal(size=(6, 2)))


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("depth", [1, 2, 5])
def test_depths(backend, depth, rng):
    layers = [pn.Dense(4, "tanh") for _ in range(depth - 1)] + [pn.Dense(2, "sigmoid")]
    net = pn.Network(layers, inputs=3, optimizer=pn.SGD(1.0), seed=3, dtype="float64", backend=backend)
    x = rng.normal(size=(5, 3))
    _check(net, x, rng.normal(size=(5, 2)))


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("loss", ["bce", "cross_entropy"])
def test_unfused_probability_losses(backend, loss, rng):
    # bce on a softmax output and cross-entropy on a sigmoid output take the
    # general (clipped, unfused) path.
    out_act = "softmax" if loss == "bce" else "sigmoid"
    net = pn.Network([pn.Dense(4, "relu"), pn.Dense(3, out_act)], inputs=2, loss=loss,
                     optimizer=pn.SGD(1.0), seed=4, dtype="float64", backend=backend)
    x = rng.normal(size=(6, 2))
    _check(net, x, _targets(loss, rng, 6, 3))
