"""Learning-rate schedules, indexed by epoch (0-based), as in the report.

=====================  ===============================================================
Constant(lr)           lr
InverseTimeDecay       lr0 / (1 + rate · e / steps)   (``e / steps`` floored if staircase)
PiecewiseConstant      values[i] for boundaries[i-1] < e <= boundaries[i]  (Keras rule)
=====================  ===============================================================

Keras' ``InverseTimeDecay`` and ``PiecewiseConstantDecay`` are the reference
(``keras/src/optimizers/schedules/learning_rate_schedule.py``), with the epoch in
place of the optimizer step.
"""

from __future__ import annotations

import math
import numbers

from .._validation import check_positive_float
from ..errors import InvalidTypeError, InvalidValueError, PyneuralError
from .configurable import Configurable

__all__ = ["Schedule", "Constant", "InverseTimeDecay", "PiecewiseConstant", "SCHEDULES", "get_schedule"]


class Schedule(Configurable):
    """Maps an epoch (int >= 0) to a learning rate (float > 0)."""

    def __call__(self, epoch: int) -> float:
        """The learning rate at ``epoch`` (0-based)."""
        raise NotImplementedError

class Constant(Schedule):
    """The same learning rate every epoch (a plain float becomes one).

    Parameters
    ----------
    learning_rate : float
        The rate, > 0 (default 0.001).
    """

    def __init__(self, learning_rate: float = 0.001):
        self.learning_rate = check_positive_float(learning_rate, "learning_rate")

    def __call__(self, epoch: int) -> float:
        return self.learning_rate

    def get_config(self) -> dict:
        return {"learning_rate": self.learning_rate}


class InverseTimeDecay(Schedule):
    """Inverse-time decay: ``initial / (1 + decay_rate · epoch / decay_steps)``.

    Keras' ``InverseTimeDecay`` with the epoch in place of the optimizer step.

    Parameters
    ----------
    initial : float
        Rate at epoch 0, > 0.
    decay_steps : float
        Epochs per unit of the ratio, > 0.
    decay_rate : float
        >= 0; 0 keeps the rate constant.
    staircase : bool
        Floor ``epoch / decay_steps``, so the rate changes every ``decay_steps`` epochs.

    Examples
    --------
    >>> from pyneural import InverseTimeDecay
    >>> s = InverseTimeDecay(0.1, decay_steps=10, decay_rate=1.0)
    >>> [round(s(e), 4) for e in (0, 10, 30)]
    [0.1, 0.05, 0.025]
    """

    def __init__(self, initial: float, decay_steps: float, decay_rate: float, staircase: bool = False):
        self.initial = check_positive_float(initial, "initial")
        self.decay_steps = check_positive_float(decay_steps, "decay_steps")
        self.decay_rate = check_positive_float(decay_rate, "decay_rate", allow_zero=True)
        if not isinstance(staircase, bool):
            raise InvalidTypeError(f"staircase: expected true/false, got {staircase!r}")
        self.staircase = staircase

    def __call__(self, epoch: int) -> float:
        ratio = epoch / self.decay_steps
        if self.staircase:
            ratio = math.floor(ratio)
        return self.initial / (1.0 + self.decay_rate * ratio)

    def get_config(self) -> dict:
        return {
            "initial": self.initial,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
        }


class PiecewiseConstant(Schedule):
    """Piecewise-constant rates: ``values[i]`` while ``boundaries[i-1] < epoch <= boundaries[i]``.

    ``values[0]`` up to and including ``boundaries[0]``, ``values[-1]`` after the
    last boundary (Keras' ``PiecewiseConstantDecay`` rule, by epoch).

    Parameters
    ----------
    boundaries : list of number
        Strictly increasing epochs.
    values : list of float
        ``len(boundaries) + 1`` rates, each > 0.

    Examples
    --------
    >>> from pyneural import PiecewiseConstant
    >>> s = PiecewiseConstant([10, 20], [0.1, 0.01, 0.001])
    >>> [s(e) for e in (0, 10, 11, 21)]
    [0.1, 0.1, 0.01, 0.001]
    """

    def __init__(self, boundaries, values):
        if not isinstance(boundaries, (list, tuple)) or not isinstance(values, (list, tuple)):
            raise InvalidTypeError("boundaries, values: expected lists")
        for i, b in enumerate(boundaries):
            if isinstance(b, bool) or not isinstance(b, numbers.Real) or not math.isfinite(b):
                raise InvalidTypeError(f"boundaries[{i}]: expected a number, got {b!r}")
        if any(b2 <= b1 for b1, b2 in zip(boundaries, boundaries[1:])):
            raise InvalidValueError(f"boundaries: must be strictly increasing, got {list(boundaries)}")
        if len(values) != len(boundaries) + 1:
            raise InvalidValueError(
                f"values: expected len(boundaries) + 1 = {len(boundaries) + 1} values, got {len(values)}"
            )
        self.boundaries = [b if isinstance(b, int) else float(b) for b in boundaries]
        self.values = [check_positive_float(v, f"values[{i}]") for i, v in enumerate(values)]

    def __call__(self, epoch: int) -> float:
        for b, v in zip(self.boundaries, self.values):
            if epoch <= b:
                return v
        return self.values[-1]

    def get_config(self) -> dict:
        return {"boundaries": list(self.boundaries), "values": list(self.values)}


SCHEDULES = {
    "constant": Constant,
    "inverse_time_decay": InverseTimeDecay,
    "piecewise_constant": PiecewiseConstant,
}


def schedule_name(schedule: Schedule) -> str:
    for name, cls in SCHEDULES.items():
        if type(schedule) is cls:
            return name
    raise InvalidTypeError(f"learning_rate: unknown schedule type {type(schedule).__name__}")


def get_schedule(learning_rate, argument: str = "learning_rate") -> Schedule:
    """A schedule from a float, a schedule or a config dict.

    Parameters
    ----------
    learning_rate : float, Schedule or dict
        A float becomes :class:`Constant`; a schedule passes through; a dict
        ``{"schedule": "constant" | "inverse_time_decay" | "piecewise_constant",
        ...arguments}`` is built.
    argument : str
        Names the argument in error messages.

    Returns
    -------
    Schedule
    """
    if isinstance(learning_rate, Schedule):
        return learning_rate
    if isinstance(learning_rate, dict):
        config = dict(learning_rate)
        name = config.pop("schedule", None)
        if name not in SCHEDULES:
            raise InvalidValueError(
                f"{argument}.schedule: expected one of {sorted(SCHEDULES)}, got {name!r}"
            )
        try:
            return SCHEDULES[name].from_config(config)
        except PyneuralError as exc:
            raise type(exc)(f"{argument}.{exc}") from None
        except TypeError as exc:  # unexpected keyword arguments
            raise InvalidValueError(f"{argument}: bad {name} configuration ({exc})") from exc
    if callable(learning_rate):
        raise InvalidTypeError(
            f"{argument}: expected a float or a pyneural schedule, got a plain callable"
        )
    return Constant(check_positive_float(learning_rate, argument))


def schedule_config(schedule: Schedule):
    """JSON form: a bare float for a constant rate, else ``{"schedule": name, ...}``."""
    if type(schedule) is Constant:
        return schedule.learning_rate
    return {"schedule": schedule_name(schedule), **schedule.get_config()}
