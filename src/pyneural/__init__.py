"""pyneural: dense neural networks and revertible tabular preprocessing on a C++17/OpenMP engine."""

__version__ = "0.1.0"

from . import errors, linalg  # noqa: E402
from ._config import get_num_threads, set_num_threads, show_config  # noqa: E402

__all__ = ["__version__", "errors", "linalg", "get_num_threads", "set_num_threads", "show_config"]
