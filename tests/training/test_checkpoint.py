"""Checkpoint and resume: a fit killed mid-way resumes to bit-identical parameters."""

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import pyneural as pn
from pyneural.errors import FileFormatError

SCRIPT = textwrap.dedent("""
    import os, signal, sys
    import numpy as np
    import pyneural as pn
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(300, 4)), rng.normal(size=(300, 1))
    net = pn.Network([pn.Dense(8, "relu", dropout=0.1), pn.Dense(1)], inputs=4, optimizer=pn.Adam(0.01),
                     seed=3, dtype="{dtype}", backend="{backend}")
    kill_at = int(sys.argv[2])
    def maybe_die(epoch, logs):
        if epoch == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
    net.fit(x, y, epochs=8, batch_size=32, validation_data=(x[:50], y[:50]), verbose=0,
            checkpoint=sys.argv[1], checkpoint_every=2, callbacks=[maybe_die])
    net.save(os.path.join(sys.argv[1], "final.npz"))
""")


def _run(tmp_path, ckpt, kill_at, dtype, backend):
    script = tmp_path / "train.py"
    script.write_text(SCRIPT.format(dtype=dtype, backend=backend))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(Path(pn.__file__).parents[1])] + sys.path))
    return subprocess.run([sys.executable, str(script), str(ckpt), str(kill_at)], env=env, capture_output=True)


@pytest.mark.parametrize("backend,dtype", [("native", "float32"), ("numpy", "float64")])
def test_killed_fit_resumes_bit_for_bit(tmp_path, backend, dtype):
    full = _run(tmp_path, tmp_path / "full", -1, dtype, backend)
    assert full.returncode == 0, full.stderr.decode()
    assert not (tmp_path / "full" / "checkpoint.npz").exists()  # removed on completion

    killed = _run(tmp_path, tmp_path / "ckpt", 4, dtype, backend)
    assert killed.returncode == -signal.SIGKILL
    assert (tmp_path / "ckpt" / "checkpoint.npz").exists()
    resumed = _run(tmp_path, tmp_path / "ckpt", -1, dtype, backend)
    assert resumed.returncode == 0, resumed.stderr.decode()

    a = pn.Network.load(tmp_path / "full" / "final.npz")
    b = pn.Network.load(tmp_path / "ckpt" / "final.npz")
    assert a.epoch == b.epoch == 8
    for pa, pb in zip(a.get_params(), b.get_params()):
        assert np.array_equal(pa["weights"], pb["weights"]) and np.array_equal(pa["biases"], pb["biases"])


def test_resume_restores_history_and_refuses_other_data(tmp_path, rng):
    x, y = rng.normal(size=(40, 2)), rng.normal(size=40)
    net = pn.Network([pn.Dense(3, "tanh"), pn.Dense(1)], inputs=2, seed=0)

    def stop_at_2(epoch, logs):
        return epoch == 2

    net.fit(x, y, epochs=6, verbose=0, checkpoint=tmp_path, callbacks=[stop_at_2])
    assert (tmp_path / "checkpoint.npz").exists()  # stopped early: kept
    other = pn.Network([pn.Dense(3, "tanh"), pn.Dense(1)], inputs=2, seed=0)
    with pytest.raises(FileFormatError, match="other data"):
        other.fit(x + 1, y, epochs=6, verbose=0, checkpoint=tmp_path)
    fresh = pn.Network([pn.Dense(3, "tanh"), pn.Dense(1)], inputs=2, seed=0)
    hist = fresh.fit(x, y, epochs=6, verbose=0, checkpoint=tmp_path)
    assert hist.epoch == [0, 1, 2, 3, 4, 5] and fresh.epoch == 6
    ref = pn.Network([pn.Dense(3, "tanh"), pn.Dense(1)], inputs=2, seed=0)
    ref_hist = ref.fit(x, y, epochs=6, verbose=0)
    assert hist["loss"] == ref_hist["loss"]


RUN_SCRIPT = textwrap.dedent("""
    import os, signal, sys
    import pyneural as pn
    from pyneural.model_spec import ModelSpec
    from pyneural.training.runner import run_spec
    spec = ModelSpec.from_dict({{
        "name": "ckpt", "dataset": pn.datasets.king_county_spec().to_dict(),
        "network": {{"layers": [{{"units": 8, "activation": "relu", "dropout": 0.1}}, {{"units": "outputs"}}]}},
        "training": {{"epochs": 6, "batch_size": 64, "trainer": {{"kfolds": 3}}}}}})
    table = pn.datasets.synthetic_housing(n_rows=450, seed=2)
    def maybe_die(fold, epoch, metrics):
        if (fold, epoch) == ({kill},):
            os.kill(os.getpid(), signal.SIGKILL)
    result = run_spec(spec, table, verbose=0, n_jobs=1, checkpoint=sys.argv[1], checkpoint_every=2,
                      on_epoch_end=maybe_die)
    result.save(sys.argv[2])
""")


def test_killed_kfold_run_resumes_bit_for_bit(tmp_path):
    import pandas as pd

    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(Path(pn.__file__).parents[1])] + sys.path))

    def run(kill, ckpt, out):
        script = tmp_path / f"run_{kill.replace(', ', '_')}.py"
        script.write_text(RUN_SCRIPT.format(kill=kill))
        return subprocess.run([sys.executable, str(script), str(ckpt), str(out)], env=env, capture_output=True)

    assert run("-1, -1", tmp_path / "c0", tmp_path / "full").returncode == 0
    killed = run("1, 3", tmp_path / "c1", tmp_path / "never")
    assert killed.returncode == -signal.SIGKILL
    assert (tmp_path / "c1" / "fold-0" / "result.json").exists()  # fold 0 had finished
    assert (tmp_path / "c1" / "fold-1" / "checkpoint.npz").exists()  # fold 1 was mid-way
    resumed = run("-1, -1", tmp_path / "c1", tmp_path / "resumed")
    assert resumed.returncode == 0, resumed.stderr.decode()
    a = pd.read_csv(tmp_path / "full" / "predictions.csv")
    b = pd.read_csv(tmp_path / "resumed" / "predictions.csv")
    pd.testing.assert_frame_equal(a, b)
    ea = (tmp_path / "full" / "evaluation.json").read_text()
    eb = (tmp_path / "resumed" / "evaluation.json").read_text()
    import json

    fa, fb = json.loads(ea), json.loads(eb)
    assert fa["folds"] == fb["folds"] and fa["r2_mean"] == fb["r2_mean"]
