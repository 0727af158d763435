"""Sweeps through joblib: threads, processes and a Dask LocalCluster agree."""

import joblib
import numpy as np
import pytest

import pyneural as pn
from pyneural.errors import SpecError
from pyneural.model_spec import ModelSpec
from pyneural.training.sweep import expand_grid


def _spec():
    return ModelSpec.from_dict({
        "name": "sweep", "dataset": pn.datasets.king_county_spec().to_dict(),
        "network": {"layers": [{"units": 8, "activation": "relu"}, {"units": "outputs"}],
                    "optimizer": {"name": "adam", "learning_rate": 0.003}},
        "training": {"epochs": 2, "batch_size": 64, "trainer": {"kfolds": 2}},
    })


GRID = {"network.optimizer.learning_rate": [0.003, 0.01], "training.batch_size": [32, 64]}


@pytest.fixture(scope="module")
def table():
    return pn.datasets.synthetic_housing(n_rows=400, seed=5)


def test_grid_expansion_and_errors():
    combos = expand_grid(_spec(), GRID)
    assert len(combos) == 4
    assert {(p["network.optimizer.learning_rate"], s.training.batch_size) for p, s in combos} == {
        (0.003, 32), (0.003, 64), (0.01, 32), (0.01, 64)}
    with pytest.raises(SpecError, match="training.batch_size: expected an integer >= 1"):
        expand_grid(_spec(), {"training.batch_size": [0]})
    with pytest.raises(SpecError, match="network.nope"):
        expand_grid(_spec(), {"network.nope.x": [1]})
    layers = expand_grid(_spec(), {"network.layers.0.units": [4, 16]})
    assert [s.network.layers[0].units for _, s in layers] == [4, 16]
    bracketed = expand_grid(_spec(), {"network.layers[0].units": [4, 16]})
    assert [s.network.layers[0].units for _, s in bracketed] == [4, 16]


def test_threads_and_processes_agree(table):
    threaded = pn.sweep(_spec(), GRID, table)
    assert len(threaded) == 4 and threaded["r2_mean"].is_monotonic_decreasing
    with joblib.parallel_config(backend="loky", n_jobs=2):
        processes = pn.sweep(_spec(), GRID, table, n_jobs=2)
    cols = ["network.optimizer.learning_rate", "training.batch_size", "r2_mean", "fold_r2"]
    assert threaded[cols].equals(processes[cols])


@pytest.mark.filterwarnings("ignore::UserWarning")  # ConvergenceWarning of the 5-epoch estimator
def test_dask_local_cluster_matches_threads(table):
    distributed = pytest.importorskip("distributed")
    threaded = pn.sweep(_spec(), GRID, table)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster):
        with joblib.parallel_config(backend="dask"):
            on_dask = pn.sweep(_spec(), GRID, table)
        from sklearn.model_selection import cross_val_score

        from pyneural.sklearn import NeuralNetRegressor

        rng = np.random.default_rng(0)
        x, y = rng.normal(size=(300, 4)), rng.normal(size=300)
        model = NeuralNetRegressor((8,), epochs=5, random_state=0, n_threads=1)
        with joblib.parallel_config(backend="dask"):
            dask_scores = cross_val_score(model, x, y, cv=3, n_jobs=-1)
    cols = ["network.optimizer.learning_rate", "training.batch_size", "r2_mean", "fold_r2"]
    assert threaded[cols].equals(on_dask[cols])
    np.testing.assert_array_equal(dask_scores, cross_val_score(model, x, y, cv=3))
