"""pyneural: dense neural networks and revertible tabular preprocessing on a C++17/OpenMP engine.

>>> import pyneural as pn
>>> net = pn.Network([pn.Dense(3, "tanh"), pn.Dense(1, "tanh")], inputs=2, seed=0)
"""

__version__ = "0.1.0"

from . import _core, errors, linalg  # noqa: E402

if _core.cpu_kernel_warning():  # e.g. PYNEURAL_CPU_FEATURES names a set this CPU lacks
    import warnings as _warnings

    _warnings.warn(f"pyneural: {_core.cpu_kernel_warning()}", RuntimeWarning, stacklevel=2)
from ._config import get_num_threads, set_num_threads, show_config  # noqa: E402
from .data import DatasetSpec, Pipeline, datasets  # noqa: E402
from .nn import (  # noqa: E402
    SGD,
    Adam,
    Constant,
    Dense,
    InverseTimeDecay,
    Momentum,
    Network,
    Optimizer,
    PiecewiseConstant,
    Schedule,
)
from .training import Callback, History, KFold, Split  # noqa: E402
from .model_spec import ModelSpec  # noqa: E402
from .training.runner import RunResult, run_spec  # noqa: E402
from .training.sweep import sweep  # noqa: E402

__all__ = [
    "__version__",
    "Network", "Dense",
    "Optimizer", "SGD", "Momentum", "Adam",
    "Schedule", "Constant", "InverseTimeDecay", "PiecewiseConstant",
    "History", "Callback", "KFold", "Split",
    "DatasetSpec", "Pipeline", "ModelSpec", "RunResult", "run_spec", "sweep",
    "datasets", "errors", "linalg",
    "get_num_threads", "set_num_threads", "show_config",
]
