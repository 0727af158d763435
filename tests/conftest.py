"""Shared fixtures. Tests are seeded and fast; nothing here times anything."""

import os
from pathlib import Path

import numpy as np
import pytest

BACKENDS = ["native", "numpy"]


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


@pytest.fixture
def kc_csv() -> Path:
    """The King County CSV, from PYNEURAL_KC_CSV; skips when it is not available."""
    path = os.environ.get("PYNEURAL_KC_CSV")
    if not path:
        pytest.skip("PYNEURAL_KC_CSV is not set (the King County CSV is not on this machine)")
    if not Path(path).is_file():
        pytest.skip(f"PYNEURAL_KC_CSV points to {path!r}, which does not exist")
    return Path(path)
