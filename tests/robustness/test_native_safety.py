"""The C++ boundary checks every size, stride, dtype and index it is given: no
call from Python can read or write out of bounds; bad calls are ValueErrors."""

import numpy as np
import pytest

from pyneural import _core


def _layers(units=(3, 1)):
    return [{"units": u, "activation": 1, "dropout": 0.0, "optimizer": 0, "momentum": 0.0,
             "beta_1": 0.0, "beta_2": 0.0, "epsilon": 0.0} for u in units]


def _slots(dtype=np.float32, inputs=2, units=(3, 1)):
    out, fan_in = [], inputs
    for u in units:
        out.append((np.zeros((fan_in, u), dtype), np.zeros(u, dtype), [], []))
        fan_in = u
    return out


def _train(engine, x=None, y=None, perm=None, slots=None, lr=None, batch=4):
    x = np.zeros((5, 2), np.float32) if x is None else x
    y = np.zeros((5, 1), np.float32) if y is None else y
    perm = np.arange(5, dtype=np.int64) if perm is None else perm
    lr = np.full(2, 0.1) if lr is None else lr
    return engine.train_epoch(x, y, perm, batch, _slots() if slots is None else slots, lr, 0, 0, 0, 1)


def test_valid_call_works():
    loss, step = _train(_core.EngineF32(2, _layers(), 0))
    assert np.isfinite(loss) and step == 2


@pytest.mark.parametrize("kwargs,match", [
    ({"perm": np.array([0, 1, 5], np.int64)}, "perm: index out of range"),
    ({"perm": np.array([-1], np.int64)}, "perm: index out of range"),
    ({"perm": np.arange(5, dtype=np.int32)}, "perm"),
    ({"perm": np.arange(10, dtype=np.int64)[::2]}, "perm"),
    ({"x": np.zeros((5, 3), np.float32)}, "x: expected 2 columns"),
    ({"x": np.zeros((5, 2), np.float64)}, "x: wrong dtype"),
    ({"x": np.zeros(10, np.float32)}, "x: expected a 2-D array"),
    ({"x": np.zeros((2, 5), np.float32).T}, "x: rows"),
    ({"y": np.zeros((4, 1), np.float32)}, "y: row count differs"),
    ({"y": np.zeros((5, 2), np.float32)}, "y: expected 1 columns"),
    ({"lr": np.full(3, 0.1)}, "lr"),
    ({"batch": 0}, "batch_size"),
    ({"slots": _slots()[:1]}, "params: expected 2 layers"),
    ({"slots": _slots(units=(4, 1))}, r"params\[0\].weights: wrong shape"),
    ({"slots": _slots(np.float64)}, "wrong dtype"),
    ({"slots": [(np.zeros((3, 2), np.float32).T, np.zeros(3, np.float32), [], []), _slots()[1]]}, "C-contiguous"),
    ({"slots": [(np.zeros((2, 3), np.float32), np.zeros(3, np.float32), [np.zeros((2, 3), np.float32)], []),
                _slots()[1]]}, "optimizer state"),
])
def test_bad_training_calls_are_value_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        _train(_core.EngineF32(2, _layers(), 0), **kwargs)


def test_read_only_parameters_are_refused():
    slots = _slots()
    slots[0][0].setflags(write=False)
    with pytest.raises(ValueError, match="writable"):
        _train(_core.EngineF32(2, _layers(), 0), slots=slots)


@pytest.mark.parametrize("layers,match", [
    (_layers((0, 1)), "units"),
    ([{**_layers()[0], "dropout": 1.0}, _layers()[1]], "dropout"),
    ([{**_layers()[0], "activation": 9}, _layers()[1]], "activation"),
    ([{**_layers()[0], "optimizer": 7}, _layers()[1]], "optimizer"),
    ([], "at least one layer"),
])
def test_bad_engine_configurations(layers, match):
    with pytest.raises(ValueError, match=match):
        _core.EngineF64(2, layers, 0)
    with pytest.raises(ValueError, match="loss"):
        _core.EngineF64(2, _layers(), 9)


def test_predict_and_evaluate_check_inputs():
    engine = _core.EngineF32(2, _layers(), 0)
    with pytest.raises(ValueError, match="x: expected 2 columns"):
        engine.predict(np.zeros((3, 4), np.float32), _slots(), 1)
    with pytest.raises(ValueError, match="n_threads"):
        engine.predict(np.zeros((3, 2), np.float32), _slots(), 0)
    with pytest.raises(ValueError, match="y: row count"):
        engine.evaluate(np.zeros((3, 2), np.float32), np.zeros((2, 1), np.float32), _slots(), 1)
    assert engine.predict(np.zeros((0, 2), np.float32), _slots(), 1).shape == (0, 1)


def test_gemm_checks_shapes_and_strides():
    a, b = np.ones((4, 3)), np.ones((3, 5))
    with pytest.raises(ValueError, match="out"):
        _core.gemm(a, b, np.empty((4, 4)), 1.0, 0.0, 1)
    with pytest.raises(ValueError):
        _core.gemm(a, np.ones((4, 5)), np.empty((4, 5)), 1.0, 0.0, 1)
    with pytest.raises(ValueError):
        _core.gemm(a[::-1], b, np.empty((4, 5)), 1.0, 0.0, 1)
    with pytest.raises(ValueError):
        _core.gemm(a, b.astype(np.float32), np.empty((4, 5)), 1.0, 0.0, 1)
    ro = np.empty((4, 5))
    ro.setflags(write=False)
    with pytest.raises(ValueError):
        _core.gemm(a, b, ro, 1.0, 0.0, 1)
