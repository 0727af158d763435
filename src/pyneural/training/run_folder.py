"""Reading a run folder written by ``RunResult.save`` (``pyneural train --out DIR``).

A run folder holds ``spec.json``, ``evaluation.json``, ``predictions.csv``,
``best_params.json``/``.npz`` (the best fold's network), ``pipeline.json`` (that
fold's fitted preprocessing) and ``run.json`` (where the data came from).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .._validation import check_path
from ..errors import FileFormatError, InvalidTypeError, InvalidValueError

__all__ = ["SavedRun", "load_run"]


@dataclass
class SavedRun:
    path: Path
    spec: object
    evaluation: object
    predictions: pd.DataFrame
    info: dict

    def network(self, backend: str = "native"):
        from ..nn.network import Network

        return Network.load(self.path / "best_params.npz", backend=backend)

    def pipeline(self):
        """The best fold's fitted pipeline."""
        from ..data.pipeline import Pipeline

        path = self.path / "pipeline.json"
        state = _json(path)
        try:
            return Pipeline(self.spec.dataset).set_state(state)
        except (InvalidValueError, InvalidTypeError) as exc:
            raise FileFormatError(f"{path}: {exc}") from None

    @property
    def data_source(self) -> str | None:
        return self.info.get("data")

    def load_data(self, override=None) -> pd.DataFrame:
        """The table the run was trained on (or ``override``: a CSV path or ``"synthetic"``)."""
        from ..data.datasets import synthetic_housing
        from ..data.io import read_csv

        source = override or self.data_source
        if source is None:
            raise FileFormatError(f"{self.path}/run.json: no data path recorded; pass the data explicitly")
        if source == "synthetic":
            return synthetic_housing()
        return read_csv(source, self.spec.dataset)

    @property
    def targets(self) -> list[str]:
        return [c[len("pred_"):] for c in self.predictions.columns if c.startswith("pred_")]


def _json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileFormatError(f"run: {path.name} is missing from {path.parent}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise FileFormatError(f"{path}: not valid JSON ({exc})") from None


def load_run(path) -> SavedRun:
    """Open a run folder; a missing or damaged file is a ``FileFormatError`` naming it."""
    from ..model_spec import ModelSpec
    from .evaluation import Evaluation

    path = check_path(path, "path")
    if not path.is_dir():
        raise FileFormatError(f"run: {str(path)!r} is not a run folder")
    spec = ModelSpec.from_json(path / "spec.json")
    try:
        evaluation = Evaluation.from_dict(_json(path / "evaluation.json"))
    except (KeyError, TypeError) as exc:
        raise FileFormatError(f"{path / 'evaluation.json'}: malformed ({exc})") from None
    pred_path = path / "predictions.csv"
    if not pred_path.is_file():
        raise FileFormatError(f"run: predictions.csv is missing from {path}")
    from ..data.io import read_csv

    predictions = read_csv(pred_path, spec.dataset)
    info = _json(path / "run.json")
    return SavedRun(path, spec, evaluation, predictions, info)
