"""Thread settings and the build/runtime report behind ``pyneural.show_config()``.

``n_threads`` everywhere follows one rule (the design's "Threads" section):
``None`` means the process-wide setting (``set_num_threads``, else
``OMP_NUM_THREADS``, else all cores), ``-1`` means all cores, a positive integer is
used as given (up to ``MAX_THREADS``), and ``0`` or anything below ``-1`` is an error.
"""

from __future__ import annotations

import os
import sys
import threading

from . import _core
from .errors import InvalidTypeError, InvalidValueError

__all__ = ["set_num_threads", "get_num_threads", "show_config", "resolve_threads"]

_lock = threading.Lock()
_num_threads: int | None = None


def _all_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


#: The most threads a call uses, however many are asked for.
MAX_THREADS = 4096


def _check_threads(n_threads, name: str) -> int | None:
    if n_threads is None:
        return None
    if isinstance(n_threads, bool) or not isinstance(n_threads, int):
        try:
            import numpy as np

            if isinstance(n_threads, np.integer):
                n_threads = int(n_threads)
            else:
                raise InvalidTypeError(
                    f"{name}: expected an int or None, got {type(n_threads).__name__}"
                )
        except ImportError:  # pragma: no cover
            raise
    if n_threads == 0 or n_threads < -1:
        raise InvalidValueError(
            f"{name}: expected a positive int, -1 (all cores) or None, got {n_threads}"
        )
    return n_threads


def set_num_threads(n: int | None) -> None:
    """Set the threads pyneural's kernels use when ``n_threads`` is not given.

    Parameters
    ----------
    n : int or None
        A positive count, ``-1`` for all cores, or ``None`` to go back to the
        default (``OMP_NUM_THREADS`` if set, else all cores).
    """
    global _num_threads
    n = _check_threads(n, "n")
    with _lock:
        _num_threads = None if n is None else (_all_cores() if n == -1 else min(n, MAX_THREADS))


def get_num_threads() -> int:
    """Threads pyneural's kernels use when ``n_threads`` is not given."""
    with _lock:
        if _num_threads is not None:
            return _num_threads
    if not _core.openmp_enabled():
        return 1
    env = os.environ.get("OMP_NUM_THREADS", "").split(",")[0].strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    return _all_cores()


def resolve_threads(n_threads, name: str = "n_threads") -> int:
    """Turn a user's ``n_threads`` into a positive thread count (see module doc)."""
    n = _check_threads(n_threads, name)
    if n is None:
        return get_num_threads()
    if not _core.openmp_enabled():
        return 1
    # Like the C++ fast path of linalg.matmul: asking for more than MAX_THREADS gets MAX_THREADS.
    return _all_cores() if n == -1 else min(n, MAX_THREADS)


def show_config(file=None) -> dict:
    """Print (and return) the version, OpenMP status, threads and CPU kernel."""
    from . import __version__

    info = {
        "version": __version__,
        "python": sys.version.split()[0],
        "openmp": bool(_core.openmp_enabled()),
        "threads": get_num_threads(),
        "cores": _all_cores(),
        "cpu_kernel": _core.cpu_kernel(),
        "cpu_kernels_available": list(_core.available_cpu_kernels()),
        "cpu_kernel_warning": _core.cpu_kernel_warning() or None,
    }
    try:
        import numpy

        info["numpy"] = numpy.__version__
    except ImportError:  # pragma: no cover
        pass
    out = file if file is not None else sys.stdout
    print(f"pyneural {info['version']} (Python {info['python']}, numpy {info.get('numpy')})", file=out)
    print(f"  OpenMP:     {'yes' if info['openmp'] else 'no (serial build)'}", file=out)
    print(f"  threads:    {info['threads']} of {info['cores']} cores", file=out)
    print(f"  CPU kernel: {info['cpu_kernel']} (this CPU supports: {', '.join(info['cpu_kernels_available'])})",
          file=out)
    if info["cpu_kernel_warning"]:
        print(f"  warning:    {info['cpu_kernel_warning']}", file=out)
    return info
