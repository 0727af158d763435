"""Each optimizer's update against its formula, step by step, with schedules."""

import numpy as np
import pytest

import pyneural as pn
from pyneural.errors import InvalidTypeError, InvalidValueError


def _grads(rng, steps, shape=(3, 2)):
    return [rng.normal(size=shape) for _ in range(steps)]


def test_sgd_formula(rng):
    opt = pn.SGD(0.1)
    theta = rng.normal(size=(3, 2))
    expected = theta.copy()
    state = opt.build(theta.shape, np.float64)
    assert state == []
    for t, g in enumerate(_grads(rng, 4), start=1):
        opt.step(theta, g, state, 0.1, t)
        expected = expected - 0.1 * g
    np.testing.assert_allclose(theta, expected, rtol=0, atol=1e-15)


def test_momentum_formula(rng):
    opt = pn.Momentum(0.05, momentum=0.8)
    theta = rng.normal(size=(3, 2))
    expected, v = theta.copy(), np.zeros_like(theta)
    state = opt.build(theta.shape, np.float64)
    for t, g in enumerate(_grads(rng, 5), start=1):
        opt.step(theta, g, state, 0.05, t)
        v = 0.8 * v + 0.05 * g
        expected = expected - v
    np.testing.assert_allclose(theta, expected, rtol=1e-14, atol=1e-15)


def test_adam_formula_with_bias_correction(rng):
    opt = pn.Adam(0.01, beta1=0.8, beta2=0.95, epsilon=1e-6)
    theta = rng.normal(size=(3, 2))
    expected = theta.copy()
    m, v = np.zeros_like(theta), np.zeros_like(theta)
    state = opt.build(theta.shape, np.float64)
    for t, g in enumerate(_grads(rng, 6), start=1):
        opt.step(theta, g, state, 0.01, t)
        m = 0.8 * m + 0.2 * g
        v = 0.95 * v + 0.05 * g * g
        m_hat, v_hat = m / (1 - 0.8**t), v / (1 - 0.95**t)
        expected = expected - 0.01 * m_hat / (np.sqrt(v_hat) + 1e-6)
    np.testing.assert_allclose(theta, expected, rtol=1e-13, atol=1e-15)


def test_adam_first_step_is_lr_times_sign():
    # With bias correction the first update is lr * g / (|g| + eps) ≈ lr * sign(g).
    opt = pn.Adam(0.001)
    theta = np.zeros(4)
    g = np.array([3.0, -2.0, 0.5, -1e-3])
    opt.step(theta, g, opt.build(theta.shape, np.float64), 0.001, 1)
    np.testing.assert_allclose(theta, -0.001 * g / (np.abs(g) + 1e-7), rtol=1e-12)


def test_adam_keras_defaults():
    opt = pn.Adam()
    assert (opt.lr(0), opt.beta1, opt.beta2, opt.epsilon) == (0.001, 0.9, 0.999, 1e-7)


def test_schedules_by_epoch():
    inv = pn.InverseTimeDecay(0.1, decay_steps=10, decay_rate=0.5)
    assert inv(0) == 0.1
    assert inv(5) == pytest.approx(0.1 / 1.25)
    stair = pn.InverseTimeDecay(0.1, decay_steps=10, decay_rate=0.5, staircase=True)
    assert stair(9) == 0.1 and stair(10) == pytest.approx(0.1 / 1.5)
    pw = pn.PiecewiseConstant([2, 5], [0.1, 0.01, 0.001])
    assert [pw(e) for e in range(8)] == [0.1, 0.1, 0.1, 0.01, 0.01, 0.01, 0.001, 0.001]
    assert pn.Constant(0.3)(100) == 0.3


@pytest.mark.parametrize("backend", ["native", "numpy"])
def test_schedule_is_indexed_by_epoch_in_training(backend, rng):
    # One linear layer, SGD, full batch: the update of epoch e must use lr(e).
    sched = pn.PiecewiseConstant([0], [0.5, 0.05])
    net = pn.Network([pn.Dense(1)], inputs=2, optimizer=pn.SGD(sched), seed=0,
                     dtype="float64", backend=backend)
    x, y = rng.normal(size=(4, 2)), rng.normal(size=(4, 1))
    for epoch in range(3):
        w = net.get_params()[0]["weights"].copy()
        grad = 2 * x.T @ (x @ w + net.get_params()[0]["biases"] - y) / 4
        net.train_epoch(x, y, batch_size=4, shuffle=False)
        np.testing.assert_allclose(net.get_params()[0]["weights"], w - sched(epoch) * grad, rtol=1e-12)


def test_config_round_trip():
    for opt in (pn.SGD(0.2), pn.Momentum(0.01, 0.5), pn.Adam(pn.InverseTimeDecay(0.01, 5, 0.1, True)),
                pn.SGD(pn.PiecewiseConstant([3], [0.1, 0.01]))):
        cfg = opt.get_config()
        import json

        assert type(opt).from_config(json.loads(json.dumps(cfg))) == opt


@pytest.mark.parametrize("make", [
    lambda: pn.SGD(0.0), lambda: pn.SGD(-1.0), lambda: pn.Adam(float("nan")),
    lambda: pn.Momentum(0.1, momentum=1.0), lambda: pn.Adam(beta1=1.5),
    lambda: pn.Adam(epsilon=0), lambda: pn.InverseTimeDecay(0.1, 0, 1),
    lambda: pn.PiecewiseConstant([1, 1], [0.1, 0.2, 0.3]), lambda: pn.PiecewiseConstant([1], [0.1]),
])
def test_bad_hyperparameters(make):
    with pytest.raises(InvalidValueError):
        make()


def test_bad_learning_rate_type_names_argument():
    with pytest.raises(InvalidTypeError, match="learning_rate"):
        pn.SGD("fast")
    with pytest.raises(InvalidValueError, match="learning_rate"):
        pn.Adam(-0.1)
