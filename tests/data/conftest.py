import os

import pandas as pd
import pytest


@pytest.fixture
def kc_csv():
    """Path of the real King County CSV, from PYNEURAL_KC_CSV; skips the test when absent."""
    path = os.environ.get("PYNEURAL_KC_CSV")
    if not path or not os.path.isfile(path):
        pytest.skip("PYNEURAL_KC_CSV is not set to the King County CSV (kc_house_data.csv)")
    return path


@pytest.fixture
def houses():
    """A small hand-made table in the King County style (8 rows)."""
    return pd.DataFrame({
        "id": ["0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008"],
        "date": ["20141013T000000", "20141209T000000", "20150225T000000", "20140502T000000",
                 "20150101T120000", "20140731T000000", "20141111T000000", "20150527T000000"],
        "price": [221900.0, 538000.0, 180000.0, 604000.0, 510000.0, 1230000.0, 257500.0, 291850.0],
        "sqft": [1180, 2570, 770, 1960, 1680, 5420, 1715, 1060],
        "grade": [7, 7, 6, 7, 8, 11, 7, 7],
        "yr_built": [1955, 1951, 1933, 1965, 1987, 2001, 1995, 1963],
        "yr_renovated": [0, 1991, 0, 0, 0, 0, 2010, 0],
        "city": ["b", "a", "c", "a", "b", "a", "c", "a"],
        "note": ["x", None, "y", "z", None, "w", "v", "u"],
    })

