"""Records of a training run: per epoch, per fold, and over all folds.

They serialise to the ``evaluation.json`` of a run folder::

    {"folds": [{"epochs": [{"train_loss", "val_loss", "val_loss_std", "r2"}, ...],
                "r2": ..., "stopped": null | "diverged" | "callback"}, ...],
     "r2_mean": ..., "r2_best": ..., "best_fold": ..., "seconds": ...}

Fields not computed at an epoch (validation only at the end) are ``null``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

__all__ = ["EpochRecord", "FoldEvaluation", "Evaluation"]


def _finite_or_none(x):
    return None if x is None or not math.isfinite(x) else float(x)


@dataclass
class EpochRecord:
    train_loss: float
    val_loss: float | None = None
    val_loss_std: float | None = None
    r2: float | None = None
    accuracy: float | None = None  # classifiers only (bce / cross_entropy)

    def to_dict(self) -> dict:
        d = {k: _finite_or_none(v) for k, v in asdict(self).items()}
        if self.accuracy is None:
            del d["accuracy"]  # regression records keep the documented four fields
        return d


@dataclass
class FoldEvaluation:
    epochs: list = field(default_factory=list)
    r2: float | None = None  # final validation R²
    stopped: str | None = None  # "diverged" or "callback" when training ended early
    accuracy: float | None = None  # final validation accuracy (classifiers)

    def to_dict(self) -> dict:
        d = {"epochs": [e.to_dict() for e in self.epochs], "r2": _finite_or_none(self.r2), "stopped": self.stopped}
        if self.accuracy is not None:
            d["accuracy"] = _finite_or_none(self.accuracy)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "FoldEvaluation":
        return cls([EpochRecord(**e) for e in d["epochs"]], d.get("r2"), d.get("stopped"), d.get("accuracy"))


@dataclass
class Evaluation:
    folds: list = field(default_factory=list)
    seconds: float = 0.0

    @property
    def fold_r2(self) -> list:
        return [f.r2 for f in self.folds]

    @property
    def r2_mean(self) -> float | None:
        values = [r for r in self.fold_r2 if r is not None and math.isfinite(r)]
        return sum(values) / len(values) if values else None

    @property
    def best_fold(self) -> int | None:
        """The fold with the highest final validation R²."""
        scored = [(r, i) for i, r in enumerate(self.fold_r2) if r is not None and math.isfinite(r)]
        return max(scored)[1] if scored else None

    @property
    def r2_best(self) -> float | None:
        best = self.best_fold
        return None if best is None else self.folds[best].r2

    @property
    def accuracy_mean(self) -> float | None:
        values = [f.accuracy for f in self.folds if f.accuracy is not None and math.isfinite(f.accuracy)]
        return sum(values) / len(values) if values else None

    def to_dict(self) -> dict:
        d = {
            "folds": [f.to_dict() for f in self.folds],
            "r2_mean": _finite_or_none(self.r2_mean),
            "r2_best": _finite_or_none(self.r2_best),
            "best_fold": self.best_fold,
            "seconds": self.seconds,
        }
        if self.accuracy_mean is not None:
            d["accuracy_mean"] = _finite_or_none(self.accuracy_mean)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Evaluation":
        return cls([FoldEvaluation.from_dict(f) for f in d["folds"]], d.get("seconds", 0.0))
