"""Networks pickle as plain data (config + parameters + optimizer state + counters)
and come back bit-exact, engine rebuilt, training resuming identically."""

import copy
import pickle

import numpy as np
import pytest

import pyneural as pn
from pyneural.errors import FileFormatError, InvalidValueError


def _trained(backend="native", dtype="float32", seed=5):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(40, 3)), rng.normal(size=(40, 2))
    net = pn.Network([pn.Dense(5, "relu", dropout=0.2), pn.Dense(4, "tanh", optimizer=pn.Momentum(0.01)),
                      pn.Dense(2)], inputs=3, optimizer=pn.Adam(pn.InverseTimeDecay(0.01, 3, 0.5)),
                     seed=seed, dtype=dtype, backend=backend, n_threads=1)
    net.fit(x, y, epochs=3, batch_size=8, verbose=0)
    return net, x, y


def _plain(value) -> bool:
    """True when ``value`` holds only builtins and NumPy arrays/scalars."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return all(_plain(v) for v in value)
    return value is None or isinstance(value, (bool, int, float, str, np.ndarray, np.generic))


@pytest.mark.parametrize("backend", ["native", "numpy"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_round_trip_is_bit_exact_and_resumes(backend, dtype):
    net, x, y = _trained(backend, dtype)
    back = pickle.loads(pickle.dumps(net))
    assert back.get_config() == net.get_config() and back.n_threads == 1
    assert (back.epoch, back.step) == (net.epoch, net.step)
    assert np.array_equal(back.predict(x), net.predict(x))
    for a, b in zip(net.get_params(), back.get_params()):
        assert a["weights"].dtype == b["weights"].dtype == np.dtype(dtype)
        assert not np.shares_memory(a["weights"], b["weights"])
    # Optimizer state, counters, shuffle and dropout streams survive: training continues identically.
    net.fit(x, y, epochs=2, batch_size=8, verbose=0)
    back.fit(x, y, epochs=2, batch_size=8, verbose=0)
    for a, b in zip(net.get_params(), back.get_params()):
        assert np.array_equal(a["weights"], b["weights"]) and np.array_equal(a["biases"], b["biases"])


def test_unseeded_network_keeps_its_streams():
    net, x, y = _trained(seed=None)
    back = pickle.loads(pickle.dumps(net))
    assert back._dropout_seed == net._dropout_seed
    net.fit(x, y, epochs=1, batch_size=8, verbose=0)
    back.fit(x, y, epochs=1, batch_size=8, verbose=0)
    assert np.array_equal(net.predict(x), back.predict(x))


def test_state_is_plain_data_and_small():
    net, _, _ = _trained()
    state = net.__getstate__()
    assert _plain(state), "the pickled state must not hold the engine or other objects"
    assert state["format"] == "pyneural.network" and state["config"] == net.get_config()
    n_values = sum(w.size + b.size for w, b, _, _ in net._slots)
    assert len(pickle.dumps(net)) < 4096 + 3 * 4 * n_values * 2  # parameters + Adam/momentum state


def test_deepcopy_and_copy_are_independent():
    net, x, y = _trained()
    for dup in (copy.deepcopy(net), copy.copy(net)):
        assert np.array_equal(dup.predict(x), net.predict(x))
        dup.fit(x, y, epochs=1, batch_size=8, verbose=0)
        assert not np.array_equal(dup.predict(x), net.predict(x))


def test_bad_state_is_rejected():
    net, _, _ = _trained()
    blank = pn.Network.__new__(pn.Network)
    with pytest.raises(InvalidValueError, match="state"):
        blank.__setstate__({"format": "something else"})
    state = net.__getstate__()
    state["params"][0]["weights"] = np.zeros((2, 2))
    with pytest.raises(FileFormatError, match=r"params\[0\].weights: expected shape"):
        pn.Network.__new__(pn.Network).__setstate__(state)
