"""The on-disk cache of the stateless stage: keyed by input bytes, spec and version; atomic; no pickle."""

import numpy as np
import pandas as pd
import pytest

import pyneural
from pyneural.data import Pipeline, datasets
from pyneural.data.cache import cache_key, frame_digest


@pytest.fixture
def table():
    return datasets.synthetic_housing(n_rows=300, seed=1)


def test_second_run_is_a_hit_with_the_identical_frame(tmp_path, table):
    pipe = Pipeline(datasets.king_county_spec(), cache_dir=tmp_path)
    first = pipe.transform_stateless(table)
    assert (pipe.cache.hits, pipe.cache.misses) == (0, 1)
    again = Pipeline(datasets.king_county_spec(), cache_dir=tmp_path).transform_stateless(table)
    pd.testing.assert_frame_equal(again, first, check_exact=True)
    assert again["id"].dtype == table["id"].dtype
    files = list(tmp_path.iterdir())
    assert len(files) == 1 and files[0].name.startswith("stateless-") and files[0].suffix == ".npz"
    with np.load(files[0], allow_pickle=False) as z:  # readable without pickle
        assert all(z[k].dtype != object for k in z.files)


def test_any_change_gives_another_key(tmp_path, table, monkeypatch):
    spec = datasets.king_county_spec()
    pipe = Pipeline(spec, cache_dir=tmp_path)
    pipe.transform_stateless(table)
    changed = table.copy()
    changed.loc[7, "price"] += 1.0
    out = pipe.transform_stateless(changed)
    assert pipe.cache.misses == 2
    assert out.loc[7, "price"] == np.log10(table.loc[7, "price"] + 1.0)
    renamed_id = table.copy()
    renamed_id.loc[0, "id"] = "x" + renamed_id.loc[0, "id"]
    assert frame_digest(renamed_id) != frame_digest(table)
    assert frame_digest(table.astype({"grade": "float64"})) != frame_digest(table)
    other_spec = spec.copy().set("lat", log10=False).add_option("log10", only=["sqft_lot"])
    assert cache_key(table, "a") != cache_key(table, "b")
    Pipeline(other_spec, cache_dir=tmp_path).transform_stateless(table)
    assert len(list(tmp_path.glob("*.npz"))) == 3
    before = cache_key(table, "spec")
    monkeypatch.setattr(pyneural, "__version__", pyneural.__version__ + ".post1")
    assert cache_key(table, "spec") != before


def test_a_corrupt_entry_is_a_miss_and_is_rewritten(tmp_path, table):
    pipe = Pipeline(datasets.king_county_spec(), cache_dir=tmp_path)
    first = pipe.transform_stateless(table)
    (entry,) = tmp_path.glob("*.npz")
    entry.write_bytes(b"not an npz")
    again = pipe.transform_stateless(table)
    pd.testing.assert_frame_equal(again, first)
    assert pipe.cache.misses == 2
    assert [p.name for p in tmp_path.iterdir()] == [entry.name]  # no temporary files left
    pipe.transform_stateless(table)
    assert pipe.cache.hits == 1


def test_frames_the_cache_cannot_store_are_still_transformed(tmp_path, table):
    df = table.assign(zipcode=table["zipcode"].astype("category"))  # unused, categorical
    pipe = Pipeline(datasets.king_county_spec(), cache_dir=tmp_path)
    out = pipe.transform_stateless(df)
    assert out["zipcode"].dtype == "category" and list(tmp_path.glob("*.npz")) == []


def test_missing_strings_and_a_custom_index_survive_the_cache(tmp_path, table):
    df = table.iloc[::-1].assign(zipcode=[None if i % 3 else z for i, z in enumerate(table["zipcode"])])
    df.index = df.index * 10
    df.index.name = "row"
    pipe = Pipeline(datasets.king_county_spec(), cache_dir=tmp_path)
    first = pipe.transform_stateless(df)
    again = pipe.transform_stateless(df)
    assert pipe.cache.hits == 1
    pd.testing.assert_frame_equal(again, first, check_exact=True)
