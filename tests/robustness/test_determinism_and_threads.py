"""Determinism (same seed -> bit-identical parameters whatever n_threads), many
networks training in Python threads, read-only and memory-mapped inputs, and
resident memory over many fit/predict cycles."""

import os
import threading

import numpy as np
import pytest

import pyneural as pn


def _train(n_threads, dtype="float32", width=192, rows=700, epochs=2):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(rows, 150)), rng.normal(size=(rows, 3))
    net = pn.Network([pn.Dense(width, "relu", dropout=0.1), pn.Dense(width, "tanh"), pn.Dense(3)], inputs=150,
                     seed=4, dtype=dtype, n_threads=n_threads)
    net.fit(x, y, epochs=epochs, batch_size=256, verbose=0)
    return net, x


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_bit_identical_whatever_the_thread_count(dtype):
    a, x = _train(1, dtype)
    b, _ = _train(2, dtype)
    for pa, pb in zip(a.get_params(), b.get_params()):
        assert np.array_equal(pa["weights"], pb["weights"]) and np.array_equal(pa["biases"], pb["biases"])
    assert np.array_equal(a.predict(x), b.predict(x))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_inference_over_many_blocks_is_bit_identical_whatever_the_thread_count(dtype):
    # 5,000 rows are 27 blocks of 192 (the last one partial), which the threads
    # take in a run-time order (guided schedule): every row must still come out
    # the same, and evaluate's loss and R² too.
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(5000, 34)), rng.normal(size=(5000, 2))
    nets = [pn.Network([pn.Dense(35, "relu"), pn.Dense(35, "tanh"), pn.Dense(2)], inputs=34, seed=1, dtype=dtype,
                       n_threads=threads) for threads in (1, 2, 3, 5)]
    reference = nets[0].predict(x)
    scores = nets[0].evaluate(x, y)
    for net in nets[1:]:
        for _ in range(3):
            assert np.array_equal(net.predict(x), reference)
            assert net.evaluate(x, y) == scores


@pytest.mark.parametrize("optimizer", [pn.Adam(1e-3), pn.Momentum(0.01), pn.SGD(0.01)], ids=["adam", "momentum", "sgd"])
def test_threaded_updates_of_large_layers_are_bit_identical(optimizer):
    """Layers of >= 2 x 65,536 weights (and batches of >= 2 x 65,536 activations) have
    their optimizer update, activation backward and bias gradient split between
    threads, and so has the gather of a batch of >= 2 x 65,536 input values."""
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(600, 300)), rng.normal(size=(600, 2))
    nets = []
    for n_threads in (1, 2):
        net = pn.Network([pn.Dense(400, "tanh"), pn.Dense(400, "relu"), pn.Dense(2)], inputs=300, seed=3,
                         optimizer=optimizer, n_threads=n_threads)
        net.fit(x, y, epochs=2, batch_size=512, verbose=0)
        nets.append(net)
    for pa, pb in zip(nets[0].get_params(), nets[1].get_params()):
        assert np.array_equal(pa["weights"], pb["weights"]) and np.array_equal(pa["biases"], pb["biases"])
    ref = pn.Network([pn.Dense(400, "tanh"), pn.Dense(400, "relu"), pn.Dense(2)], inputs=300, seed=3,
                     optimizer=optimizer, backend="numpy")
    ref.fit(x, y, epochs=2, batch_size=512, verbose=0)
    for pa, pr in zip(nets[1].get_params(), ref.get_params()):  # and right, not just repeatable
        np.testing.assert_allclose(pa["weights"], pr["weights"], rtol=1e-3, atol=1e-4)


_LARGE_LAYER_FIT = """
import sys, numpy as np, pyneural as pn
rng = np.random.default_rng(2)
x, y = rng.normal(size=(600, 150)), rng.normal(size=(600, 2))
net = pn.Network([pn.Dense(400, "tanh"), pn.Dense(2)], inputs=150, seed=3, n_threads=int(sys.argv[1]))
net.fit(x, y, epochs=2, batch_size=512, verbose=0)
np.save(sys.argv[2], np.concatenate([p[k].ravel() for p in net.get_params() for k in ("weights", "biases")]))
"""


def test_threaded_updates_cover_everything_when_openmp_gives_fewer_threads(tmp_path):
    """With OMP_THREAD_LIMIT=1 a request for 2 threads gets a team of 1: the split
    must follow the team actually given, or half of each update would be skipped."""
    import subprocess
    import sys

    outs = []
    for limit, threads in (("1", 2), (None, 1)):
        env = dict(os.environ)
        env.pop("OMP_THREAD_LIMIT", None)
        if limit:
            env["OMP_THREAD_LIMIT"] = limit
        out = tmp_path / f"params_{threads}.npy"
        subprocess.run([sys.executable, "-c", _LARGE_LAYER_FIT, str(threads), str(out)], env=env, check=True,
                       timeout=120)
        outs.append(np.load(out))
    assert np.array_equal(outs[0], outs[1])


def test_networks_in_python_threads_match_sequential_runs():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(400, 8)), rng.normal(size=400)

    def make(seed):
        return pn.Network([pn.Dense(16, "relu"), pn.Dense(1)], inputs=8, seed=seed, n_threads=1)

    sequential = [make(s) for s in range(6)]
    for net in sequential:
        net.fit(x, y, epochs=5, batch_size=32, verbose=0)
    threaded = [make(s) for s in range(6)]
    errors = []

    def work(net):
        try:
            net.fit(x, y, epochs=5, batch_size=32, verbose=0)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(net,)) for net in threaded]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for a, b in zip(sequential, threaded):
        for pa, pb in zip(a.get_params(), b.get_params()):
            assert np.array_equal(pa["weights"], pb["weights"])


def test_read_only_and_memory_mapped_inputs(tmp_path):
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(64, 4)).astype(np.float32), rng.normal(size=64).astype(np.float32)
    np.save(tmp_path / "x.npy", x)
    xm = np.load(tmp_path / "x.npy", mmap_mode="r")
    ro = x.copy()
    ro.setflags(write=False)
    a = pn.Network([pn.Dense(4, "relu"), pn.Dense(1)], inputs=4, seed=0)
    b = pn.Network([pn.Dense(4, "relu"), pn.Dense(1)], inputs=4, seed=0)
    a.fit(xm, y, epochs=2, verbose=0)
    b.fit(ro, y, epochs=2, verbose=0)
    assert np.array_equal(a.predict(xm), b.predict(ro))
    assert np.array_equal(a.predict(xm[::2]), a.predict(np.ascontiguousarray(xm[::2])))
    assert np.array_equal(a.predict(np.asfortranarray(x)), a.predict(x))


def _rss_mb():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * 4096 / 2**20


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs /proc (Linux)")
@pytest.mark.skipif("libasan" in os.environ.get("LD_PRELOAD", ""),
                    reason="AddressSanitizer's quarantine keeps freed memory resident (tools/sanitize.sh)")
def test_resident_memory_is_stable_over_1000_fit_predict_cycles():
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(64, 6)).astype(np.float32), rng.normal(size=64).astype(np.float32)

    def cycle():
        net = pn.Network([pn.Dense(16, "relu"), pn.Dense(1)], inputs=6, seed=0)
        net.fit(x, y, epochs=1, batch_size=16, verbose=0, validation_data=(x, y))
        net.predict(x)

    for _ in range(50):  # allocator and import warm-up
        cycle()
    before = _rss_mb()
    for _ in range(1000):
        cycle()
    assert _rss_mb() - before < 20
