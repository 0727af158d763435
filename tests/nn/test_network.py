"""Network behaviour: learning, the reference mathematics, parameters and validation."""

import numpy as np
import pytest

import pyneural as pn
from pyneural.errors import InvalidTypeError, InvalidValueError, TrainingDivergedError

from ..conftest import BACKENDS
from .reference import train_mse


@pytest.mark.parametrize("backend", BACKENDS)
def test_xor_learns(backend):
    x, y = pn.datasets.xor()
    net = pn.Network([pn.Dense(3, "tanh"), pn.Dense(1, "tanh")], inputs=2, optimizer=pn.SGD(0.1),
                     seed=0, backend=backend)
    net.fit(x, y, epochs=1500, batch_size=1, verbose=0)
    assert net.evaluate(x, y)["loss"] < 0.01
    np.testing.assert_array_equal(np.round(net.predict(x)), y)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("optimizer", [("sgd",), ("momentum", 0.9), ("adam", 0.9, 0.999, 1e-7)])
def test_matches_independent_reference(backend, optimizer, rng):
    acts = ["relu", "tanh", "linear"]
    x, y = rng.normal(size=(20, 4)), rng.normal(size=(20, 2))
    start = [(rng.normal(size=(4, 5)) * 0.5, rng.normal(size=5) * 0.1),
             (rng.normal(size=(5, 3)) * 0.5, rng.normal(size=3) * 0.1),
             (rng.normal(size=(3, 2)) * 0.5, rng.normal(size=2) * 0.1)]
    sched = pn.InverseTimeDecay(0.02, 1, 0.5)
    opt = {"sgd": pn.SGD(sched), "momentum": pn.Momentum(sched, 0.9), "adam": pn.Adam(sched)}[optimizer[0]]
    net = pn.Network([pn.Dense(5, "relu"), pn.Dense(3, "tanh"), pn.Dense(2)], inputs=4, optimizer=opt,
                     dtype="float64", backend=backend, seed=0)
    net.set_params([{"weights": w, "biases": b} for w, b in start])
    net.fit(x, y, epochs=4, batch_size=6, shuffle=False, verbose=0)
    expected = train_mse(start, acts, x, y, 4, 6, optimizer, sched)
    for got, (w, b) in zip(net.get_params(), expected):
        np.testing.assert_allclose(got["weights"], w, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(got["biases"], b, rtol=1e-10, atol=1e-12)


def test_history_and_validation(rng):
    x, y = rng.normal(size=(30, 3)), rng.normal(size=30)
    net = pn.Network([pn.Dense(4, "relu"), pn.Dense(1)], inputs=3, seed=0)
    seen = []
    hist = net.fit(x, y, epochs=3, batch_size=8, validation_data=(x, y), verbose=0,
                   callbacks=[lambda e, logs: seen.append((e, sorted(logs)))])
    assert hist.epoch == [0, 1, 2] and len(hist["loss"]) == 3
    assert set(hist.history) == {"loss", "val_loss", "val_loss_std", "val_r2"}
    assert seen[0] == (0, ["loss", "val_loss", "val_loss_std", "val_r2"])
    ev = net.evaluate(x, y)
    assert ev["loss"] == pytest.approx(hist["val_loss"][-1]) and ev["r2"] == pytest.approx(hist["val_r2"][-1])
    hist2 = net.fit(x, y, epochs=2, verbose=0)
    assert hist2.epoch == [3, 4] and net.epoch == 5


def test_callback_can_stop(rng):
    x, y = rng.normal(size=(10, 2)), rng.normal(size=10)
    net = pn.Network([pn.Dense(1)], inputs=2, seed=0)
    hist = net.fit(x, y, epochs=10, verbose=0, callbacks=[lambda e, logs: e == 2])
    assert len(hist) == 3 and hist.stopped == "callback"


def test_fit_prints_one_line_per_epoch(rng, capsys):
    x, y = rng.normal(size=(10, 2)), rng.normal(size=10)
    pn.Network([pn.Dense(1)], inputs=2, seed=0).fit(x, y, epochs=2)
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 2 and "loss" in out[0]


def test_predict_shape_and_dtype(rng):
    net = pn.Network([pn.Dense(3, "softmax")], inputs=4, seed=0, dtype="float64")
    p = net.predict(rng.normal(size=(6, 4)))
    assert p.shape == (6, 3) and p.dtype == np.float64
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    assert net.predict(np.empty((0, 4))).shape == (0, 3)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf, 1e300])
def test_predict_names_the_first_non_finite_entry(backend, dtype, threads, value, rng):
    """The native engine scans X itself while predicting; the error still names the
    first bad entry, in any inference block, and 1e300 overflows float32 to inf."""
    net = pn.Network([pn.Dense(5, "relu"), pn.Dense(2)], inputs=3, seed=0, dtype=dtype, backend=backend,
                     n_threads=threads)
    x = rng.normal(size=(1000, 3))
    clean = net.predict(x)
    for row, col in [(0, 0), (999, 2), (500, 1)]:
        bad = x.copy()
        bad[row, col] = value
        if value == 1e300 and dtype == "float64":  # finite in float64: no error
            assert net.predict(bad).shape == (1000, 2)
            continue
        bad[row + 1:, :] = np.nan  # later bad entries are not the ones reported
        with pytest.raises(InvalidValueError, match=f"X: contains NaN or infinite values \\(first at row {row}, column {col}\\)"):
            net.predict(bad)
    np.testing.assert_array_equal(net.predict(x), clean)  # nothing was left behind


@pytest.mark.parametrize("backend", BACKENDS)
def test_divergence_raises_and_keeps_last_finite_params(backend, rng):
    x, y = rng.normal(size=(20, 3)) * 100, rng.normal(size=20) * 1e6
    net = pn.Network([pn.Dense(8, "relu"), pn.Dense(1)], inputs=3, optimizer=pn.SGD(10.0), seed=0,
                     dtype="float32", backend=backend)
    with pytest.raises(TrainingDivergedError, match="epoch") as info:
        net.fit(x, y, epochs=50, batch_size=5, verbose=0)
    assert info.value.epoch is not None
    for p in net.get_params():
        assert np.isfinite(p["weights"]).all() and np.isfinite(p["biases"]).all()
    assert net.epoch == info.value.epoch
    net2 = pn.Network([pn.Dense(8, "relu"), pn.Dense(1)], inputs=3, optimizer=pn.SGD(10.0), seed=0,
                      dtype="float32", backend=backend)
    hist = net2.fit(x, y, epochs=50, batch_size=5, verbose=0, on_divergence="stop")
    assert hist.stopped == "diverged" and len(hist) == info.value.epoch


def test_set_params_validates_everything_before_changing(rng):
    net = pn.Network([pn.Dense(3), pn.Dense(1)], inputs=2, seed=0)
    before = net.get_params()
    bad = net.get_params()
    bad[0]["weights"] = np.zeros((2, 3))
    bad[1]["biases"] = np.zeros(2)
    with pytest.raises(InvalidValueError, match=r"params\[1\]\['biases'\]: expected shape \(1,\)"):
        net.set_params(bad)
    np.testing.assert_array_equal(net.get_params()[0]["weights"], before[0]["weights"])
    with pytest.raises(InvalidValueError, match="NaN"):
        net.set_params([{"weights": np.full((2, 3), np.nan), "biases": np.zeros(3)}, before[1]])
    with pytest.raises(InvalidValueError, match="expected 2 layers"):
        net.set_params(before[:1])
    params = net.get_params()
    params[0]["weights"][...] = 7  # get_params returns copies
    assert not np.array_equal(net.get_params()[0]["weights"], params[0]["weights"])


@pytest.mark.parametrize("call,match", [
    (lambda net, x, y: net.fit(x[:, :2], y, epochs=1), "X: expected 3 feature"),
    (lambda net, x, y: net.fit(x[:, 0], y, epochs=1), "X: expected a 2-D array"),
    (lambda net, x, y: net.fit(x, y[:5], epochs=1), "y: has 5 rows but X has 10"),
    (lambda net, x, y: net.fit(x, y, epochs=1, batch_size=0), "batch_size"),
    (lambda net, x, y: net.fit(x, y, epochs=-1), "epochs"),
    (lambda net, x, y: net.fit(np.where(x > 0, np.nan, x), y, epochs=1), "X: contains NaN"),
    (lambda net, x, y: net.fit(x, np.full_like(y, np.inf), epochs=1), "y: contains NaN or infinite"),
    (lambda net, x, y: net.predict(x[:, :1]), "X: expected 3 feature"),
    (lambda net, x, y: net.evaluate(x, y[:, None].repeat(2, 1)), "y: expected 1 feature"),
    (lambda net, x, y: net.fit(x, y, validation_data=(x,), epochs=1), "validation_data"),
    (lambda net, x, y: net.fit(x[:0], y[:0], epochs=1), "at least one row"),
])
def test_invalid_data_raise_value_errors(call, match, rng):
    net = pn.Network([pn.Dense(2, "relu"), pn.Dense(1)], inputs=3, seed=0)
    x, y = rng.normal(size=(10, 3)), rng.normal(size=10)
    with pytest.raises(ValueError, match=match):
        call(net, x, y)


def test_non_numeric_input_is_a_type_error():
    net = pn.Network([pn.Dense(1)], inputs=2, seed=0)
    with pytest.raises(InvalidTypeError, match="X: expected numeric"):
        net.predict(np.array([["a", "b"]]))


@pytest.mark.parametrize("make,exc,match", [
    (lambda: pn.Dense(0), InvalidValueError, "units"),
    (lambda: pn.Dense(-3), InvalidValueError, "units"),
    (lambda: pn.Dense(2.5), InvalidTypeError, "units"),
    (lambda: pn.Dense(2, activation="swish"), InvalidValueError, "activation: unknown activation 'swish'"),
    (lambda: pn.Dense(2, weights_init="orthogonal"), InvalidValueError, "weights_init"),
    (lambda: pn.Dense(2, dropout=1.0), InvalidValueError, "dropout"),
    (lambda: pn.Network([pn.Dense(1)], inputs=0), InvalidValueError, "inputs"),
    (lambda: pn.Network([], inputs=2), InvalidValueError, "layers"),
    (lambda: pn.Network([3], inputs=2), InvalidTypeError, r"layers\[0\]"),
    (lambda: pn.Network([pn.Dense(1)], inputs=2, loss="hinge"), InvalidValueError, "loss: unknown loss 'hinge'"),
    (lambda: pn.Network([pn.Dense(1)], inputs=2, optimizer="rmsprop"), InvalidValueError, "optimizer"),
    (lambda: pn.Network([pn.Dense(1)], inputs=2, dtype="float16"), InvalidValueError, "dtype"),
    (lambda: pn.Network([pn.Dense(1)], inputs=2, backend="cuda"), InvalidValueError, "backend"),
    (lambda: pn.Network([pn.Dense(1)], inputs=2, seed=-1), InvalidValueError, "seed"),
    (lambda: pn.Network([pn.Dense(1)], inputs=2, n_threads=0), InvalidValueError, "n_threads"),
])
def test_invalid_configuration(make, exc, match):
    with pytest.raises(exc, match=match):
        make()


def test_threads_setting():
    old = pn.get_num_threads()
    try:
        pn.set_num_threads(1)
        assert pn.get_num_threads() == 1
        with pytest.raises(InvalidValueError):
            pn.set_num_threads(0)
    finally:
        pn.set_num_threads(None)
    assert pn.get_num_threads() == old


def test_show_config(capsys):
    info = pn.show_config()
    out = capsys.readouterr().out
    assert info["version"] == pn.__version__ and "OpenMP" in out and "CPU kernel" in out
    assert isinstance(info["openmp"], bool) and info["threads"] >= 1
