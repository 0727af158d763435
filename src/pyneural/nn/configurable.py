"""The ``get_config`` / ``from_config`` protocol shared by layers, optimizers and
schedules (as in scikit-learn's ``get_params`` and Keras' serialization): the
config is the constructor's arguments as JSON-ready data, so
``type(x).from_config(x.get_config()) == x``."""

from __future__ import annotations

__all__ = ["Configurable"]


class Configurable:
    """Equality and ``repr`` by config, and ``from_config`` by constructor."""

    def get_config(self) -> dict:
        """The constructor's arguments as JSON-ready data."""
        raise NotImplementedError

    @classmethod
    def from_config(cls, config: dict):
        """An object from :meth:`get_config`'s dict."""
        return cls(**config)

    def __eq__(self, other) -> bool:
        return type(self) is type(other) and self.get_config() == other.get_config()

    __hash__ = None  # mutable, compared by value

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"
