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


def _record(logs: dict) -> EpochRecord:
    return EpochRecord(logs["loss"], logs.get("val_loss"), logs.get("val_loss_std"), logs.get("val_r2"),
                       logs.get("val_accuracy"))


class _Reporter(Callback):
    """Progress bar and the user's ``on_epoch_end(fold, epoch, metrics)``."""

    def __init__(self, fold, on_epoch_end, progress, cancellation=None):
        self.fold, self.on_epoch_end_fn, self.progress = fold, on_epoch_end, progress
        self.cancellation = cancellation

    def on_epoch_end(self, epoch, logs):
        if self.cancellation is not None:
            self.cancellation.check()
        if self.progress is not None:
            self.progress.update(self.fold, logs["loss"])
        if self.on_epoch_end_fn is not None:
            return self.on_epoch_end_fn(self.fold, epoch, _record(logs).to_dict())
        return None


def train_fold(network, fold: int, x_train, y_train, x_val, y_val, *, epochs: int, batch_size: int,
               validate_every_epoch: bool = True, on_epoch_end=None, progress=None,
               on_divergence: str = "raise", checkpoint=None, checkpoint_every: int = 10,
               cancellation=None) -> FoldResult:
    """Fit ``network`` for ``epochs`` epochs, validating every epoch or at the end.

    ``on_epoch_end(fold, epoch, metrics)`` is called after each epoch with
    ``train_loss``, ``val_loss``, ``val_loss_std`` and ``r2`` (``None`` when not
    computed); returning ``True`` stops this fold. With ``checkpoint`` (a
    directory) the fit saves its state every ``checkpoint_every`` epochs and
    resumes from it (see ``Network.fit``). With ``cancellation`` (a
    :class:`~pyneural.training.cancellation.Cancellation`) the fit stops with
    ``Cancelled`` at the first epoch end after it is set.
    """
    try:
        history = network.fit(
            x_train, y_train, epochs=epochs, batch_size=batch_size, shuffle=True,
            validation_data=(x_val, y_val), validation_freq=1 if validate_every_epoch else max(epochs, 1),
            callbacks=[_Reporter(fold, on_epoch_end, progress, cancellation)], verbose=0,
            on_divergence=on_divergence,
            checkpoint=checkpoint, checkpoint_every=checkpoint_every,
        )
    except TrainingDivergedError as exc:
        raise TrainingDivergedError(f"fold {fold}: {exc}", epoch=exc.epoch, fold=fold) from exc
    # From the history, which a resumed fit restores in full.
    evaluation = FoldEvaluation([_record(logs) for logs in history.logs], stopped=history.stopped)
    predictions = network.predict(x_val)
    final = network.evaluate(x_val, y_val)
    evaluation.r2, evaluation.accuracy = final["r2"], final.get("accuracy")
    return FoldResult(fold, evaluation, predictions, network.get_params())
