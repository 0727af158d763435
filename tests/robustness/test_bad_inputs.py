"""The bad-input catalogue: each case ends in a pyneural error whose type is what a
Python user expects and whose message names the argument, column, file or JSON
path. One test per case."""

import re

import numpy as np
import pandas as pd
import pytest

import pyneural as pn
from pyneural import metrics
from pyneural.data.io import read_csv
from pyneural.errors import (FileFormatError, InvalidTypeError, InvalidValueError, PyneuralError, SpecError)
from pyneural.model_spec import ModelSpec
from pyneural.training import KFold
from pyneural.training.runner import run_spec


def _spec(**features):
    spec = pn.DatasetSpec.from_columns(["a", "b", "y"]).set("y", role="output")
    for name, opts in features.items():
        spec.set(name, **opts)
    return spec


def _frame(**cols):
    base = {"a": [1.0, 2.0, 3.0, 4.0], "b": [2.0, 3.0, 5.0, 7.0], "y": [1.0, 2.0, 3.0, 5.0]}
    base.update(cols)
    return pd.DataFrame(base)


def _net(inputs=2):
    return pn.Network([pn.Dense(3, "relu"), pn.Dense(1)], inputs=inputs, seed=0)


def test_missing_values_in_a_used_column():
    with pytest.raises(InvalidValueError, match="column 'b': 1 missing value"):
        pn.Pipeline(_spec()).fit(_frame(b=[1.0, None, 3.0, 4.0]))


def test_non_numeric_input_column():
    with pytest.raises(InvalidTypeError, match="column 'b': expected numbers"):
        pn.Pipeline(_spec()).fit(_frame(b=["x", "y", "z", "w"]))
    with pytest.raises(InvalidTypeError, match="X: column 'b' is not numeric"):
        _net().predict(_frame(b=["x", "y", "z", "w"])[["a", "b"]])


def test_constant_column_under_min_max_normalisation():
    spec = _spec().add_option("normalized")
    out = pn.Pipeline(spec).fit_transform(_frame(b=[3.0] * 4))
    assert np.isfinite(out.to_numpy(float)).all() and (out["b"] == 0).all()


@pytest.mark.parametrize("where", ["X", "y"])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_or_inf_in_x_or_y(where, bad):
    x, y = np.ones((5, 2)), np.ones(5)
    (x if where == "X" else y)[2] = bad
    with pytest.raises(InvalidValueError, match=f"{where}: contains NaN or infinite values"):
        _net().fit(x, y, epochs=1, verbose=0)


def test_empty_csv(tmp_path):
    (tmp_path / "e.csv").write_text("")
    with pytest.raises(FileFormatError, match=r"e\.csv: the file is empty"):
        read_csv(tmp_path / "e.csv")


def test_header_only_csv(tmp_path):
    (tmp_path / "h.csv").write_text("a,b,y\n")
    with pytest.raises(FileFormatError, match=r"h\.csv: the file has a header but no rows"):
        read_csv(tmp_path / "h.csv")


def test_zero_features():
    with pytest.raises(InvalidValueError, match="inputs"):
        pn.Network([pn.Dense(1)], inputs=0)
    with pytest.raises(InvalidValueError, match="X: expected 2 feature"):
        _net().fit(np.ones((4, 0)), np.ones(4), epochs=1, verbose=0)
    with pytest.raises(SpecError, match="dataset.features: no input feature"):
        ModelSpec.from_dict({"dataset": {"features": {"y": {"role": "output"}}},
                             "network": {"layers": [{"units": "outputs"}]}})


def test_one_row():
    net = _net()
    hist = net.fit(np.ones((1, 2)), np.ones(1), epochs=2, batch_size=32, verbose=0)
    assert len(hist) == 2 and np.isfinite(hist["loss"]).all()
    assert np.isnan(net.evaluate(np.ones((1, 2)), np.ones(1))["r2"])  # R² is undefined for one row
    with pytest.raises(InvalidValueError, match="k: 2 folds need at least 2 rows"):
        KFold(2).splits(1, seed=0)


def test_more_folds_than_rows_and_k_below_two():
    with pytest.raises(InvalidValueError, match="k: 5 folds need at least 5 rows, got 4"):
        KFold(5).splits(4, seed=0)
    for k in (1, 0, -2):
        with pytest.raises(InvalidValueError, match="k: expected an integer >= 2"):
            KFold(k)


def test_batch_larger_than_the_data_is_clipped():
    a, b = _net(), _net()
    x, y = np.random.default_rng(0).normal(size=(10, 2)), np.arange(10.0)
    a.fit(x, y, epochs=2, batch_size=1000, verbose=0, shuffle=False)
    b.fit(x, y, epochs=2, batch_size=10, verbose=0, shuffle=False)
    assert all(np.array_equal(p["weights"], q["weights"]) for p, q in zip(a.get_params(), b.get_params()))


def test_wrong_feature_count_at_predict():
    with pytest.raises(InvalidValueError, match=r"X: expected 2 feature column\(s\), got shape \(3, 3\)"):
        _net().predict(np.ones((3, 3)))


def test_one_dimensional_input():
    with pytest.raises(InvalidValueError, match=r"X: expected a 2-D array, got shape \(4,\).*reshape"):
        _net(1).predict(np.ones(4))


def test_rows_of_x_and_y_differ():
    with pytest.raises(InvalidValueError, match="y: has 3 rows but X has 4"):
        _net().fit(np.ones((4, 2)), np.ones(3), epochs=1, verbose=0)


def _model_spec(**changes):
    d = {"dataset": {"features": {"a": {}, "b": {}, "y": {"role": "output"}}},
         "network": {"layers": [{"units": 4, "activation": "relu"}, {"units": "outputs"}]},
         "training": {"epochs": 1}}
    for path, value in changes.items():
        node = d
        keys = path.split("__")
        for k in keys[:-1]:
            node = node[k]
        node[keys[-1]] = value
    return d


def test_spec_unknown_key():
    with pytest.raises(SpecError, match="training.epoch: unknown key"):
        ModelSpec.from_dict(_model_spec(training__epoch=3))


def test_spec_wrong_type():
    with pytest.raises(SpecError, match='training.batch_size: expected an integer, got "32"'):
        ModelSpec.from_dict(_model_spec(training__batch_size="32"))


def test_spec_out_of_range_value():
    with pytest.raises(SpecError, match=r"network.layers\[0\].dropout: expected null or a number in \[0, 1\)"):
        ModelSpec.from_dict(_model_spec(network__layers=[{"units": 4, "dropout": 1.5}, {"units": "outputs"}]))


def test_spec_unknown_column():
    d = _model_spec()
    d["dataset"]["options"] = [{"option": "log10", "only": ["nope"]}]
    with pytest.raises(SpecError, match=r"dataset.options\[0\].only.*nope"):
        ModelSpec.from_dict(d)


def test_spec_layer_of_zero_units():
    with pytest.raises(SpecError, match=r"network.layers\[0\].units: expected"):
        ModelSpec.from_dict(_model_spec(network__layers=[{"units": 0}, {"units": "outputs"}]))


def test_spec_layer_repeated_absurdly_often():
    with pytest.raises(SpecError, match=r"network.layers\[0\].repeat: expected an integer <= 10000, got 2\*\*70|"
                                        r"network.layers\[0\].repeat: expected an integer <= 10000, got 1180591620717411303424"):
        ModelSpec.from_dict(_model_spec(network__layers=[{"units": 3, "repeat": 2**70}, {"units": "outputs"}]))


def test_date_that_does_not_match_its_format():
    spec = _spec().set("a", role="unused", date_format="%Y%m%d", add_month=True)
    with pytest.raises(InvalidValueError, match="column 'a'.*do not match date_format"):
        pn.Pipeline(spec).fit(_frame(a=["20140101", "2014-02-01", "20140301", "20140401"]))


def test_log10_of_non_positive_values():
    with pytest.raises(InvalidValueError, match="column 'b': log10 needs positive values"):
        pn.Pipeline(_spec(b={"log10": True})).fit(_frame(b=[1.0, 0.0, -2.0, 3.0]))


def test_target_column_that_is_also_an_input():
    with pytest.raises(SpecError, match="y"):
        _spec(a={"map": pn.data.Map(feature="y")}).validate()
    with pytest.raises(SpecError, match="squared"):
        _spec(y={"squared": True}).validate()
    with pytest.raises(SpecError, match="duplicate key"):
        pn.DatasetSpec.from_json_str('{"features": {"a": {}, "y": {"role": "output"}, "y": {}}}')


def test_duplicate_column_names(tmp_path):
    (tmp_path / "d.csv").write_text("a,b,a\n1,2,3\n")
    with pytest.raises(FileFormatError, match=r"duplicate column name\(s\) \['a'\]"):
        read_csv(tmp_path / "d.csv")
    df = pd.DataFrame([[1.0, 2.0, 3.0]], columns=["a", "b", "a"])
    with pytest.raises(InvalidValueError, match="duplicate column"):
        pn.Pipeline(_spec()).fit(df)


def test_all_errors_are_pyneural_errors():
    for exc in (InvalidValueError, InvalidTypeError, FileFormatError, SpecError):
        assert issubclass(exc, PyneuralError)
    assert issubclass(InvalidValueError, ValueError) and issubclass(InvalidTypeError, TypeError)


def test_runner_on_a_table_missing_a_spec_column():
    spec = ModelSpec.from_dict(_model_spec())
    with pytest.raises(InvalidValueError, match=r"column\(s\) \['b'\] of the dataset spec are missing"):
        run_spec(spec, _frame().drop(columns=["b"]), verbose=0)


# ---------------------------------------------------------------- arguments of the wrong kind
# Each call gets an argument of a type it does not take (or an absurd size); the
# error must be a pyneural error naming that argument, not an error from inside
# pathlib, json, numpy or a comparison with an array.

_ARRAY = np.array(["a", "b"])


def _fitted_pipeline():
    return pn.Pipeline(pn.datasets.king_county_spec()).fit(pn.datasets.synthetic_housing(n_rows=60))


@pytest.mark.parametrize("call,name", [
    (lambda: _net().save(3), "path"),
    (lambda: _net().save(None), "path"),
    (lambda: pn.Network.load(["m.json"]), "path"),
    (lambda: _net().fit(np.ones((4, 2)), np.ones(4), verbose=0, checkpoint=1.5), "checkpoint"),
    (lambda: _net().fit(np.ones((4, 2)), np.ones(4), verbose=0, callbacks=3), "callbacks"),
    (lambda: _net().fit(np.ones((4, 2)), np.ones(4), verbose=0, on_divergence=_ARRAY), "on_divergence"),
    (lambda: pn.Network([pn.Dense(1)], inputs=2, backend=[]), "backend"),
    (lambda: pn.Network([pn.Dense(1)], inputs=10**30), "inputs"),
    (lambda: pn.Dense(10**30), "units"),
    (lambda: pn.ModelSpec.from_json(7), "path"),
    (lambda: pn.ModelSpec.from_json_str(b"{}"), "text"),
    (lambda: pn.DatasetSpec.from_json({}), "path"),
    (lambda: pn.DatasetSpec.from_json_str(None), "text"),
    (lambda: pn.DatasetSpec.from_columns(5), "names"),
    (lambda: pn.DatasetSpec.from_columns(["a"]).set(5, role="input"), "names"),
    (lambda: pn.DatasetSpec.from_columns(["a"]).set("a", role=_ARRAY), "role"),
    (lambda: pn.DatasetSpec.from_columns(["a"]).add_option(_ARRAY), "option"),
    (lambda: pn.datasets.king_county_spec().feature(["price"]), "dataset.features"),
    (lambda: pn.KFold(3).splits("10", 0), "n"),
    (lambda: pn.KFold(3).splits(10**30, 0), "n"),
    (lambda: pn.KFold(3).splits(10, "x"), "seed"),
    (lambda: pn.run_spec({"dataset": {}}, pd.DataFrame({"a": [1.0]})), "spec"),
    (lambda: metrics.r2_score(["x", "y"], [1.0, 2.0]), "y_true"),
    (lambda: metrics.mean_squared_error(np.ones((3, 2)), np.ones((3, 2)), multioutput={}), "multioutput"),
    (lambda: metrics.mean_squared_error(np.ones((3, 2)), np.ones((3, 2)), multioutput=[0.0, 0.0]), "multioutput"),
    (lambda: pn.Network.from_config(None), "config"),
    (lambda: pn.Network.from_config({"layers": [], "inputs": 2, "colour": 1}), "colour"),
    (lambda: pn.Network.from_config({"layers": 3, "inputs": 2}), "config['layers']"),
    (lambda: pn.Network.from_config({"layers": [{"units": 1, "size": 3}], "inputs": 2}), "config['layers'][0]"),
    (lambda: pn.Dense.from_config([1]), "config"),
    (lambda: pn.datasets.synthetic_housing(10**30), "n_rows"),
    (lambda: pn.datasets.synthetic_housing(10, seed="x"), "seed"),
    (lambda: pn.datasets.synthetic_housing(10, noise=True), "noise"),
    (lambda: pn.datasets.xor("x"), "dtype"),
    (lambda: pn.datasets.load_king_county(3), "path"),
    (lambda: _fitted_pipeline().to_arrays([1.0]), "df"),
    (lambda: _fitted_pipeline().to_arrays(pd.DataFrame(), dtype="x"), "dtype"),
    (lambda: _fitted_pipeline().inverse_outputs("x"), "y"),
    (lambda: _fitted_pipeline().inverse_outputs(np.ones((3, 1)), index=[1]), "index"),
])
def test_an_argument_of_the_wrong_kind_is_named(call, name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(PyneuralError, match=re.escape(name)):
        call()


def test_a_huge_thread_count_is_capped_like_the_fast_path():
    a = np.ones((3, 4))
    expected = a @ a.T
    np.testing.assert_array_equal(pn.linalg.matmul(a, a.T, n_threads=10**30), expected)
    np.testing.assert_array_equal(pn.linalg.matmul(a, a.T, n_threads=np.int64(10**6)), expected)
