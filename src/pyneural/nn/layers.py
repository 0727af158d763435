"""Layers. pyneural networks are stacks of :class:`Dense` layers."""

from __future__ import annotations

from .._validation import MAX_WIDTH, check_fraction, check_positive_int
from .activations import get_activation
from .configurable import Configurable
from .initializers import check_initializer
from .optimizers import Optimizer, get_optimizer, optimizer_to_config

__all__ = ["Dense"]


class Dense(Configurable):
    """A fully connected layer: ``A = activation(X_in @ W + b)``.

    Parameters
    ----------
    units : int
        Number of outputs (> 0). ``W`` has shape ``(inputs, units)``, ``b`` ``(units,)``.
    activation : str
        ``linear``, ``relu``, ``tanh``, ``sigmoid`` or ``softmax``.
    weights_init, biases_init : str
        ``zeros``, ``uniform``, ``uniform_signed``, ``glorot_uniform``,
        ``glorot_normal`` or ``he_uniform``.
    dropout : float, optional
        Rate of inverted dropout applied to the layer's *input* during training
        (kept inputs are scaled by ``1 / (1 - rate)``; inference is untouched), as in
        the report where each layer spec carries its dropout.
    optimizer : str, dict or Optimizer, optional
        Overrides the network's optimizer for this layer's parameters.

    Examples
    --------
    >>> import pyneural as pn
    >>> pn.Dense(35, "relu")
    Dense(35, activation='relu')
    >>> pn.Dense(8, "tanh", dropout=0.1, optimizer=pn.SGD(0.01))
    Dense(8, activation='tanh', dropout=0.1, optimizer=SGD(learning_rate=0.01, momentum=0.0))
    """

    def __init__(
        self,
        units: int,
        activation: str = "linear",
        weights_init: str = "glorot_uniform",
        biases_init: str = "zeros",
        dropout: float | None = None,
        optimizer=None,
    ):
        self.units = check_positive_int(units, "units", maximum=MAX_WIDTH)
        self.activation = get_activation(activation).name
        self.weights_init = check_initializer(weights_init, "weights_init")
        self.biases_init = check_initializer(biases_init, "biases_init")
        self.dropout = None if dropout is None else check_fraction(dropout, "dropout")
        if self.dropout == 0.0:
            self.dropout = None
        self.optimizer: Optimizer | None = None if optimizer is None else get_optimizer(optimizer)

    def get_config(self) -> dict:
        """The constructor's arguments as JSON-ready data (``Dense.from_config`` inverts it)."""
        return {
            "units": self.units,
            "activation": self.activation,
            "weights_init": self.weights_init,
            "biases_init": self.biases_init,
            "dropout": self.dropout,
            "optimizer": None if self.optimizer is None else optimizer_to_config(self.optimizer),
        }

    def __repr__(self) -> str:
        parts = [str(self.units), f"activation={self.activation!r}"]
        if self.dropout:
            parts.append(f"dropout={self.dropout}")
        if self.optimizer is not None:
            parts.append(f"optimizer={self.optimizer!r}")
        return f"Dense({', '.join(parts)})"
