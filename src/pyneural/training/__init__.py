"""Training: history records, callbacks, splitters, fold training and evaluation records."""

from .callbacks import Callback, LambdaCallback
from .evaluation import EpochRecord, Evaluation, FoldEvaluation
from .fold import FoldResult, train_fold
from .history import History
from .splitters import KFold, Split, make_splitter

__all__ = [
    "Callback", "LambdaCallback", "History",
    "EpochRecord", "FoldEvaluation", "Evaluation",
    "FoldResult", "train_fold",
    "KFold", "Split", "make_splitter",
]
