"""Shared fixtures. Tests are seeded and fast; nothing here times anything."""

import os
from pathlib import Path

import numpy as np
import pytest

BACKENDS = ["native", "numpy"]

#: The repository root (tests read examples/ and docs/ from it, whatever the cwd).
ROOT = Path(__file__).resolve().parents[1]
KC_SPEC = ROOT / "examples" / "king_county" / "spec.json"


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


@pytest.fixture(scope="session")
def small_run(tmp_path_factory):
    """A saved 2-fold run on 600 synthetic housing rows (seconds to train)."""
    import pyneural as pn
    from pyneural.model_spec import ModelSpec
    from pyneural.training.runner import run_spec

    spec = ModelSpec.from_dict({
        "name": "small", "dataset": pn.datasets.king_county_spec().to_dict(),
        "network": {"layers": [{"units": 12, "activation": "relu"}, {"units": "outputs"}],
                    "optimizer": {"name": "adam", "learning_rate": 0.01}},
        "training": {"epochs": 3, "batch_size": 64, "trainer": {"kfolds": 2}},
    })
    table = pn.datasets.synthetic_housing(n_rows=600, seed=1)
    out = tmp_path_factory.mktemp("run")
    data = out / "data.csv"
    table.to_csv(data, index=False)
    run_spec(spec, table, verbose=0, data_path=str(data)).save(out)
    return out
