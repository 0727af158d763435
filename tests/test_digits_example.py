"""examples/digits.py reaches >= 97 % held-out accuracy (issue 7's acceptance bar)."""

import importlib.util
from pathlib import Path

import pytest

pytest.importorskip("sklearn", minversion="1.6")

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "digits.py"


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_digits_example_reaches_97_percent():
    spec = importlib.util.spec_from_file_location("digits_example", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result = module.run(seed=0, n_threads=1)
    assert result["n_test"] == 450
    assert result["accuracy"] >= 0.97, result
    assert result["log_loss"] < 0.15, result
