"""The ``get_config`` / ``from_config`` protocol shared by layers, optimizers and
schedules (as in scikit-learn's ``get_params`` and Keras' serialization): the
config is the constructor's arguments as JSON-ready data, so
``type(x).from_config(x.get_config()) == x``."""

from __future__ import annotations

import inspect
from collections.abc import Mapping

from ..errors import InvalidTypeError, InvalidValueError

__all__ = ["Configurable", "config_arguments"]


def config_arguments(cls, config, name: str = "config") -> dict:
    """``config`` checked as keyword arguments of ``cls``: a mapping whose keys the
    constructor takes (the values are checked by the constructor itself)."""
    if not isinstance(config, Mapping):
        raise InvalidTypeError(f"{name}: expected a dict of {cls.__name__} arguments, got {type(config).__name__}")
    params = inspect.signature(cls.__init__).parameters
    known = [p for p in params if p != "self" and params[p].kind in (params[p].POSITIONAL_OR_KEYWORD,
                                                                      params[p].KEYWORD_ONLY)]
    unknown = sorted(str(k) for k in config if k not in known)
    if unknown:
        raise InvalidValueError(f"{name}: unknown key(s) {unknown} for {cls.__name__} (expected some of {known})")
    return dict(config)


class Configurable:
    """Equality and ``repr`` by config, and ``from_config`` by constructor."""

    def get_config(self) -> dict:
        """The constructor's arguments as JSON-ready data."""
        raise NotImplementedError

    @classmethod
    def from_config(cls, config: dict):
        """An object from :meth:`get_config`'s dict."""
        return cls(**config_arguments(cls, config))

    def __eq__(self, other) -> bool:
        return type(self) is type(other) and self.get_config() == other.get_config()

    __hash__ = None  # mutable, compared by value

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"
