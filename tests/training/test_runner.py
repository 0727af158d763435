"""The model-spec workflow: folds, leakage, predictions in original units, outputs."""

import json
import signal
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest

import pyneural as pn
from pyneural.errors import InvalidValueError, TrainingDivergedError
from pyneural.metrics import r2_score
from pyneural.model_spec import ModelSpec
from pyneural.training import KFold, Split
from pyneural.training.runner import run_spec

from ..conftest import KC_SPEC


def _spec(epochs=4, trainer=None, validation="every_epoch", dataset=None, optimizer=None):
    return ModelSpec.from_dict({
        "name": "small",
        "dataset": dataset or pn.datasets.king_county_spec().to_dict(),
        "network": {"layers": [{"units": 16, "activation": "relu", "repeat": 2}, {"units": "outputs"}],
                    "optimizer": optimizer or {"name": "adam", "learning_rate": 0.003}},
        "training": {"epochs": epochs, "batch_size": 64, "seed": 1, "trainer": trainer or {"kfolds": 3},
                     "validation": validation},
    })


@pytest.fixture(scope="module")
def table():
    return pn.datasets.synthetic_housing(n_rows=900, seed=3)


def test_kfold_splits_are_shuffled_near_equal_and_disjoint():
    splits = KFold(4).splits(10, seed=0)
    vals = [v for _, v in splits]
    assert sorted(len(v) for v in vals) == [2, 2, 3, 3]
    assert sorted(np.concatenate(vals).tolist()) == list(range(10))
    for train, val in splits:
        assert not set(train) & set(val) and len(train) + len(val) == 10
    assert any(np.any(np.diff(v) > 1) for v in vals)  # not contiguous blocks
    assert [v.tolist() for _, v in KFold(4).splits(10, seed=0)] == [v.tolist() for v in vals]
    with pytest.raises(InvalidValueError, match="k: 4 folds need at least 4 rows"):
        KFold(4).splits(3, seed=0)
    with pytest.raises(InvalidValueError, match="k"):
        KFold(1)
    train, val = Split(0.25).splits(100, seed=0)[0]
    assert len(val) == 25 and len(train) == 75


def test_run_predicts_every_row_in_original_units(table):
    seen = []
    result = run_spec(_spec(), table, verbose=0, on_epoch_end=lambda f, e, m: seen.append((f, e, sorted(m))))
    ev = result.evaluation
    assert len(ev.folds) == 3 and all(len(f.epochs) == 4 for f in ev.folds)
    assert len(seen) == 12 and seen[0][2] == ["r2", "train_loss", "val_loss", "val_loss_std"]
    assert ev.best_fold == int(np.argmax(ev.fold_r2)) and ev.r2_best == max(ev.fold_r2)
    preds = result.predictions
    assert len(preds) == len(table) and list(preds.columns[:-1]) == list(table.columns)
    assert preds["pred_price"].notna().all()
    # Original units: dollars, on the scale of the prices.
    assert 0.2 < preds["pred_price"].median() / table["price"].median() < 5
    # The fold R² (model units) agrees with one recomputed from the out-of-fold predictions.
    assert r2_score(np.log10(preds["price"]), np.log10(preds["pred_price"])) == pytest.approx(ev.r2_mean, abs=0.05)


def test_no_validation_rows_reach_the_fitted_pipeline(table):
    result = run_spec(_spec(epochs=1), table, verbose=0)
    splits = KFold(3).splits(len(table), seed=1)
    prepared = pn.Pipeline(pn.datasets.king_county_spec()).prepare(table)
    for (train, _), fold_pipe in zip(splits, result.pipelines):
        only_train = pn.Pipeline(pn.datasets.king_county_spec()).fit(table.iloc[train])
        rows = prepared.iloc[train[:5]]
        pd.testing.assert_frame_equal(fold_pipe.transform_stateful(rows), only_train.transform_stateful(rows))


def test_validation_at_last_epoch_only(table):
    result = run_spec(_spec(validation="last_epoch"), table, verbose=0)
    for fold in result.evaluation.folds:
        assert all(e.r2 is None and e.val_loss is None for e in fold.epochs[:-1])
        assert fold.epochs[-1].r2 == pytest.approx(fold.r2)


def test_divergence_names_the_fold_or_is_recorded(table, tmp_path):
    exploding = _spec(epochs=6, optimizer={"name": "sgd", "learning_rate": 1e6})
    with pytest.raises(TrainingDivergedError, match=r"fold \d+: .*epoch") as info:
        run_spec(exploding, table, verbose=0, n_jobs=1)
    assert info.value.fold is not None and info.value.epoch is not None
    result = run_spec(exploding, table, verbose=0, n_jobs=1, on_divergence="stop")
    assert all(fold.stopped == "diverged" for fold in result.evaluation.folds)
    for net in result.networks:  # the last finite parameters are kept
        assert all(np.isfinite(p["weights"]).all() and np.isfinite(p["biases"]).all() for p in net.get_params())
    saved = json.loads((result.save(tmp_path / "run") / "evaluation.json").read_text())
    assert [f["stopped"] for f in saved["folds"]] == ["diverged"] * 3


def test_parallel_folds_equal_serial_folds(table):
    a = run_spec(_spec(), table, verbose=0, n_jobs=1)
    b = run_spec(_spec(), table, verbose=0, n_jobs=2)
    for na, nb in zip(a.networks, b.networks):
        for pa, pb in zip(na.get_params(), nb.get_params()):
            assert np.array_equal(pa["weights"], pb["weights"])
    assert a.evaluation.fold_r2 == b.evaluation.fold_r2


def test_split_trainer_and_outputs(table, tmp_path):
    result = run_spec(_spec(trainer={"split": 0.2}), table, verbose=0, data_path="somewhere.csv")
    assert len(result.evaluation.folds) == 1
    assert result.predictions["pred_price"].notna().sum() == round(0.2 * len(table))
    out = result.save(tmp_path / "run")
    names = sorted(p.name for p in out.iterdir())
    assert names == ["best_params.json", "best_params.npz", "evaluation.json", "pipeline.json",
                     "predictions.csv", "run.json", "spec.json"]
    ev = json.loads((out / "evaluation.json").read_text())
    assert set(ev) == {"folds", "r2_mean", "r2_best", "best_fold", "seconds"}
    assert set(ev["folds"][0]["epochs"][0]) == {"train_loss", "val_loss", "val_loss_std", "r2"}
    assert ModelSpec.from_json(out / "spec.json") == result.spec
    net = pn.Network.load(out / "best_params.npz")
    assert net.inputs == 34
    csv = pd.read_csv(out / "predictions.csv")
    assert len(csv) == len(table) and "pred_price" in csv


def test_real_data_short_run(kc_csv):
    from pyneural.data.io import read_csv

    spec = ModelSpec.from_json(KC_SPEC)
    spec.training.trainer = {"kfolds": 4}
    result = run_spec(spec, read_csv(kc_csv, spec.dataset), verbose=0, epochs=60)
    assert result.evaluation.r2_mean >= 0.85


def test_classification_end_to_end_reports_accuracy():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=600), rng.normal(size=600)
    kind = np.where(a + b > 0.5, "high", np.where(a - b > 0, "mid", "low"))
    table = pd.DataFrame({"a": a, "b": b, "kind": kind})
    spec = ModelSpec.from_dict({
        "dataset": {"features": {"a": {}, "b": {}, "kind": {"role": "output", "one_hot": True}}},
        "network": {"layers": [{"units": 16, "activation": "relu"}, {"units": "outputs", "activation": "softmax"}]},
        "training": {"loss": "cross_entropy", "epochs": 30, "batch_size": 32, "trainer": {"kfolds": 3}},
    })
    result = run_spec(spec, table, verbose=0)
    ev = result.evaluation.to_dict()
    assert ev["accuracy_mean"] > 0.85 and "accuracy" in ev["folds"][0]["epochs"][-1]
    preds = result.predictions
    assert set(preds["pred_kind"]) <= {"high", "mid", "low"}
    assert (preds["kind"] == preds["pred_kind"]).mean() == pytest.approx(ev["accuracy_mean"], abs=0.01)


def test_an_error_in_one_fold_stops_the_others_before_run_spec_returns(table):
    """The folds still training when one fails (or the user presses Ctrl-C) stop at
    their next epoch end, before run_spec re-raises: none is left in the engine."""
    seen = []

    def on_epoch_end(fold, epoch, metrics):
        seen.append((fold, epoch))
        if fold == 0 and epoch == 3:
            raise RuntimeError("fold 0 gives up")

    with pytest.raises(RuntimeError, match="fold 0 gives up"):
        run_spec(_spec(epochs=400), table, verbose=0, n_jobs=2, n_threads=1, on_epoch_end=on_epoch_end)
    after = len(seen)
    time.sleep(0.3)
    assert len(seen) == after  # nothing trains any more
    assert max(epoch for _, epoch in seen) < 399  # the other fold was stopped early


_CTRL_C_SCRIPT = """
import json, sys, pyneural as pn
from pyneural.model_spec import ModelSpec
spec = ModelSpec.from_dict({{
    "dataset": pn.datasets.king_county_spec().to_dict(),
    "network": {{"layers": [{{"units": 16, "activation": "relu"}}, {{"units": "outputs"}}]}},
    "training": {{"epochs": 100000, "batch_size": 64, "trainer": {{"kfolds": 4}}}},
}})
def started(fold, epoch, metrics):
    if fold == 0 and epoch == 1:  # one thread prints: two could interleave on one line
        print("training", flush=True)
pn.run_spec(spec, pn.datasets.synthetic_housing(n_rows=600, seed=1), n_jobs=2, n_threads=1, verbose=0,
            on_epoch_end=started)
"""


def test_ctrl_c_during_parallel_folds_exits_cleanly(tmp_path):
    """Ctrl-C while folds train in threads: a KeyboardInterrupt, not an abort from
    C++ ("terminate called without an active exception") at interpreter exit."""
    script = tmp_path / "run.py"
    script.write_text(_CTRL_C_SCRIPT.format())
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "training"
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert "KeyboardInterrupt" in err
    assert "terminate called" not in err
    assert proc.returncode not in (-signal.SIGABRT, 128 + signal.SIGABRT)
