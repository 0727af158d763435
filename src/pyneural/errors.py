"""Exceptions raised by pyneural.

Every error a user can trigger is a subclass of :class:`PyneuralError` and of the
builtin exception a Python user would expect (``ValueError``, ``TypeError``, ...),
so ``except ValueError`` keeps working. Messages name the argument, column, file
or JSON path, what was expected and what was received.
"""

from __future__ import annotations

import builtins

__all__ = [
    "PyneuralError",
    "InvalidValueError",
    "InvalidTypeError",
    "ValueError",
    "TypeError",
    "SpecError",
    "FileFormatError",
    "NotFittedError",
    "TrainingDivergedError",
]


class PyneuralError(Exception):
    """Base class of every exception pyneural raises on purpose."""


class InvalidValueError(PyneuralError, builtins.ValueError):
    """An argument has the right type but a value pyneural cannot use."""


class InvalidTypeError(PyneuralError, builtins.TypeError):
    """An argument has a type pyneural cannot use."""


# ``from pyneural.errors import ValueError`` gives the pyneural flavour of the builtin.
ValueError = InvalidValueError
TypeError = InvalidTypeError


class SpecError(InvalidValueError):
    """A dataset or model specification is invalid.

    ``path`` is the JSON path of the offending field, e.g.
    ``"dataset.features.price.log10"``; the message starts with it.
    """

    def __init__(self, path: str, message: str):
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)


class FileFormatError(InvalidValueError):
    """A file pyneural was asked to load is not a valid pyneural file."""


class NotFittedError(InvalidValueError, builtins.AttributeError):
    """An object was used before it was fitted."""


class TrainingDivergedError(PyneuralError, builtins.ArithmeticError):
    """The training loss became NaN or infinite.

    ``epoch`` (0-based) and ``fold`` (``None`` outside k-fold training) say where.
    """

    def __init__(self, message: str, *, epoch: int | None = None, fold: int | None = None):
        self.epoch = epoch
        self.fold = fold
        super().__init__(message)
