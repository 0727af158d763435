"""The native engine against the NumPy reference: same seed, same mathematics.

After three seeded epochs the parameters must agree to 1e-10 in float64 and
closely in float32, for every activation, loss and optimizer, with and without
shuffling and dropout.
"""

import numpy as np
import pytest

import pyneural as pn

OPTIMIZERS = {
    "sgd": lambda: pn.SGD(0.05),
    "momentum": lambda: pn.Momentum(0.02, 0.9),
    "adam": lambda: pn.Adam(0.01),
    "adam_schedule": lambda: pn.Adam(pn.InverseTimeDecay(0.01, 2, 1.0)),
}


def _data(loss, rng, n, inputs, outs):
    x = rng.normal(size=(n, inputs))
    if loss == "cross_entropy":
        y = np.eye(outs)[rng.integers(0, outs, n)]
    elif loss == "bce":
        y = rng.integers(0, 2, (n, outs)).astype(float)
    else:
        y = rng.normal(size=(n, outs))
    return x, y


def _train_both(layers, loss, optimizer, dtype, shuffle, rng, n=37, inputs=5, epochs=3, batch=8):
    outs = layers[-1].units
    x, y = _data(loss, rng, n, inputs, outs)
    nets = {}
    for backend in ("native", "numpy"):
        net = pn.Network(layers, inputs=inputs, loss=loss, optimizer=OPTIMIZERS[optimizer](), seed=7,
                         dtype=dtype, backend=backend)
        hist = net.fit(x, y, epochs=epochs, batch_size=batch, shuffle=shuffle, verbose=0,
                       validation_data=(x[:9], y[:9]))
        nets[backend] = (net, hist)
    return nets


def _assert_same(nets, dtype):
    (a, ha), (b, hb) = nets["native"], nets["numpy"]
    tol = dict(rtol=1e-10, atol=1e-10) if dtype == "float64" else dict(rtol=2e-3, atol=2e-4)
    for pa, pb in zip(a.get_params(), b.get_params()):
        np.testing.assert_allclose(pa["weights"], pb["weights"], **tol)
        np.testing.assert_allclose(pa["biases"], pb["biases"], **tol)
    for key in ("loss", "val_loss", "val_r2", "val_loss_std"):
        np.testing.assert_allclose(ha[key], hb[key], rtol=1e-9 if dtype == "float64" else 2e-3, atol=1e-9 if dtype == "float64" else 1e-4)
    assert a.epoch == b.epoch and a.step == b.step


CASES = [
    ("relu", "linear", "mse"), ("tanh", "tanh", "mse"), ("sigmoid", "linear", "mae"),
    ("relu", "sigmoid", "bce"), ("tanh", "softmax", "cross_entropy"), ("linear", "relu", "mse"),
    ("softmax", "linear", "mse"), ("relu", "softmax", "bce"), ("tanh", "sigmoid", "cross_entropy"),
]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("hidden,out,loss", CASES)
@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
def test_parity_activations_losses_optimizers(dtype, hidden, out, loss, optimizer, rng):
    outs = 3 if loss in ("cross_entropy",) or out == "softmax" else 2
    layers = [pn.Dense(6, hidden), pn.Dense(4, hidden), pn.Dense(outs, out)]
    _assert_same(_train_both(layers, loss, optimizer, dtype, True, rng), dtype)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("shuffle", [True, False])
@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_parity_dropout_and_shuffle(dtype, shuffle, optimizer, rng):
    layers = [pn.Dense(8, "relu"), pn.Dense(8, "relu", dropout=0.3), pn.Dense(2, dropout=0.1)]
    _assert_same(_train_both(layers, "mse", optimizer, dtype, shuffle, rng), dtype)


def test_parity_per_layer_optimizer(rng):
    layers = [pn.Dense(6, "relu", optimizer=pn.Momentum(0.01)), pn.Dense(1, optimizer="sgd")]
    _assert_same(_train_both(layers, "mse", "adam", "float64", True, rng), "float64")


def test_parity_batch_not_dividing_rows(rng):
    layers = [pn.Dense(5, "tanh"), pn.Dense(1)]
    _assert_same(_train_both(layers, "mse", "adam", "float64", True, rng, n=41, batch=16), "float64")


def test_same_seed_same_initial_weights_and_batches():
    a = pn.Network([pn.Dense(4, "relu"), pn.Dense(1)], inputs=3, seed=11, backend="native")
    b = pn.Network([pn.Dense(4, "relu"), pn.Dense(1)], inputs=3, seed=11, backend="numpy")
    for pa, pb in zip(a.get_params(), b.get_params()):
        assert np.array_equal(pa["weights"], pb["weights"]) and np.array_equal(pa["biases"], pb["biases"])
    assert np.array_equal(a._epoch_order(50, True), b._epoch_order(50, True))
    c = pn.Network([pn.Dense(4, "relu"), pn.Dense(1)], inputs=3, seed=12)
    assert not np.array_equal(a.get_params()[0]["weights"], c.get_params()[0]["weights"])


def test_dropout_is_inverted_and_identity_at_inference(rng):
    # With dropout only on the input of a linear layer with unit weights, the
    # training-time output is the sum of kept inputs scaled by 1/(1-p), while
    # predict() uses all inputs unscaled.
    net = pn.Network([pn.Dense(1, dropout=0.5)], inputs=400, optimizer=pn.SGD(1e-300), seed=3,
                     dtype="float64", backend="numpy")
    net.set_params([{"weights": np.ones((400, 1)), "biases": np.zeros(1)}])
    x = np.ones((1, 400))
    assert net.predict(x)[0, 0] == 400.0
    from pyneural.nn.dropout import dropout_key, dropout_mask

    mask = dropout_mask(dropout_key(net._dropout_seed, 0, 0, 0), 0.5, (1, 400), np.float64)
    kept = np.count_nonzero(mask)
    assert set(np.unique(mask)) == {0.0, 2.0}
    assert 150 < kept < 250


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_parity_for_every_cpu_kernel(dtype, rng):
    """Every compiled instruction set (GEMM and element-wise kernels) trains like the oracle."""
    from pyneural import _core

    active = _core.cpu_kernel()
    layers = [pn.Dense(19, "relu"), pn.Dense(7, "tanh", dropout=0.2), pn.Dense(3, "sigmoid")]
    try:
        for isa in _core.available_cpu_kernels():
            _core.set_cpu_kernel(isa)
            for opt in ("adam", "momentum", "sgd"):
                _assert_same(_train_both(layers, "mse", opt, dtype, True, rng, n=53, inputs=11), dtype)
    finally:
        _core.set_cpu_kernel(active)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("out", ["linear", "relu", "tanh", "sigmoid", "softmax"])
@pytest.mark.parametrize("rows", [1, 7, 255, 256, 257, 1300])
def test_predict_parity(dtype, out, rows, rng):
    """Batched native inference (feature-major, in blocks) equals the NumPy oracle."""
    layers = [pn.Dense(13, "relu"), pn.Dense(9, "tanh"), pn.Dense(5, "sigmoid"), pn.Dense(4, out)]
    x = rng.normal(size=(rows, 6))
    a = pn.Network(layers, inputs=6, seed=3, dtype=dtype, backend="native")
    b = pn.Network(layers, inputs=6, seed=3, dtype=dtype, backend="numpy")
    tol = dict(rtol=1e-12, atol=1e-12) if dtype == "float64" else dict(rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(a.predict(x), b.predict(x), **tol)
