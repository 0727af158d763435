"""Metrics against hand-computed values and, when installed, scikit-learn."""

import numpy as np
import pytest

from pyneural import metrics
from pyneural.errors import InvalidValueError

NAMES = ["r2_score", "mean_squared_error", "root_mean_squared_error", "mean_absolute_error",
         "mean_absolute_percentage_error"]


def test_hand_computed():
    y, p = np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.5, 2.0, 2.0, 5.0])
    assert metrics.mean_squared_error(y, p) == pytest.approx((0.25 + 0 + 1 + 1) / 4)
    assert metrics.root_mean_squared_error(y, p) == pytest.approx(np.sqrt(2.25 / 4))
    assert metrics.mean_absolute_error(y, p) == pytest.approx(2.5 / 4)
    assert metrics.mean_absolute_percentage_error(y, p) == pytest.approx((0.5 + 0 + 1 / 3 + 0.25) / 4)
    assert metrics.r2_score(y, p) == pytest.approx(1 - 2.25 / 5)
    assert metrics.r2_score(y, y) == 1.0
    assert metrics.r2_score([2.0, 2.0], [2.0, 2.0]) == 1.0 and metrics.r2_score([2.0, 2.0], [1.0, 2.0]) == 0.0


def test_multioutput_modes():
    y = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 35.0]])
    p = np.array([[1.0, 12.0], [2.5, 20.0], [3.0, 30.0]])
    raw = metrics.mean_absolute_error(y, p, multioutput="raw_values")
    np.testing.assert_allclose(raw, [0.5 / 3, 7 / 3])
    assert metrics.mean_absolute_error(y, p) == pytest.approx(raw.mean())
    assert metrics.mean_absolute_error(y, p, multioutput=[1, 3]) == pytest.approx((raw[0] + 3 * raw[1]) / 4)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("multioutput", ["uniform_average", "raw_values", [0.3, 0.7]])
def test_against_scikit_learn(name, multioutput, rng):
    skm = pytest.importorskip("sklearn.metrics")
    y = rng.normal(size=(50, 2))
    p = y + rng.normal(scale=0.5, size=(50, 2))
    np.testing.assert_allclose(getattr(metrics, name)(y, p, multioutput=multioutput),
                               getattr(skm, name)(y, p, multioutput=multioutput), rtol=1e-12)
    np.testing.assert_allclose(getattr(metrics, name)(y[:, 0], p[:, 0]), getattr(skm, name)(y[:, 0], p[:, 0]), rtol=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_bad_input(name):
    f = getattr(metrics, name)
    with pytest.raises(InvalidValueError, match="y_pred"):
        f([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(InvalidValueError):
        f([1.0, np.nan], [1.0, 2.0])
    with pytest.raises(InvalidValueError, match="multioutput"):
        f([1.0, 2.0], [1.0, 2.5], multioutput="median")
