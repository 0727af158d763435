"""accuracy_score and log_loss against scikit-learn; accuracy in Network.evaluate."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pyneural as pn
from pyneural import metrics
from pyneural.errors import InvalidTypeError, InvalidValueError

skm = pytest.importorskip("sklearn.metrics")


def _labels(rng, n, kind, k=3):
    codes = rng.integers(0, k, n)
    if kind == "str":
        return np.array(["cat", "dog", "emu", "fox", "gnu"])[codes]
    if kind == "float":
        return codes.astype(float) * 2 - 1
    return codes


@pytest.mark.parametrize("kind", ["int", "str", "float"])
@pytest.mark.parametrize("k", [2, 4])
@pytest.mark.parametrize("weighted", [False, True])
def test_accuracy_matches_scikit_learn(rng, kind, k, weighted):
    t, p = _labels(rng, 60, kind, k), _labels(rng, 60, kind, k)
    p[:30] = t[:30]
    w = rng.uniform(0, 2, 60) if weighted else None
    for normalize in (True, False):
        assert metrics.accuracy_score(t, p, normalize=normalize, sample_weight=w) == pytest.approx(
            skm.accuracy_score(t, p, normalize=normalize, sample_weight=w), rel=1e-12)


def test_accuracy_multilabel_is_subset_accuracy(rng):
    t = rng.integers(0, 2, (40, 3))
    p = t.copy()
    p[::3, 1] ^= 1
    assert metrics.accuracy_score(t, p) == pytest.approx(skm.accuracy_score(t, p)) == pytest.approx(1 - 14 / 40)
    assert metrics.accuracy_score(t[:, :1], p[:, :1]) == skm.accuracy_score(t[:, :1], p[:, :1])  # column vectors


@pytest.mark.parametrize("k", [2, 3, 5])
@pytest.mark.parametrize("kind", ["int", "str"])
def test_log_loss_matches_scikit_learn(rng, k, kind):
    t = _labels(rng, 80, kind, k)
    p = rng.dirichlet(np.ones(k), 80)
    p[0] = np.eye(k)[(np.searchsorted(np.unique(t), t[0]) + 1) % k]  # a confident mistake: clipping matters
    w = rng.uniform(0, 2, 80)
    for normalize in (True, False):
        for sw in (None, w):
            np.testing.assert_allclose(metrics.log_loss(t, p, normalize=normalize, sample_weight=sw),
                                       skm.log_loss(t, p, normalize=normalize, sample_weight=sw), rtol=1e-12)
    np.testing.assert_allclose(metrics.log_loss(t, p.astype(np.float32)), skm.log_loss(t, p.astype(np.float32)),
                               rtol=1e-6)


def test_log_loss_binary_forms_and_labels(rng):
    t = rng.integers(0, 2, 50)
    q = rng.uniform(size=50)
    expected = skm.log_loss(t, q)
    assert metrics.log_loss(t, q) == pytest.approx(expected, rel=1e-12)
    assert metrics.log_loss(t, q[:, None]) == pytest.approx(expected, rel=1e-12)
    assert metrics.log_loss(t, np.c_[1 - q, q]) == pytest.approx(expected, rel=1e-12)
    # Labels absent from y_true are declared with labels=.
    p = rng.dirichlet(np.ones(3), 50)
    assert metrics.log_loss(t, p, labels=[0, 1, 2]) == pytest.approx(skm.log_loss(t, p, labels=[0, 1, 2]), rel=1e-12)
    onehot = np.eye(3)[rng.integers(0, 3, 50)]
    assert metrics.log_loss(onehot, p) == pytest.approx(skm.log_loss(onehot, p), rel=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 6), st.integers(1, 30), st.integers(0, 2**32 - 1))
def test_log_loss_property(k, n, seed):
    rng = np.random.default_rng(seed)
    t = rng.integers(0, k, n)
    labels = np.arange(k)
    p = rng.dirichlet(np.ones(k) * 0.3, n)
    np.testing.assert_allclose(metrics.log_loss(t, p, labels=labels), skm.log_loss(t, p, labels=labels), rtol=1e-10)


def test_log_loss_warns_when_rows_do_not_sum_to_one():
    with pytest.warns(UserWarning, match="sum to one"):
        metrics.log_loss([0, 1], [[0.5, 0.6], [0.2, 0.8]])


def test_bad_input():
    with pytest.raises(InvalidValueError, match="y_pred: expected shape"):
        metrics.accuracy_score([1, 2], [1, 2, 3])
    with pytest.raises(InvalidValueError, match="y_pred: expected class labels, got continuous"):
        metrics.accuracy_score([0, 1], [0.2, 0.9])
    with pytest.raises(InvalidTypeError, match="same type"):
        metrics.accuracy_score(["a", "b"], [0, 1])
    with pytest.raises(InvalidValueError, match="y_true: needs at least one sample"):
        metrics.accuracy_score([], [])
    with pytest.raises(InvalidValueError, match="sample_weight"):
        metrics.accuracy_score([0, 1], [0, 1], sample_weight=[1.0])
    with pytest.raises(InvalidValueError, match="only one label"):
        metrics.log_loss([1, 1], [0.2, 0.7])
    with pytest.raises(InvalidValueError, match="y_proba: expected probabilities in"):
        metrics.log_loss([0, 1], [0.2, 1.5])
    with pytest.raises(InvalidValueError, match="y_proba: has 3 columns but there are 2 classes"):
        metrics.log_loss([0, 1], [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]])
    with pytest.raises(InvalidValueError, match="y_true: contains labels"):
        metrics.log_loss([0, 3], [[0.5, 0.5], [0.5, 0.5]], labels=[0, 1])


def test_accuracy_from_outputs():
    y = np.array([[1, 0], [0, 1], [1, 1], [0, 0]], dtype=float)
    out = np.array([[0.9, 0.2], [0.6, 0.7], [0.8, 0.51], [0.1, 0.5]])
    assert metrics.accuracy_from_outputs(y, out, "bce") == 0.75  # row 2 has one wrong output
    onehot = np.eye(3)[[0, 2, 1, 1]]
    probs = np.array([[0.5, 0.3, 0.2], [0.1, 0.1, 0.8], [0.4, 0.35, 0.25], [0.2, 0.7, 0.1]])
    assert metrics.accuracy_from_outputs(onehot, probs, "cross_entropy") == 0.75
    with pytest.raises(InvalidValueError, match="loss"):
        metrics.accuracy_from_outputs(y, out, "mse")


@pytest.mark.parametrize("backend", ["native", "numpy"])
def test_network_evaluate_reports_accuracy_for_classifiers(rng, backend):
    x = rng.normal(size=(120, 4))
    labels = (x[:, 0] > 0).astype(int) + (x[:, 1] > 0.5)
    onehot = np.eye(3)[labels]
    net = pn.Network([pn.Dense(8, "relu"), pn.Dense(3, "softmax")], inputs=4, loss="cross_entropy",
                     optimizer=pn.Adam(0.02), seed=0, backend=backend, n_threads=1)
    net.fit(x, onehot, epochs=20, batch_size=16, verbose=0)
    ev = net.evaluate(x, onehot)
    assert set(ev) == {"loss", "r2", "accuracy"}
    assert ev["accuracy"] == skm.accuracy_score(labels, net.predict(x).argmax(axis=1)) > 0.8
    probs = net.predict(x).astype(np.float64)
    assert ev["loss"] == pytest.approx(skm.log_loss(labels, probs / probs.sum(axis=1, keepdims=True)), rel=1e-4)

    y2 = np.c_[x[:, 0] > 0, x[:, 2] > 0].astype(float)  # two independent sigmoid outputs
    net = pn.Network([pn.Dense(8, "relu"), pn.Dense(2, "sigmoid")], inputs=4, loss="bce",
                     optimizer=pn.Adam(0.02), seed=0, backend=backend, n_threads=1)
    net.fit(x, y2, epochs=20, batch_size=16, verbose=0)
    ev = net.evaluate(x, y2)
    assert ev["accuracy"] == skm.accuracy_score(y2, net.predict(x) > 0.5)

    reg = pn.Network([pn.Dense(1)], inputs=4, seed=0, backend=backend)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert set(reg.evaluate(x, x[:, 0])) == {"loss", "r2"}
