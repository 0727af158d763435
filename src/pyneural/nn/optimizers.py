"""Optimizers: hyperparameters, state layout and the NumPy twin of each update.

Following tinygrad (``nn/optim.py``): ``__init__`` stores hyperparameters,
``build(shape, dtype)`` creates the state of one parameter buffer, and
``step(theta, g, state, lr, t)`` updates it in place. Plain SGD and momentum are
settings of one update rule. The C++ engine runs the same formulas
(``csrc/pyneural/optimizers.hpp``); the learning rate comes from the schedule,
indexed by epoch.
"""

from __future__ import annotations

import numpy as np

from .._validation import check_fraction, check_positive_float
from ..errors import InvalidTypeError, InvalidValueError, PyneuralError
from .configurable import Configurable
from .schedules import Schedule, get_schedule, schedule_config

__all__ = ["Optimizer", "SGD", "Momentum", "Adam", "OPTIMIZERS", "get_optimizer"]


class Optimizer(Configurable):
    """Base class of the optimizers: hyperparameters, state layout and update rule.

    Parameters
    ----------
    learning_rate : float, Schedule or dict
        A constant rate, a :class:`~pyneural.Schedule` indexed by epoch, or a
        schedule's JSON object (``{"schedule": "inverse_time_decay", ...}``).
    """

    name: str = ""
    kind: int = -1  # code of the update rule in the C++ engine

    def __init__(self, learning_rate):
        self.learning_rate: Schedule = get_schedule(learning_rate)

    def lr(self, epoch: int) -> float:
        """Learning rate at an epoch.

        Parameters
        ----------
        epoch : int
            0-based epoch.

        Returns
        -------
        float
        """
        return float(self.learning_rate(epoch))

    def state_count(self) -> int:
        """State buffers kept per parameter buffer."""
        raise NotImplementedError

    def build(self, shape, dtype) -> list[np.ndarray]:
        """Fresh (zero) state for one parameter buffer.

        Parameters
        ----------
        shape : tuple of int
            Shape of the parameter buffer.
        dtype : numpy dtype
            Its element type.

        Returns
        -------
        list of ndarray
            :meth:`state_count` zero arrays of that shape (Adam: ``m``, ``v``).
        """
        return [np.zeros(shape, dtype=dtype) for _ in range(self.state_count())]

    def step(self, theta: np.ndarray, g: np.ndarray, state: list, lr: float, t: int) -> None:
        """Update a parameter buffer in place (the NumPy twin of the engine's update).

        Parameters
        ----------
        theta : ndarray
            Parameters, updated in place.
        g : ndarray
            Their gradient, same shape.
        state : list of ndarray
            The buffer's state from :meth:`~pyneural.Optimizer.build`, updated in place.
        lr : float
            Learning rate of the current epoch.
        t : int
            Number of this update, counting from 1 (Adam's bias correction).
        """
        raise NotImplementedError

    def native_config(self) -> dict:
        """The fields the C++ engine reads."""
        raise NotImplementedError

    def get_config(self) -> dict:
        """Hyperparameters as JSON-ready data (a schedule as its JSON object)."""
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent, with optional momentum μ.

    ``v ← μ v + lr·g ; θ ← θ - v``  (μ = 0: ``θ ← θ - lr·g``, no state). This is the
    report's form and Keras' ``SGD`` with the sign of ``v`` flipped.

    Parameters
    ----------
    learning_rate : float, Schedule or dict
        Default 0.01.
    momentum : float
        μ in [0, 1); 0 (default) is plain gradient descent.
    """

    name, kind = "sgd", 0

    def __init__(self, learning_rate=0.01, momentum: float = 0.0):
        super().__init__(learning_rate)
        self.momentum = check_fraction(momentum, "momentum")

    def state_count(self) -> int:
        return 1 if self.momentum != 0.0 else 0

    def step(self, theta, g, state, lr, t):
        dt = theta.dtype.type
        if self.momentum == 0.0:
            theta -= dt(lr) * g
            return
        (v,) = state
        v *= dt(self.momentum)
        v += dt(lr) * g
        theta -= v

    def native_config(self) -> dict:
        return {"optimizer": self.kind, "momentum": self.momentum, "beta_1": 0.0, "beta_2": 0.0, "epsilon": 0.0}

    def get_config(self) -> dict:
        return {"learning_rate": schedule_config(self.learning_rate), "momentum": self.momentum}


class Momentum(SGD):
    """SGD with momentum (default μ = 0.9); the report's final optimizer.

    The same update rule as :class:`SGD`: ``v ← μ v + lr·g ; θ ← θ - v``.

    Parameters
    ----------
    learning_rate : float, Schedule or dict
        Default 0.01.
    momentum : float
        μ in [0, 1), default 0.9.
    """

    name = "momentum"

    def __init__(self, learning_rate=0.01, momentum: float = 0.9):
        super().__init__(learning_rate, momentum)


class Adam(Optimizer):
    """Adam (Kingma & Ba 2014, Algorithm 1), Keras' defaults.

    ``m ← β1 m + (1-β1) g ; v ← β2 v + (1-β2) g²``
    ``m̂ = m / (1-β1^t) ; v̂ = v / (1-β2^t) ; θ ← θ - lr · m̂ / (√v̂ + ε)``

    with ``t`` the update count from 1 (the paper's bias correction; the Rust
    framework divided by ``1-β`` without the power). Reference: Keras
    ``optimizers/adam.py``.

    Parameters
    ----------
    learning_rate : float, Schedule or dict
        Default 0.001.
    beta1 : float
        β1 in [0, 1), decay of the first moment ``m`` (default 0.9).
    beta2 : float
        β2 in [0, 1), decay of the second moment ``v`` (default 0.999).
    epsilon : float
        ε > 0 added to ``√v̂`` (default 1e-7, Keras' value).
    """

    name, kind = "adam", 1

    def __init__(self, learning_rate=0.001, beta1: float = 0.9, beta2: float = 0.999, epsilon: float = 1e-7):
        super().__init__(learning_rate)
        self.beta1 = check_fraction(beta1, "beta1")
        self.beta2 = check_fraction(beta2, "beta2")
        self.epsilon = check_positive_float(epsilon, "epsilon")

    def state_count(self) -> int:
        return 2

    def step(self, theta, g, state, lr, t):
        dt = theta.dtype.type
        m, v = state
        beta_1, beta_2 = dt(self.beta1), dt(self.beta2)
        c1 = dt(1.0 / (1.0 - self.beta1**t))
        c2 = dt(1.0 / (1.0 - self.beta2**t))
        m *= beta_1
        m += (1 - beta_1) * g
        v *= beta_2
        v += (1 - beta_2) * (g * g)
        m_hat = m * c1
        v_hat = v * c2
        theta -= dt(lr) * m_hat / (np.sqrt(v_hat) + dt(self.epsilon))

    def native_config(self) -> dict:
        return {"optimizer": self.kind, "momentum": 0.0, "beta_1": self.beta1, "beta_2": self.beta2, "epsilon": self.epsilon}

    def get_config(self) -> dict:
        return {
            "learning_rate": schedule_config(self.learning_rate),
            "beta1": self.beta1,
            "beta2": self.beta2,
            "epsilon": self.epsilon,
        }


OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "adam": Adam}


def optimizer_to_config(optimizer: Optimizer) -> dict:
    """``{"name": ..., **hyperparameters}``: the JSON form of an optimizer."""
    return {"name": optimizer.name, **optimizer.get_config()}


def get_optimizer(value, argument: str = "optimizer") -> Optimizer:
    """An optimizer from an instance, a name or a config dict.

    Parameters
    ----------
    value : Optimizer, str or dict
        An optimizer (returned as is), ``"sgd"``, ``"momentum"`` or ``"adam"``
        (default hyperparameters), or ``{"name": ..., **hyperparameters}``.
    argument : str
        Names the argument in error messages.

    Returns
    -------
    Optimizer
    """
    if isinstance(value, Optimizer):
        return value
    if isinstance(value, str):
        key = value.lower()
        if key not in OPTIMIZERS:
            raise InvalidValueError(
                f"{argument}: unknown optimizer {value!r}; expected one of {sorted(OPTIMIZERS)}"
            )
        return OPTIMIZERS[key]()
    if isinstance(value, dict):
        config = dict(value)
        name = config.pop("name", None)
        if not isinstance(name, str) or name.lower() not in OPTIMIZERS:
            raise InvalidValueError(
                f"{argument}.name: expected one of {sorted(OPTIMIZERS)}, got {name!r}"
            )
        cls = OPTIMIZERS[name.lower()]
        try:
            return cls.from_config(config)
        except PyneuralError:
            raise
        except TypeError as exc:  # unexpected keyword arguments
            raise InvalidValueError(f"{argument}: bad {name} configuration ({exc})") from exc
    raise InvalidTypeError(
        f"{argument}: expected an optimizer name or object, got {type(value).__name__}"
    )
