"""Property tests: inverse_transform(transform(df)) == df for every revertible step, and the
outlier filter keeps exactly the rows inside Tukey's fences.

Revertible: log10 (positive data), normalized, squared (additive: its inverse drops ``x^2``),
one-hot (back to the category), month/timestamp (dropped). Not revertible: map (the replaced
values are gone) and filter_outliers (removed rows are gone; it is the identity on kept rows).
Tolerance: 1e-9 relative to the column's magnitude, in float64.
"""

import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from pyneural.data import DatasetSpec, Pipeline
from pyneural.data.transforms import FilterOutliers

FAST = settings(max_examples=60, deadline=None, derandomize=True)  # deterministic, fast


def rel_close(actual, expected, rtol=1e-9):
    """|a - e| <= rtol * max(|e|, max |column|): relative to the column's magnitude."""
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    scale = np.max(np.abs(expected)) if expected.size else 0.0
    assert (np.abs(actual - expected) <= rtol * np.maximum(np.abs(expected), scale)).all(), (actual, expected)


@st.composite
def numeric_frames(draw, positive=False):
    n = draw(st.integers(1, 25))
    k = draw(st.integers(1, 4))
    if positive:
        elements = st.floats(1e-6, 1e6)
    else:
        elements = st.one_of(st.floats(-1e6, 1e6), st.integers(-1000, 1000).map(float))
    data = draw(arrays(np.float64, (n, k), elements=elements))
    return pd.DataFrame(data, columns=[f"c{i}" for i in range(k)])


def _roundtrip(df, spec, expect=None):
    pipe = Pipeline(spec)
    out = pipe.fit_transform(df)
    back = pipe.inverse_transform(out)
    expect = df.loc[out.index] if expect is None else expect
    assert back.columns.tolist() == expect.columns.tolist()
    for c in expect.columns:
        if pd.api.types.is_numeric_dtype(expect[c]):
            rel_close(back[c], expect[c])
        else:
            assert back[c].tolist() == expect[c].tolist()
    return out


@FAST
@given(numeric_frames(positive=True))
def test_log10_reverts(df):
    _roundtrip(df, DatasetSpec.from_frame(df).add_option("log10"))


@FAST
@given(numeric_frames())
def test_normalized_reverts(df):
    out = _roundtrip(df, DatasetSpec.from_frame(df).add_option("normalized"))
    assert np.isfinite(out.to_numpy()).all()
    assert out.to_numpy().min() >= 0.0 and out.to_numpy().max() <= 1.0


@FAST
@given(numeric_frames())
def test_squared_is_additive_and_its_inverse_drops_the_square(df):
    out = _roundtrip(df, DatasetSpec.from_frame(df).add_option("squared"))
    for c in df.columns:
        np.testing.assert_array_equal(out[f"{c}^2"], df[c] ** 2)


@FAST
@given(numeric_frames(positive=True), st.booleans(), st.booleans())
def test_log10_squared_normalized_and_filter_revert_on_kept_rows(df, last_is_output, filt):
    spec = DatasetSpec.from_frame(df)
    if last_is_output and len(df.columns) > 1:
        spec.set(df.columns[-1], role="output")
    spec.add_option("log10").add_option("squared", exclude=spec.output_names())
    spec.add_option("normalized", incl_added_features=True)
    if filt:
        spec.add_option("filter_outliers")
    _roundtrip(df, spec)


@FAST
@given(st.lists(st.sampled_from(["b", "a", "c", "zz"]), min_size=1, max_size=20), numeric_frames())
def test_one_hot_reverts(cats, df):
    df = df.iloc[: len(cats)].assign(cat=cats[: len(df)])
    spec = DatasetSpec.from_frame(df).set("cat", one_hot=True).add_option("normalized")
    out = _roundtrip(df, spec, expect=df)
    assert [c for c in out.columns if c.startswith("cat=")] == [f"cat={c}" for c in sorted(set(df["cat"]))]


def _quartile(sorted_x, p):
    # Linear interpolation between order statistics (numpy's default "linear" method).
    pos = (len(sorted_x) - 1) * p
    lo = math.floor(pos)
    hi = min(lo + 1, len(sorted_x) - 1)
    return sorted_x[lo] + (sorted_x[hi] - sorted_x[lo]) * (pos - lo)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(st.one_of(st.integers(-50, 50).map(float), st.floats(-1e3, 1e3)), min_size=1, max_size=40))
def test_outlier_filter_keeps_exactly_the_rows_inside_the_fences(values):
    df = pd.DataFrame({"x": values, "row": range(len(values))})
    s = sorted(values)
    q1, q3 = _quartile(s, 0.25), _quartile(s, 0.75)
    lo, hi = q1 - 1.5 * (q3 - q1), q3 + 1.5 * (q3 - q1)
    kept = FilterOutliers(["x"]).fit(df).transform(df)
    # Fences computed two ways may differ in the last bit: ignore values within 1e-9 of a fence.
    for v, r in zip(values, range(len(values))):
        if min(abs(v - lo), abs(v - hi)) > 1e-9 * (1 + abs(v)):
            assert (r in set(kept["row"])) == (lo <= v <= hi)
    assert kept["row"].is_monotonic_increasing
