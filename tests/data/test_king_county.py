"""The real King County data (only with PYNEURAL_KC_CSV set; skipped otherwise)."""

import numpy as np
import pandas as pd

from pyneural.data import Pipeline, datasets


def test_load_king_county_dtypes(kc_csv):
    df = datasets.load_king_county(kc_csv)
    assert len(df) > 21_000
    assert {c: str(t) for c, t in df.dtypes.items()} == datasets.KC_COLUMNS
    assert df["id"].str.fullmatch(r"\d{10}").all() and df["id"].str.startswith("0").any()
    raw = pd.read_csv(kc_csv, dtype=str, usecols=["id", "zipcode"])
    assert df["id"].tolist() == raw["id"].tolist() and df["zipcode"].tolist() == raw["zipcode"].tolist()


def test_king_county_pipeline_34_inputs_and_dollars_back(kc_csv):
    df = datasets.load_king_county(kc_csv)
    pipe = Pipeline(datasets.king_county_spec())
    out = pipe.fit_transform(df)
    assert len(out) == len(df)  # no outlier filter in the final model
    X, y, ids = pipe.to_arrays(out, dtype="float64")
    assert X.shape == (len(df), 34) and y.shape == (len(df), 1)
    assert not np.isnan(X).any() and not np.isnan(y).any()
    assert X.min() >= 0.0 and X.max() <= 1.0 and y.min() == 0.0 and y.max() == 1.0
    assert (ids == df["id"].to_numpy()).all()
    dollars = pipe.inverse_outputs(y, index=out.index)["price"].to_numpy()
    np.testing.assert_allclose(dollars, df["price"].to_numpy(), rtol=1e-6)
    # the renovation map kept the renovated years and filled the others from yr_built
    yr = pipe.inverse_transform(out[["yr_renovated"]])["yr_renovated"].to_numpy()
    expected = np.where(df["yr_renovated"] == 0, df["yr_built"], df["yr_renovated"])
    np.testing.assert_allclose(yr, expected, rtol=1e-9)


def test_king_county_folds_fit_on_training_rows(kc_csv):
    df = datasets.load_king_county(kc_csv)
    pipe = Pipeline(datasets.king_county_spec())
    table = pipe.prepare(df)
    order = np.random.default_rng(0).permutation(len(table))
    train, val = order[: len(order) * 7 // 8], order[len(order) * 7 // 8:]
    fold = pipe.fit_stateful(table.iloc[train])
    X = fold.to_arrays(fold.transform_stateful(table.iloc[train])).X
    Xv = fold.to_arrays(fold.transform_stateful(table.iloc[val])).X
    assert X.min() == 0.0 and X.max() == 1.0 and np.isfinite(Xv).all()
    price_min = np.log10(df["price"].to_numpy()[train]).min()
    assert fold.get_state()["normalized"]["min"]["price"] == price_min
