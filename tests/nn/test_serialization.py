"""Save/load round trips (bit-exact) and validation of files."""

import json

import numpy as np
import pytest

import pyneural as pn
from pyneural.errors import FileFormatError, InvalidValueError


def _trained(backend="native", dtype="float32"):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(40, 3)), rng.normal(size=(40, 2))
    net = pn.Network([pn.Dense(5, "relu", dropout=0.2), pn.Dense(4, "tanh", optimizer=pn.Momentum(0.01)),
                      pn.Dense(2)], inputs=3, optimizer=pn.Adam(pn.InverseTimeDecay(0.01, 3, 0.5)),
                     seed=5, dtype=dtype, backend=backend)
    net.fit(x, y, epochs=3, batch_size=8, verbose=0)
    return net, x, y


@pytest.mark.parametrize("suffix", [".json", ".npz"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_round_trip_is_bit_exact_and_resumes(tmp_path, suffix, dtype):
    net, x, y = _trained(dtype=dtype)
    path = tmp_path / f"model{suffix}"
    net.save(path)
    loaded = pn.Network.load(path)
    for a, b in zip(net.get_params(), loaded.get_params()):
        assert a["weights"].dtype == b["weights"].dtype
        assert np.array_equal(a["weights"], b["weights"]) and np.array_equal(a["biases"], b["biases"])
    assert np.array_equal(net.predict(x), loaded.predict(x))
    assert loaded.get_config() == net.get_config()
    # Training continues identically (optimizer state, counters and shuffle state saved).
    net.fit(x, y, epochs=2, batch_size=8, verbose=0)
    loaded.fit(x, y, epochs=2, batch_size=8, verbose=0)
    for a, b in zip(net.get_params(), loaded.get_params()):
        assert np.array_equal(a["weights"], b["weights"])


def test_json_is_readable(tmp_path):
    net, _, _ = _trained()
    net.save(tmp_path / "m.json")
    doc = json.loads((tmp_path / "m.json").read_text())
    assert doc["format"] == "pyneural.network" and doc["config"]["layers"][0]["units"] == 5
    assert len(doc["params"][0]["weights"]) == 3


def test_load_into_other_backend(tmp_path):
    net, x, _ = _trained()
    net.save(tmp_path / "m.npz")
    other = pn.Network.load(tmp_path / "m.npz", backend="numpy")
    assert other.backend == "numpy"
    np.testing.assert_allclose(other.predict(x), net.predict(x), rtol=1e-5, atol=1e-6)


def test_bad_files(tmp_path):
    net, _, _ = _trained()
    with pytest.raises(FileFormatError, match=".json or .npz"):
        net.save(tmp_path / "m.pkl")
    with pytest.raises(FileFormatError, match="no such file"):
        pn.Network.load(tmp_path / "missing.json")
    net.save(tmp_path / "m.json")
    doc = json.loads((tmp_path / "m.json").read_text())
    cases = {
        "format": lambda d: d.update(format="other"),
        "version": lambda d: d.update(version=99),
        r"params\[0\].weights: expected shape": lambda d: d["params"][0].update(weights=[[1.0]]),
        "config": lambda d: d["config"]["layers"][0].update(units=0),
        "is missing": lambda d: d.pop("params"),
        r"epoch and step must be < 2\*\*62": lambda d: d["state"].update(step=2**70),
    }
    for match, mutate in cases.items():
        bad = json.loads(json.dumps(doc))
        mutate(bad)
        (tmp_path / "bad.json").write_text(json.dumps(bad))
        with pytest.raises(FileFormatError, match=match):
            pn.Network.load(tmp_path / "bad.json")
    (tmp_path / "bad.json").write_text(json.dumps(doc).replace("[[", "[[NaN, ", 1))
    with pytest.raises(FileFormatError):
        pn.Network.load(tmp_path / "bad.json")
    (tmp_path / "trunc.npz").write_bytes(b"PK\x03\x04garbage")
    with pytest.raises(FileFormatError):
        pn.Network.load(tmp_path / "trunc.npz")


def test_failed_save_leaves_old_file(tmp_path, monkeypatch):
    net, _, _ = _trained()
    path = tmp_path / "m.json"
    net.save(path)
    before = path.read_bytes()

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(json, "dumps", boom)
    with pytest.raises(RuntimeError):
        net.save(path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]


@pytest.mark.parametrize("suffix", [".json", ".npz"])
def test_a_diverged_network_is_not_saved(tmp_path, suffix):
    """NaN or infinite parameters could not be loaded back: save refuses them and
    leaves the previous file as it was."""
    net, _, _ = _trained()
    path = tmp_path / f"m{suffix}"
    net.save(path)
    before = path.read_bytes()
    net._slots[1][0][0, 0] = np.inf
    with pytest.raises(InvalidValueError, match="weights of layer 1 contain NaN or infinite values"):
        net.save(path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
