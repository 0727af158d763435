"""Callbacks for ``Network.fit``: objects with hooks, or plain functions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..errors import InvalidTypeError

__all__ = ["Callback", "LambdaCallback", "as_callbacks"]


class Callback:
    """Override any hook. ``on_epoch_end`` may return ``True`` (or set
    ``self.stop_training``) to stop training after this epoch."""

    stop_training = False

    def on_train_begin(self, network) -> None:
        pass

    def on_epoch_end(self, epoch: int, logs: dict):
        pass

    def on_train_end(self, history) -> None:
        pass


class LambdaCallback(Callback):
    """Wrap ``fn(epoch, logs)`` as an ``on_epoch_end`` callback."""

    def __init__(self, fn):
        self.fn = fn

    def on_epoch_end(self, epoch, logs):
        return self.fn(epoch, logs)


def as_callbacks(callbacks, name: str = "callbacks") -> list[Callback]:
    if callbacks is None:
        return []
    if isinstance(callbacks, Callback) or callable(callbacks):
        callbacks = [callbacks]
    if isinstance(callbacks, (str, bytes, Mapping)) or not isinstance(callbacks, Iterable):
        raise InvalidTypeError(f"{name}: expected a Callback, a function(epoch, logs) or a list of them, "
                               f"got {type(callbacks).__name__}")
    out = []
    for i, cb in enumerate(callbacks):
        if isinstance(cb, Callback):
            out.append(cb)
        elif callable(cb):
            out.append(LambdaCallback(cb))
        else:
            raise InvalidTypeError(f"{name}[{i}]: expected a Callback or a function(epoch, logs), got {type(cb).__name__}")
    return out
