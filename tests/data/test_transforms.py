"""Each pipeline step's semantics on small hand-made frames, including the Rust defects we fix."""

import numpy as np
import pandas as pd
import pytest

from pyneural.data.spec import Map
from pyneural.data.transforms import (ExtractMonth, ExtractTimestamp, FilterOutliers, Log10, MapValues,
                                      Normalize, OneHot, Square)
from pyneural.errors import InvalidTypeError, InvalidValueError, NotFittedError


def test_map_keeps_the_rows_that_do_not_match():
    # The Rust framework overwrote non-matching rows; only yr_renovated == 0 may change.
    df = pd.DataFrame({"yr_renovated": [0, 1991, 0, 2010], "yr_built": [1955, 1951, 1933, 1965]})
    out = MapValues([("yr_renovated", Map(equal=0, feature="yr_built"))]).transform(df)
    assert out["yr_renovated"].tolist() == [1955, 1991, 1933, 2010]
    assert out["yr_renovated"].dtype == np.int64
    assert df["yr_renovated"].tolist() == [0, 1991, 0, 2010]  # input untouched
    out = MapValues([("yr_built", Map(value=2000))]).transform(df)  # every row, a constant
    assert out["yr_built"].tolist() == [2000] * 4
    out = MapValues([("yr_renovated", Map(equal=1991, value=0.5))]).transform(df)
    assert out["yr_renovated"].tolist() == [0, 0.5, 0, 2010]


def test_map_on_strings_and_type_errors():
    df = pd.DataFrame({"s": ["a", "?", "b"], "x": [1.0, 2.0, 3.0]})
    assert MapValues([("s", Map(equal="?", value="b"))]).transform(df)["s"].tolist() == ["a", "b", "b"]
    with pytest.raises(InvalidTypeError, match="column 'x': map selects rows equal to the string"):
        MapValues([("x", Map(equal="1", value=0))]).transform(df)
    with pytest.raises(InvalidTypeError, match="column 'x': map would put non-numeric values"):
        MapValues([("x", Map(value="none"))]).transform(df)
    assert not MapValues.revertible


def test_outlier_filter_removes_exactly_the_rows_outside_tukey_fences():
    # x: Q1 = 3, Q3 = 8.5, IQR = 5.5 -> fences [-5.25, 16.75]; y: fences [5, 5].
    df = pd.DataFrame({"x": [1, 2, 30, 4, 5, 6, 7, 8, 9, 10, -10],
                       "y": [5.0, 5, 5, 5, 5, 5, 5, 5, 5, -100, 5]},
                      index=[10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20])
    step = FilterOutliers(["x", "y"]).fit(df)
    q1, q3 = np.percentile(df["x"], [25, 75])
    assert step.fences_["x"] == [q1 - 1.5 * (q3 - q1), q3 + 1.5 * (q3 - q1)]
    assert step.fences_["y"] == [5.0, 5.0]
    kept = step.transform(df)
    assert step.fences_["x"] == [-5.25, 16.75]
    assert kept.index.tolist() == [10, 11, 13, 14, 15, 16, 17, 18]  # x 30, y -100, x -10 go; nothing else
    assert step.inverse_transform(kept) is kept


def test_outlier_fences_are_inclusive_and_only_cover_present_columns():
    df = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0, 4.0]})
    step = FilterOutliers(["x"]).fit(df)  # Q1 = 1, Q3 = 3: fences [-2, 6]
    probe = pd.DataFrame({"x": [-2.0, 6.0, 6.0000001, -2.0000001], "other": [1, 2, 3, 4]})
    assert step.transform(probe)["other"].tolist() == [1, 2]
    assert len(step.transform(pd.DataFrame({"other": [1, 2]}))) == 2


def test_one_hot_columns_are_sorted_and_revert():
    df = pd.DataFrame({"a": [1, 2, 3, 4], "city": ["seattle", "bellevue", "auburn", "bellevue"]})
    step = OneHot(["city"]).fit(df)
    out = step.transform(df)
    assert out.columns.tolist() == ["a", "city=auburn", "city=bellevue", "city=seattle"]
    assert out["city=bellevue"].tolist() == [0.0, 1.0, 0.0, 1.0]
    pd.testing.assert_frame_equal(step.inverse_transform(out), df)
    unseen = step.transform(pd.DataFrame({"a": [5], "city": ["kent"]}))
    assert unseen.filter(like="city=").to_numpy().tolist() == [[0.0, 0.0, 0.0]]
    assert step.inverse_transform(unseen)["city"].tolist() == [None]
    # numbers sort as numbers, not as strings
    nums = OneHot(["n"]).fit(pd.DataFrame({"n": [10, 9, 100, 9]}))
    assert nums.categories_ == {"n": [9, 10, 100]}
    # a subset of the indicator columns is left as it is
    assert step.inverse_transform(out[["city=auburn"]]).columns.tolist() == ["city=auburn"]


def test_one_hot_order_does_not_depend_on_row_order():
    a = pd.DataFrame({"c": list("dbca")})
    assert OneHot(["c"]).fit(a).categories_ == OneHot(["c"]).fit(a.iloc[::-1]).categories_ == {"c": list("abcd")}


def test_normalize_min_max_and_a_constant_column():
    df = pd.DataFrame({"x": [2.0, 4.0, 6.0], "c": [7, 7, 7]})
    step = Normalize(["x", "c"]).fit(df)
    out = step.transform(df)
    assert out["x"].tolist() == [0.0, 0.5, 1.0]
    assert out["c"].tolist() == [0.0, 0.0, 0.0] and step.scale_["c"] == 1.0
    back = step.inverse_transform(out)
    assert back["x"].tolist() == [2.0, 4.0, 6.0] and back["c"].tolist() == [7.0, 7.0, 7.0]
    # rows not seen by fit may leave [0, 1]; inverse works on a subset of columns
    assert step.transform(pd.DataFrame({"x": [8.0], "c": [7]}))["x"].tolist() == [1.5]
    assert step.inverse_transform(pd.DataFrame({"x": [0.25]}))["x"].tolist() == [3.0]


def test_log10_and_its_errors():
    df = pd.DataFrame({"p": [10.0, 1000.0, 0.1]}, index=["a", "b", "c"])
    out = Log10(["p"]).transform(df)
    np.testing.assert_allclose(out["p"], [1.0, 3.0, -1.0])
    np.testing.assert_allclose(Log10(["p"]).inverse_transform(out)["p"], df["p"], rtol=1e-15)
    bad = pd.DataFrame({"p": [1.0, 0.0, -2.0]}, index=[5, 6, 7])
    with pytest.raises(InvalidValueError, match=r"column 'p': log10 needs positive values, got 2 row\(s\), "
                                                r"first at row 6 <= 0 \(e.g. 0.0\)"):
        Log10(["p"]).transform(bad)


def test_square_adds_a_column_and_its_inverse_drops_it():
    df = pd.DataFrame({"x": [1, -2, 3], "y": [0.5, 1.0, 2.0]})
    step = Square([("x", "x^2")])
    out = step.transform(df)
    assert out.columns.tolist() == ["x", "y", "x^2"] and out["x^2"].tolist() == [1.0, 4.0, 9.0]
    pd.testing.assert_frame_equal(step.inverse_transform(out), df)


def test_dates_month_and_unix_timestamp():
    df = pd.DataFrame({"date": ["20141013T000000", "20150225T123000"]})
    items = [("date", "%Y%m%dT%H%M%S", "date_month")]
    out = ExtractMonth(items).transform(df)
    assert out["date_month"].tolist() == [10, 2]
    ts = ExtractTimestamp([("date", "%Y%m%dT%H%M%S", "date_timestamp")])
    out = ts.transform(df)
    assert out["date_timestamp"].tolist() == [1413158400, 1424867400]
    # the timestamp alone gives the date string back
    back = ts.inverse_transform(out[["date_timestamp"]])
    assert back.columns.tolist() == ["date"] and back["date"].tolist() == df["date"].tolist()
    assert ts.inverse_transform(out).columns.tolist() == ["date"]
    aware = ExtractTimestamp([("d", "%Y-%m-%d %H:%M%z", "t")]).transform(
        pd.DataFrame({"d": ["1970-01-01 01:00+0100", "1970-01-01 00:00+0000"]}))
    assert aware["t"].tolist() == [0, 0]


def test_a_date_that_does_not_match_its_format_names_the_column():
    df = pd.DataFrame({"sold": ["2014-10-13", "13/10/2014", "2014-10-14"]})
    with pytest.raises(InvalidValueError, match=r"column 'sold': 1 row\(s\), first at row 1 do not match "
                                                r"date_format '%Y-%m-%d' \(e.g. '13/10/2014'\)"):
        ExtractMonth([("sold", "%Y-%m-%d", "sold_month")]).transform(df)


def test_stateful_steps_need_fit_and_their_state_round_trips():
    df = pd.DataFrame({"x": [1.0, 5.0, 3.0], "c": ["b", "a", "b"]})
    for step in (Normalize(["x"]), FilterOutliers(["x"]), OneHot(["c"])):
        with pytest.raises(NotFittedError, match="call fit"):
            step.transform(df)
        with pytest.raises(InvalidValueError, match="no rows"):
            step.fit(df.iloc[:0])
        state = step.fit(df).get_state()
        again = type(step)(step.columns).set_state(state)
        pd.testing.assert_frame_equal(again.transform(df), step.transform(df))


@pytest.mark.parametrize("step,state,error,message", [
    (Normalize(["x"]), [1.0], InvalidTypeError, r"state: expected a mapping, got list"),
    (Normalize(["x"]), {"lin": {"x": 0.0}, "scale": {"x": 1.0}}, InvalidValueError,
     r"state: unknown field\(s\) \['lin'\]; Normalize has \['min', 'scale'\]"),
    (Normalize(["x"]), {"scale": {"x": 1.0}}, InvalidValueError, r"state: missing field 'min'"),
    (Normalize(["x"]), {"min": [0.0], "scale": {"x": 1.0}}, InvalidTypeError,
     r"state\['min'\]: expected a mapping of column -> value, got list"),
    (Normalize(["x", "y"]), {"min": {"x": 0.0}, "scale": {"x": 1.0, "y": 1.0}}, InvalidValueError,
     r"state\['min'\]: missing column\(s\) \['y'\]"),
    (Normalize(["x"]), {"min": {"x": 0.0, "z": 1.0}, "scale": {"x": 1.0}}, InvalidValueError,
     r"state\['min'\]: column\(s\) \['z'\] are not among this step's columns"),
    (Normalize(["x"]), {"min": {"x": "0"}, "scale": {"x": 1.0}}, InvalidTypeError,
     r"state\['min'\]\['x'\]: expected a number, got str"),
    (Normalize(["x"]), {"min": {"x": True}, "scale": {"x": 1.0}}, InvalidTypeError,
     r"state\['min'\]\['x'\]: expected a number, got bool"),
    (Normalize(["x"]), {"min": {"x": float("inf")}, "scale": {"x": 1.0}}, InvalidValueError,
     r"state\['min'\]\['x'\]: expected a finite number, got inf"),
    (Normalize(["x"]), {"min": {"x": 0.0}, "scale": {"x": 0}}, InvalidValueError,
     r"state\['scale'\]\['x'\]: expected a positive scale, got 0.0"),
    (Normalize(["x"]), {"min": {"x": 0.0}, "scale": {"x": float("nan")}}, InvalidValueError,
     r"state\['scale'\]\['x'\]: expected a number, got NaN"),
    (FilterOutliers(["x"]), {"fences": {"x": [1.0]}}, InvalidValueError,
     r"state\['fences'\]\['x'\]: expected \[low, high\], got \[1.0\]"),
    (FilterOutliers(["x"]), {"fences": {"x": [2.0, 1.0]}}, InvalidValueError,
     r"state\['fences'\]\['x'\]: low fence 2.0 is above high fence 1.0"),
    (FilterOutliers(["x"]), {"fences": {"x": [0.0, None]}}, InvalidTypeError,
     r"state\['fences'\]\['x'\]\[1\]: expected a number, got NoneType"),
    (OneHot(["c"]), {"categories": {"c": "ab"}}, InvalidTypeError,
     r"state\['categories'\]\['c'\]: expected a list of categories, got str"),
    (OneHot(["c"]), {"categories": {"c": ["a", ["b"]]}}, InvalidValueError,
     r"state\['categories'\]\['c'\]\[1\]: expected a category \(string or number\), got \['b'\]"),
    (OneHot(["c"]), {"categories": {"c": ["a", "a"]}}, InvalidValueError,
     r"state\['categories'\]\['c'\]: categories repeat"),
])
def test_a_bad_state_names_its_field_and_changes_nothing(step, state, error, message):
    df = pd.DataFrame({"x": [1.0, 5.0, 3.0], "y": [2.0, 2.0, 4.0], "c": ["b", "a", "b"]})
    step.fit(df)
    before = step.get_state()
    with pytest.raises(error, match=message):
        step.set_state(state)
    assert step.get_state() == before
