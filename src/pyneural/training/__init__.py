"""Training: history records, callbacks and (later) the k-fold and split trainers."""

from .callbacks import Callback, LambdaCallback
from .history import History

__all__ = ["Callback", "LambdaCallback", "History"]
