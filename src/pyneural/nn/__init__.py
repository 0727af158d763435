"""Neural-network building blocks: layers, activations, losses, initializers,
optimizers, learning-rate schedules and the ``Network`` that ties them together."""

from .activations import ACTIVATIONS
from .initializers import INITIALIZERS
from .layers import Dense
from .losses import LOSSES
from .network import Network
from .optimizers import OPTIMIZERS, SGD, Adam, Momentum, Optimizer
from .schedules import Constant, InverseTimeDecay, PiecewiseConstant, Schedule

__all__ = [
    "ACTIVATIONS", "INITIALIZERS", "LOSSES", "OPTIMIZERS",
    "Dense", "Network", "Optimizer", "SGD", "Momentum", "Adam",
    "Schedule", "Constant", "InverseTimeDecay", "PiecewiseConstant",
]
