"""Permutation importance: informative features rank first; scikit-learn agreement."""

import numpy as np
import pytest

import pyneural as pn
from pyneural.errors import InvalidValueError, PyneuralError
from pyneural.inspection import permutation_importance


@pytest.fixture(scope="module")
def trained():
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, size=(2000, 5))
    y = 3 * x[:, 1] + np.sin(3 * x[:, 3]) + 0.01 * rng.normal(size=2000)  # only features 1 and 3 matter
    net = pn.Network([pn.Dense(32, "relu"), pn.Dense(1)], inputs=5, optimizer=pn.Adam(0.01), seed=0)
    net.fit(x, y, epochs=30, batch_size=64, verbose=0)
    return net, x, y


def test_informative_features_rank_first(trained):
    net, x, y = trained
    res = permutation_importance(net, x, y, n_repeats=5, random_state=0, feature_names=list("abcde"))
    order = np.argsort(-res.importances_mean)
    assert set(order[:2]) == {1, 3}
    assert res.importances.shape == (5, 5) and res.baseline_score > 0.95
    assert np.all(np.abs(res.importances_mean[[0, 2, 4]]) < 0.02)
    assert res.relative.sum() == pytest.approx(100.0)
    frame = res.to_frame()
    assert list(frame.feature[:2]) in (["b", "d"], ["d", "b"]) and list(frame.columns) == ["feature", "mean", "std", "relative_percent"]


def test_same_seed_same_result_whatever_jobs(trained):
    net, x, y = trained
    a = permutation_importance(net, x, y, n_repeats=3, random_state=7, n_jobs=1)
    b = permutation_importance(net, x, y, n_repeats=3, random_state=7, n_jobs=2)
    np.testing.assert_array_equal(a.importances, b.importances)


def test_matches_scikit_learn_on_the_same_shuffles(trained):
    inspection = pytest.importorskip("sklearn.inspection")
    from sklearn.base import BaseEstimator, RegressorMixin

    net, x, y = trained

    class Wrapped(RegressorMixin, BaseEstimator):  # scikit-learn wants an estimator
        def fit(self, X, y):
            return self

        def predict(self, X):
            return net.predict(X).ravel()

    ours = permutation_importance(net, x, y, n_repeats=5, random_state=0)
    theirs = inspection.permutation_importance(Wrapped(), x, y, n_repeats=5, random_state=0, scoring="r2")
    # Different shuffles, same quantity: the means agree closely with 2,000 rows.
    np.testing.assert_allclose(ours.importances_mean, theirs.importances_mean, atol=0.03)


def test_bad_arguments(trained):
    net, x, y = trained
    with pytest.raises(InvalidValueError, match="scoring"):
        permutation_importance(net, x, y, scoring="accuracy!")
    with pytest.raises(InvalidValueError, match="X: expected 5"):
        permutation_importance(net, x[:, :3], y)
    with pytest.raises(InvalidValueError, match="n_repeats"):
        permutation_importance(net, x, y, n_repeats=0)


@pytest.mark.parametrize("kwargs,name", [
    ({"feature_names": 3}, "feature_names"),
    ({"feature_names": "abc"}, "feature_names"),
    ({"random_state": -1}, "random_state"),
    ({"random_state": True}, "random_state"),
])
def test_bad_feature_names_or_random_state_are_named(kwargs, name):
    rng = np.random.default_rng(0)
    x = rng.random((20, 3))
    net = pn.Network([pn.Dense(2), pn.Dense(1)], inputs=3, seed=0)
    with pytest.raises(PyneuralError, match=name):
        permutation_importance(net, x, x.sum(1), n_repeats=2, **kwargs)
