"""Built-in datasets: xor, synthetic_housing, load_king_county (the real file only through PYNEURAL_KC_CSV)."""

import csv

import numpy as np
import pandas as pd
import pytest

from pyneural.data import DatasetSpec, Pipeline, datasets, read_csv
from pyneural.errors import FileFormatError, InvalidValueError


def test_xor():
    X, y = datasets.xor()
    assert X.shape == (4, 2) and y.shape == (4, 1) and X.dtype == y.dtype == np.float32
    assert (y[:, 0] == np.logical_xor(X[:, 0], X[:, 1])).all()
    assert datasets.xor(dtype="float64")[0].dtype == np.float64


def test_synthetic_housing_has_the_king_county_columns_and_dtypes():
    df = datasets.synthetic_housing(n_rows=2000, seed=3)
    assert df.shape == (2000, 21) and df.attrs["synthetic"] is True
    assert {c: str(t) for c, t in df.dtypes.items()} == datasets.KC_COLUMNS
    assert df["id"].str.fullmatch(r"\d{10}").all() and df["id"].is_unique
    assert df["zipcode"].str.fullmatch(r"98\d{3}").all()
    assert (df["sqft_above"] + df["sqft_basement"] == df["sqft_living"]).all()
    assert ((df["yr_renovated"] == 0) | (df["yr_renovated"] > df["yr_built"])).all()
    assert df["price"].min() > 0 and 3e5 < df["price"].median() < 7e5
    assert pd.to_datetime(df["date"], format="%Y%m%dT%H%M%S").between("2014-05-02", "2015-05-27").all()
    assert df.notna().all().all()


def test_synthetic_housing_is_seeded():
    a = datasets.synthetic_housing(n_rows=500, seed=0)
    pd.testing.assert_frame_equal(a, datasets.synthetic_housing(n_rows=500, seed=0))
    assert not a["price"].equals(datasets.synthetic_housing(n_rows=500, seed=1)["price"])
    quiet = datasets.synthetic_housing(n_rows=500, seed=0, noise=0.0)
    pd.testing.assert_frame_equal(quiet.drop(columns="price"), a.drop(columns="price"))
    with pytest.raises(InvalidValueError, match=r"n_rows: expected an int from 1 to 10\*\*9, got 0"):
        datasets.synthetic_housing(n_rows=0)


def test_the_king_county_spec_runs_on_synthetic_housing():
    df = datasets.synthetic_housing()  # the default 21 600 rows
    pipe = Pipeline(datasets.king_county_spec())
    X, y, ids = pipe.to_arrays(pipe.fit_transform(df), dtype="float64")
    assert X.shape == (21_600, 34) and y.shape == (21_600, 1)
    assert np.isfinite(X).all() and X.min() == 0.0 and X.max() == 1.0
    assert (ids == df["id"].to_numpy()).all()
    # the hedonic model explains the price: the noiseless prices score R^2 ~ 0.92 on log price
    clean = np.log10(datasets.synthetic_housing(noise=0.0)["price"].to_numpy())
    noisy = np.log10(df["price"].to_numpy())
    r2 = 1 - np.sum((noisy - clean) ** 2) / np.sum((noisy - noisy.mean()) ** 2)
    assert 0.88 < r2 < 0.95


def test_read_csv_keeps_ids_and_dates_as_text(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("key,when,x,y\n0012,20140101,1.5,2\n0345,20140102,2.5,3\n")
    spec = (DatasetSpec.from_csv(path).set("key", role="id")
            .set("when", role="unused", date_format="%Y%m%d", add_month=True).set("y", role="output"))
    df = read_csv(path, spec)
    assert df["key"].tolist() == ["0012", "0345"] and df["when"].tolist() == ["20140101", "20140102"]
    assert df["x"].dtype == np.float64 and pd.read_csv(path)["key"].tolist() == [12, 345]
    pipe = Pipeline(spec)
    assert pipe.to_arrays(pipe.fit_transform(df)).ids.tolist() == ["0012", "0345"]


def test_load_king_county_explains_where_to_get_the_file(monkeypatch, tmp_path):
    monkeypatch.delenv(datasets.KC_ENV_VAR, raising=False)
    with pytest.raises(FileNotFoundError, match=r"PYNEURAL_KC_CSV is not set.*Kaggle.*kc-house-data"):
        datasets.load_king_county()
    with pytest.raises(FileNotFoundError, match=r"'/nonexistent/kc.csv' does not exist.*Kaggle"):
        datasets.load_king_county("/nonexistent/kc.csv")
    bad = tmp_path / "other.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(FileFormatError, match=r"not the King County CSV, column\(s\) \['id', 'date'"):
        datasets.load_king_county(bad)


def test_load_king_county_reads_ids_and_zipcodes_as_written(monkeypatch, tmp_path):
    # A CSV written like Kaggle's (quoted ids with leading zeros), from the synthetic table.
    df = datasets.synthetic_housing(n_rows=50, seed=2)
    df.loc[0, "id"] = "0000123456"
    path = tmp_path / "kc.csv"
    df.to_csv(path, index=False, quoting=csv.QUOTE_NONNUMERIC)  # strings quoted, as on Kaggle
    assert path.read_text().splitlines()[1].startswith('"0000123456",')
    monkeypatch.setenv(datasets.KC_ENV_VAR, str(path))
    back = datasets.load_king_county()
    assert back["id"][0] == "0000123456"
    assert {c: str(t) for c, t in back.dtypes.items()} == datasets.KC_COLUMNS
    pd.testing.assert_frame_equal(back, df)
