"""Pipeline: stages, leakage-free fitting, arrays, inverse and bad-data errors naming the column."""

import json

import numpy as np
import pandas as pd
import pytest

from pyneural.data import DatasetSpec, Map, Pipeline
from pyneural.data.transforms import (ExtractMonth, ExtractTimestamp, FilterOutliers, Log10, MapValues,
                                      Normalize, OneHot, Square)
from pyneural.errors import InvalidTypeError, InvalidValueError, NotFittedError, SpecError


def house_spec(filter_outliers=False):
    spec = (DatasetSpec.from_columns(["id", "date", "price", "sqft", "grade", "yr_built", "yr_renovated",
                                      "city", "note"])
            .set("id", role="id").set("note", role="unused")
            .set("date", role="unused", date_format="%Y%m%dT%H%M%S", add_month=True, add_timestamp=True)
            .set("yr_renovated", map=Map(equal=0, feature="yr_built"))
            .set("price", role="output").set("city", one_hot=True)
            .add_option("log10", only=["sqft", "price"])
            .add_option("squared", exclude=["price"], incl_added_features=True)
            .add_option("normalized", incl_added_features=True))
    if filter_outliers:
        spec.add_option("filter_outliers", only=["price"])
    return spec


def test_steps_run_in_the_reports_order(houses):
    pipe = Pipeline(house_spec(filter_outliers=True))
    assert [type(s) for s in pipe.steps] == [OneHot, ExtractMonth, ExtractTimestamp, MapValues, Log10, Square,
                                            FilterOutliers, Normalize]
    assert repr(pipe).startswith("Pipeline(OneHot -> ExtractMonth")


def test_fit_transform_to_arrays_and_back(houses):
    pipe = Pipeline(house_spec())
    out = pipe.fit_transform(houses)
    assert pipe.input_names() == ["sqft", "grade", "yr_built", "yr_renovated", "city=a", "city=b", "city=c",
                                  "date_month", "date_timestamp", "sqft^2", "grade^2", "yr_built^2",
                                  "yr_renovated^2", "date_month^2", "date_timestamp^2"]
    X, y, ids = arrays = pipe.to_arrays(out)
    assert X.shape == (8, 15) and y.shape == (8, 1) and X.dtype == y.dtype == np.float32
    assert X.flags.c_contiguous and y.flags.c_contiguous
    assert ids.tolist() == houses["id"].tolist() and arrays.output_names == ["price"]
    assert arrays.index.tolist() == list(range(8)) and arrays.input_names == pipe.input_names()
    assert X.min() == 0.0 and X.max() == 1.0 and np.isfinite(X).all()
    X64 = pipe.to_arrays(out, dtype="float64").X
    assert X64.dtype == np.float64
    # yr_renovated == 0 took yr_built, the others kept their year
    back = pipe.inverse_transform(out)
    assert back["yr_renovated"].tolist() == [1955, 1991, 1933, 1965, 1987, 2001, 2010, 1963]
    np.testing.assert_allclose(back["price"], houses["price"], rtol=1e-12)
    assert back["city"].tolist() == houses["city"].tolist()
    assert [c for c in back.columns if "^2" in c or "_month" in c or "_timestamp" in c] == []
    # predictions alone (model units) come back in dollars
    dollars = pipe.inverse_outputs(pipe.to_arrays(out, dtype="float64").y, index=out.index)
    np.testing.assert_allclose(dollars["price"], houses["price"], rtol=1e-12)


def test_the_input_frame_is_never_modified(houses):
    before = houses.copy()
    pipe = Pipeline(house_spec(filter_outliers=True))
    pipe.inverse_transform(pipe.fit_transform(houses))
    pd.testing.assert_frame_equal(houses, before)


def test_nothing_from_validation_rows_reaches_the_fitted_state(houses):
    pipe = Pipeline(house_spec())
    table = pipe.prepare(houses)
    train, val = table.iloc[:5], table.iloc[5:]
    fold = pipe.fit_stateful(train)
    # the same state as a pipeline that never saw the validation rows
    alone = Pipeline(house_spec()).fit(houses.iloc[:5])
    assert fold.get_state() == alone.get_state()
    # wild validation rows change nothing
    wild = houses.copy()
    wild.loc[5:, "price"] = 1e9
    wild.loc[5:, "sqft"] = 99_999
    wild.loc[5:, "city"] = "zzz"
    table2 = pipe.prepare(wild)
    assert pipe.fit_stateful(table2.iloc[:5]).get_state() == fold.get_state()
    assert fold.get_state()["one_hot"] == {"categories": {"city": ["a", "b", "c"]}}
    # validation rows are transformed with the training state (may leave [0, 1])
    Xv = fold.to_arrays(fold.transform_stateful(val)).X
    assert Xv.shape == (3, 15)
    # the base pipeline was not fitted by fit_stateful
    assert not pipe.fitted and fold.fitted


def test_outliers_are_filtered_before_the_split(houses):
    houses = houses.assign(price=houses["price"].where(houses.index != 5, 5e7))
    pipe = Pipeline(house_spec(filter_outliers=True))
    with pytest.raises(NotFittedError, match="call prepare"):
        pipe.fit_stateful(pipe.transform_stateless(houses))
    table = pipe.prepare(houses)
    log_price = np.log10(houses["price"])
    q1, q3 = np.percentile(log_price, [25, 75])
    inside = (log_price >= q1 - 1.5 * (q3 - q1)) & (log_price <= q3 + 1.5 * (q3 - q1))
    assert table.index.tolist() == houses.index[inside].tolist() and len(table) < len(houses)
    fold = pipe.fit_stateful(table.iloc[:4])
    assert fold.get_state()["filter_outliers"] == pipe.outlier_filter.get_state()
    # fit() on its own computes the fences on its rows
    alone = Pipeline(house_spec(filter_outliers=True)).fit(houses.iloc[:6])
    q1, q3 = np.percentile(log_price[:6], [25, 75])
    assert alone.get_state()["filter_outliers"]["fences"]["price"] == pytest.approx(
        [q1 - 1.5 * (q3 - q1), q3 + 1.5 * (q3 - q1)])


def test_state_is_json_and_restores_the_same_transform(houses):
    pipe = Pipeline(house_spec(filter_outliers=True)).fit(houses)
    state = json.loads(json.dumps(pipe.get_state()))
    again = Pipeline(house_spec(filter_outliers=True)).set_state(state)
    pd.testing.assert_frame_equal(again.transform(houses), pipe.transform(houses))
    with pytest.raises(InvalidValueError, match="state: missing 'normalized'"):
        Pipeline(house_spec()).set_state({"one_hot": state["one_hot"]})


def test_a_bad_state_names_its_field_and_leaves_every_step_as_it_was(houses):
    pipe = Pipeline(house_spec(filter_outliers=True)).fit(houses)
    state = json.loads(json.dumps(pipe.get_state()))
    before = pipe.get_state()
    bad = json.loads(json.dumps(state))
    bad["normalized"]["scale"]["price"] = -1.0  # a later step than one_hot and filter_outliers
    bad["one_hot"]["categories"]["city"] = ["only"]
    with pytest.raises(InvalidValueError, match=r"state\['normalized'\]\['scale'\]\['price'\]: "
                                                r"expected a positive scale, got -1.0"):
        pipe.set_state(bad)
    assert pipe.get_state() == before
    with pytest.raises(InvalidValueError, match=r"state: unknown field\(s\) \['normalised'\]"):
        pipe.set_state({**state, "normalised": state["normalized"]})
    with pytest.raises(InvalidTypeError, match="state: expected a mapping, got str"):
        pipe.set_state("normalized")


def test_one_hot_names_and_unfitted_errors(houses):
    pipe = Pipeline(house_spec())
    with pytest.raises(InvalidValueError, match="one-hot encoded"):
        pipe.input_names()
    with pytest.raises(NotFittedError):
        pipe.transform_stateful(pipe.transform_stateless(houses))
    with pytest.raises(InvalidValueError, match=r"derived column\(s\) \['date_month'.*prepare\(\)"):
        pipe.fit_stateful(houses)
    assert Pipeline(DatasetSpec.from_columns(["a", "b"]).set("b", role="output")).input_names() == ["a"]


def test_a_pipeline_accepts_a_spec_dict_and_validates_it():
    assert Pipeline({"features": {"x": {}, "y": {"role": "output"}}}).output_names() == ["y"]
    with pytest.raises(SpecError, match=r"dataset\.features\.x\.log10"):
        Pipeline({"features": {"x": {"log10": "yes"}}})
    with pytest.raises(InvalidTypeError, match="spec: expected a DatasetSpec"):
        Pipeline("spec.json")


@pytest.mark.parametrize("corrupt, error, message", [
    (lambda df: df.assign(price=df["price"].where(df.index != 3)), InvalidValueError,
     r"column 'price': 1 missing value\(s\), first at row 3"),
    (lambda df: df.assign(grade=df["grade"].astype(str)), InvalidTypeError,
     r"column 'grade': expected numbers, got dtype str"),
    (lambda df: df.assign(date=df["date"].str.replace("T", " ")), InvalidValueError,
     r"column 'date': 8 row\(s\), first at row 0 do not match date_format '%Y%m%dT%H%M%S'"),
    (lambda df: df.assign(sqft=df["sqft"].where(df.index != 0, 0)), InvalidValueError,
     r"column 'sqft': log10 needs positive values, got 1 row\(s\), first at row 0"),
    (lambda df: df.assign(sqft=df["sqft"].astype(float).where(df.index != 2, np.inf)), InvalidValueError,
     r"column 'sqft': 1 infinite value\(s\), first at row 2"),
    (lambda df: df.drop(columns=["grade"]), InvalidValueError,
     r"column\(s\) \['grade'\] of the dataset spec are missing"),
    (lambda df: pd.concat([df, df[["grade"]]], axis=1), InvalidValueError, r"duplicate column name\(s\) \['grade'\]"),
    (lambda df: df.iloc[:0], InvalidValueError, "the frame has no rows"),
    (lambda df: df.to_numpy(), InvalidTypeError, "expected a pandas DataFrame, got ndarray"),
    (lambda df: df.assign(city=df["city"].where(df.index != 1)), InvalidValueError,
     r"column 'city': 1 missing value"),
    (lambda df: df.assign(yr_built=df["yr_built"].astype(str)), InvalidTypeError, r"column 'yr_built'"),
])
def test_bad_data_errors_name_the_column(houses, corrupt, error, message):
    with pytest.raises(error, match=message):
        Pipeline(house_spec()).fit(corrupt(houses))


def test_unused_columns_may_hold_anything(houses):
    df = houses.assign(note=[None, 1, "x", 2.5, None, "y", "z", "w"])
    assert len(Pipeline(house_spec()).fit_transform(df)) == 8


def test_to_arrays_errors(houses):
    pipe = Pipeline(house_spec())
    out = pipe.fit_transform(houses)
    with pytest.raises(InvalidTypeError, match="dtype: expected float32 or float64, got int32"):
        pipe.to_arrays(out, dtype="int32")
    with pytest.raises(InvalidValueError, match=r"model column\(s\) \['sqft\^2'\] are missing"):
        pipe.to_arrays(out.drop(columns=["sqft^2"]))
    with pytest.raises(InvalidValueError, match="column 'grade': non-finite value at row 4"):
        pipe.to_arrays(out.assign(grade=out["grade"].where(out.index != 4)))
    with pytest.raises(InvalidValueError, match=r"y: expected shape \(n, 1\)"):
        pipe.inverse_outputs(np.zeros((3, 2)))


def test_without_an_id_the_row_index_is_the_id():
    df = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [0.0, 1.0, 0.0]}, index=[7, 8, 9])
    pipe = Pipeline(DatasetSpec.from_frame(df).set("y", role="output"))
    assert pipe.to_arrays(pipe.fit_transform(df)).ids.tolist() == [7, 8, 9]
