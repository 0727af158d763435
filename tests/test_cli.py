"""The command line, run as a user runs it (a subprocess)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import pyneural as pn

SRC = str(Path(pn.__file__).parents[1])


def _run(*args, cwd=None):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([SRC] + sys.path))
    return subprocess.run([sys.executable, "-m", "pyneural", *args], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=300)


def _small_spec(tmp_path):
    spec = {"name": "tiny", "dataset": pn.datasets.king_county_spec().to_dict(),
            "network": {"layers": [{"units": 8, "activation": "relu"}, {"units": "outputs"}]},
            "training": {"epochs": 2, "batch_size": 64, "trainer": {"kfolds": 2}}}
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec))
    return path


@pytest.mark.parametrize("args", [["--help"], ["train", "--help"], ["demo", "--help"]])
def test_help(args):
    r = _run(*args)
    assert r.returncode == 0 and "usage" in r.stdout


def test_train_writes_a_run(tmp_path):
    r = _run("train", str(_small_spec(tmp_path)), "--data", "synthetic", "--out", str(tmp_path / "run"),
             "--epochs", "1", "--seed", "3", "--quiet")
    assert r.returncode == 0, r.stderr
    assert "fold 0: R²" in r.stdout and "mean R²" in r.stdout
    assert (tmp_path / "run" / "predictions.csv").exists()
    spec = json.loads((tmp_path / "run" / "spec.json").read_text())
    assert spec["training"]["epochs"] == 1 and spec["training"]["seed"] == 3


@pytest.mark.parametrize("make_args,needle", [
    (lambda p: ["train", str(p / "missing.json"), "--data", "synthetic"], "no such spec file"),
    (lambda p: ["train", str(p / "bad.json"), "--data", "synthetic"], "invalid JSON"),
    (lambda p: ["train", str(p / "spec.json")], "--data"),
    (lambda p: ["train", str(p / "spec.json"), "--data", str(p / "nope.csv")], "no such file"),
    (lambda p: ["train", str(p / "spec.json"), "--data", str(p / "empty.csv")], "empty"),
])
def test_errors_are_one_line_without_traceback(tmp_path, make_args, needle):
    _small_spec(tmp_path)
    (tmp_path / "bad.json").write_text("{oops")
    (tmp_path / "empty.csv").write_text("")
    r = _run(*make_args(tmp_path))
    assert r.returncode != 0
    assert needle in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("args", [["train", "s.json", "--epochs", "0"], ["train", "s.json", "--folds", "1"],
                                  ["train", "s.json", "--jobs", "x"], ["frobnicate"]])
def test_bad_arguments_exit_2(args):
    r = _run(*args)
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_debug_shows_traceback(tmp_path):
    r = _run("--debug", "train", str(tmp_path / "missing.json"), "--data", "synthetic")
    assert r.returncode != 0 and "Traceback" in r.stderr


def test_sweep_command(tmp_path):
    spec = _small_spec(tmp_path)
    (tmp_path / "grid.json").write_text(json.dumps({"network.optimizer.learning_rate": [0.001, 0.01]}))
    r = _run("sweep", str(spec), "--grid", str(tmp_path / "grid.json"), "--data", "synthetic", "--epochs", "1",
             "--out", str(tmp_path / "sweep.csv"))
    assert r.returncode == 0, r.stderr
    import pandas as pd

    table = pd.read_csv(tmp_path / "sweep.csv")
    assert len(table) == 2 and "r2_mean" in table
    (tmp_path / "bad.json").write_text(json.dumps({"training.epochs": [0]}))
    r = _run("sweep", str(spec), "--grid", str(tmp_path / "bad.json"), "--data", "synthetic")
    assert r.returncode == 1 and "training.epochs" in r.stderr and "Traceback" not in r.stderr
