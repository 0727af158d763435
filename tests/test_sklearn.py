"""The scikit-learn estimators: check_estimator, meta-estimators and behaviour.

Every estimator here runs the engine on one thread: the machine is shared, and
the data are too small for threads to help.
"""

import importlib
import pickle
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("sklearn", minversion="1.6")

from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.inspection import permutation_importance  # noqa: E402
from sklearn.model_selection import GridSearchCV, cross_val_score, train_test_split  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

import pyneural as pn  # noqa: E402
from pyneural.errors import InvalidTypeError, InvalidValueError  # noqa: E402
from pyneural.sklearn import NeuralNetClassifier, NeuralNetRegressor  # noqa: E402

quiet = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@quiet
@parametrize_with_checks([NeuralNetRegressor(n_threads=1), NeuralNetClassifier(n_threads=1)])
def test_check_estimator(estimator, check):
    check(estimator)


# ---------------------------------------------------------------- data
def regression(n=300, outputs=1, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(n, 5))
    y = np.c_[3 * x[:, 1] + np.sin(3 * x[:, 3]), x[:, 1] - x[:, 3] ** 2, x[:, 1] * x[:, 3]][:, :outputs]
    return x * 10 + 5, (y[:, 0] if outputs == 1 else y)  # badly scaled X: pipelines scale it


def blobs(n=300, k=3, seed=0):
    rng = np.random.default_rng(seed)
    centers = rng.normal(scale=4, size=(k, 4))
    codes = rng.integers(0, k, n)
    return centers[codes] + rng.normal(size=(n, 4)), codes


def regressor(**kw):
    return NeuralNetRegressor(**{"hidden_layer_sizes": (32,), "learning_rate": 0.01, "epochs": 60,
                                 "random_state": 0, "n_threads": 1, **kw})


def classifier(**kw):
    return NeuralNetClassifier(**{"hidden_layer_sizes": (16,), "learning_rate": 0.01, "epochs": 40,
                                  "random_state": 0, "n_threads": 1, **kw})


# ---------------------------------------------------------------- optional dependency
def test_importing_pyneural_does_not_import_sklearn():
    code = "import sys, pyneural; sys.exit(1 if 'sklearn' in sys.modules else 0)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_clear_import_error_without_sklearn(monkeypatch):
    for name in [m for m in sys.modules if m == "sklearn" or m.startswith("sklearn.")]:
        monkeypatch.setitem(sys.modules, name, None)  # None in sys.modules: "not installed"
    monkeypatch.delitem(sys.modules, "pyneural.sklearn")
    with pytest.raises(ImportError, match=r"pyneural.sklearn needs scikit-learn >= 1.6.*pip install"):
        importlib.import_module("pyneural.sklearn")


# ---------------------------------------------------------------- meta-estimators
@quiet
def test_pipeline_regression_and_classification():
    x, y = regression()
    pipe = make_pipeline(StandardScaler(), regressor()).fit(x[:240], y[:240])
    assert pipe.score(x[240:], y[240:]) > 0.9
    xc, yc = blobs()
    pipe = make_pipeline(StandardScaler(), classifier()).fit(xc[:240], yc[:240])
    assert pipe.score(xc[240:], yc[240:]) > 0.95


@quiet
def test_grid_search():
    x, y = regression(n=200)
    grid = GridSearchCV(make_pipeline(StandardScaler(), regressor(epochs=30)), cv=2, param_grid={
        "neuralnetregressor__hidden_layer_sizes": [(4,), (32, 32)],
        "neuralnetregressor__learning_rate": [1e-4, 1e-2]}).fit(x, y)
    assert grid.best_params_ == {"neuralnetregressor__hidden_layer_sizes": (32, 32),
                                 "neuralnetregressor__learning_rate": 1e-2}
    assert grid.best_score_ > 0.8 and grid.best_estimator_[-1].network_.layers[1].units == 32


@quiet
def test_cross_val_score_is_reproducible():
    x, y = blobs(n=150)
    a = cross_val_score(make_pipeline(StandardScaler(), classifier()), x, y, cv=3)
    b = cross_val_score(make_pipeline(StandardScaler(), classifier()), x, y, cv=3)
    assert a.shape == (3,) and a.min() > 0.9 and np.array_equal(a, b)


@quiet
def test_permutation_importance_ranks_informative_features_first():
    x, y = regression(n=400)
    model = make_pipeline(StandardScaler(), regressor()).fit(x, y)
    result = permutation_importance(model, x, y, n_repeats=3, random_state=0)
    assert set(np.argsort(-result.importances_mean)[:2]) == {1, 3}
    assert np.all(np.abs(result.importances_mean[[0, 2, 4]]) < 0.05)


# ---------------------------------------------------------------- classifier
@quiet
@pytest.mark.parametrize("k", [2, 4])
def test_predict_proba_rows_sum_to_one_and_agree_with_predict(k):
    x, y = blobs(n=200, k=k)
    clf = classifier().fit(x, y)
    proba = clf.predict_proba(x)
    assert proba.shape == (200, k) and proba.dtype == np.float64 and (proba >= 0).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(clf.classes_[proba.argmax(axis=1)], clf.predict(x))
    net = clf.network_
    assert (net.loss.name, net.layers[-1].activation, net.outputs) == (
        ("bce", "sigmoid", 1) if k == 2 else ("cross_entropy", "softmax", k))
    np.testing.assert_allclose(clf.predict_log_proba(x), np.log(proba))
    assert clf.score(x, y) > 0.95


@quiet
def test_string_labels():
    x, codes = blobs(n=150, k=3)
    names = np.array(["setosa", "versicolor", "virginica"], dtype=object)
    clf = classifier().fit(x, names[codes])
    assert list(clf.classes_) == ["setosa", "versicolor", "virginica"]
    pred = clf.predict(x)
    assert pred.dtype == object and set(pred) <= set(names) and np.mean(pred == names[codes]) > 0.95
    binary = classifier().fit(x, np.where(codes == 0, "yes", "no"))
    assert list(binary.classes_) == ["no", "yes"] and binary.network_.outputs == 1
    assert binary.score(x, np.where(codes == 0, "yes", "no")) > 0.95


def test_one_class_is_an_error():
    with pytest.raises(ValueError, match="y: a classifier needs at least 2 classes"):
        classifier().fit(np.ones((5, 2)), ["a"] * 5)


# ---------------------------------------------------------------- regressor
@quiet
def test_multi_output_regression_and_prediction_shapes():
    x, y = regression(outputs=3)
    reg = make_pipeline(StandardScaler(), regressor()).fit(x, y)
    pred = reg.predict(x)
    assert pred.shape == (300, 3) and pred.dtype == np.float64
    assert reg[-1].n_outputs_ == 3 and reg.score(x, y) > 0.85
    x1, y1 = regression()
    assert regressor(epochs=2).fit(x1, y1).predict(x1).shape == (300,)
    assert regressor(epochs=2).fit(x1, y1[:, None]).predict(x1).shape == (300, 1)


@quiet
def test_dataframe_feature_names_and_float64():
    pd = pytest.importorskip("pandas")
    x, y = regression(n=100)
    frame = pd.DataFrame(x, columns=list("abcde"))
    reg = regressor(epochs=3, dtype="float64").fit(frame, y)
    assert list(reg.feature_names_in_) == list("abcde") and reg.n_features_in_ == 5
    assert reg.network_.dtype == np.float64 and reg.predict(frame).dtype == np.float64


# ---------------------------------------------------------------- training control
def test_early_stopping_stops_early_and_keeps_the_best_epoch():
    x, y = regression(n=200)
    x = (x - 5) / 10
    reg = regressor(hidden_layer_sizes=(64, 64), learning_rate=0.03, epochs=300, early_stopping=True,
                    validation_fraction=0.2, n_iter_no_change=5, tol=1e-3).fit(x, y)
    assert reg.n_iter_ < 300
    assert len(reg.loss_curve_) == len(reg.validation_loss_curve_) == len(reg.validation_scores_) == reg.n_iter_
    best = int(np.argmin(reg.validation_loss_curve_))
    assert best < reg.n_iter_ - 1 and reg.best_loss_ is None  # the last epoch was not the best
    # The parameters are the best epoch's: the held-out rows (split as fit splits them, with the
    # random state left after drawing the network seed) give that epoch's validation loss.
    rng = np.random.RandomState(0)
    rng.randint(np.iinfo(np.int32).max)
    _, xv, _, yv = train_test_split(x, y, test_size=0.2, random_state=rng)
    assert reg.network_.evaluate(xv, yv)["loss"] == pytest.approx(reg.validation_loss_curve_[best], rel=1e-6)


def test_training_loss_convergence_and_warning():
    x, y = blobs(n=100)
    with pytest.warns(ConvergenceWarning, match="epochs=3"):
        clf = classifier(epochs=3).fit(x, y)
    assert clf.n_iter_ == 3 and len(clf.loss_curve_) == 3 and clf.validation_scores_ is None
    clf = classifier(epochs=500, tol=1e-2, n_iter_no_change=2).fit(x, y)  # converges: no warning
    assert clf.n_iter_ < 500 and clf.best_loss_ == min(clf.loss_curve_)


@quiet
def test_reproducible_and_schedules_and_optimizers():
    x, y = blobs(n=120)
    a = classifier().fit(x, y).predict_proba(x)
    b = classifier().fit(x, y).predict_proba(x)
    assert np.array_equal(a, b)
    for kw in ({"optimizer": "sgd", "learning_rate": 0.1}, {"optimizer": "momentum", "momentum": 0.5},
               {"learning_rate": pn.InverseTimeDecay(0.02, 10, 0.5)}, {"batch_size": "auto"},
               {"hidden_layer_sizes": ()}, {"activation": "logistic"}):
        assert classifier(**kw).fit(x, y).score(x, y) > 0.9, kw


@quiet
def test_pickle_round_trip():
    x, y = blobs(n=120)
    clf = classifier().fit(x, y)
    back = pickle.loads(pickle.dumps(clf))
    assert np.array_equal(back.predict_proba(x), clf.predict_proba(x))
    assert len(pickle.dumps(clf)) < 20_000


@pytest.mark.parametrize("param, value, error", [
    ("hidden_layer_sizes", (10, 0), InvalidValueError),
    ("hidden_layer_sizes", "10", InvalidTypeError),
    ("activation", "softmax", InvalidValueError),
    ("optimizer", "rmsprop", InvalidValueError),
    ("learning_rate", -0.1, InvalidValueError),
    ("learning_rate", "fast", InvalidTypeError),
    ("momentum", 1.0, InvalidValueError),
    ("beta1", 1.5, InvalidValueError),
    ("beta2", -0.1, InvalidValueError),
    ("epsilon", 0.0, InvalidValueError),
    ("epochs", 0, InvalidValueError),
    ("epochs", 2.5, InvalidTypeError),
    ("batch_size", 0, InvalidValueError),
    ("batch_size", "big", InvalidTypeError),
    ("shuffle", "yes", InvalidTypeError),
    ("validation_fraction", 1.0, InvalidValueError),
    ("early_stopping", 1, InvalidTypeError),
    ("n_iter_no_change", 0, InvalidValueError),
    ("tol", -1.0, InvalidValueError),
    ("random_state", "seed", InvalidValueError),
    ("n_threads", 0, InvalidValueError),
    ("dtype", "float16", InvalidValueError),
    ("verbose", -1, InvalidValueError),
])
@pytest.mark.parametrize("make", [regressor, classifier])
def test_bad_parameters_are_named_at_fit_time(make, param, value, error):
    est = make(**{param: value})  # __init__ and set_params never validate
    est.set_params(**{param: value})
    x, y = blobs(n=20, k=2)
    with pytest.raises(error, match=f"^{param}: "):
        est.fit(x, y)
