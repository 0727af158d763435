"""Training one fold: a network, its training rows and its validation rows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import TrainingDivergedError
from .callbacks import Callback
from .evaluation import EpochRecord, FoldEvaluation

__all__ = ["FoldResult", "train_fold"]


@dataclass
class FoldResult:
    fold: int
    evaluation: FoldEvaluation
    predictions: np.ndarray  # (n_val, outputs), model units, final parameters
    params: list  # final parameters (get_params())


class _Recorder(Callback):
    def __init__(self, fold, evaluation, on_epoch_end, progress):
        self.fold, self.evaluation = fold, evaluation
        self.on_epoch_end_fn, self.progress = on_epoch_end, progress

    def on_epoch_end(self, epoch, logs):
        record = EpochRecord(logs["loss"], logs.get("val_loss"), logs.get("val_loss_std"), logs.get("val_r2"),
                             logs.get("val_accuracy"))
        self.evaluation.epochs.append(record)
        if self.progress is not None:
            self.progress.update(self.fold, logs["loss"])
        if self.on_epoch_end_fn is not None:
            metrics = record.to_dict()
            return self.on_epoch_end_fn(self.fold, epoch, metrics)
        return None


def train_fold(network, fold: int, x_train, y_train, x_val, y_val, *, epochs: int, batch_size: int,
               validate_every_epoch: bool = True, on_epoch_end=None, progress=None,
               on_divergence: str = "raise") -> FoldResult:
    """Fit ``network`` for ``epochs`` epochs, validating every epoch or at the end.

    ``on_epoch_end(fold, epoch, metrics)`` is called after each epoch with
    ``train_loss``, ``val_loss``, ``val_loss_std`` and ``r2`` (``None`` when not
    computed); returning ``True`` stops this fold.
    """
    evaluation = FoldEvaluation()
    recorder = _Recorder(fold, evaluation, on_epoch_end, progress)
    try:
        history = network.fit(
            x_train, y_train, epochs=epochs, batch_size=batch_size, shuffle=True,
            validation_data=(x_val, y_val), validation_freq=1 if validate_every_epoch else max(epochs, 1),
            callbacks=[recorder], verbose=0, on_divergence=on_divergence,
        )
        evaluation.stopped = history.stopped
    except TrainingDivergedError as exc:
        raise TrainingDivergedError(f"fold {fold}: {exc}", epoch=exc.epoch, fold=fold) from exc
    predictions = network.predict(x_val)
    final = network.evaluate(x_val, y_val)
    evaluation.r2, evaluation.accuracy = final["r2"], final.get("accuracy")
    return FoldResult(fold, evaluation, predictions, network.get_params())
