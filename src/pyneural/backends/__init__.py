"""Backends: the NumPy reference and the native C++ engine, behind one interface."""

from .base import Architecture, Backend
from .native_backend import NativeBackend
from .numpy_backend import NumpyBackend

BACKENDS = {"native": NativeBackend, "numpy": NumpyBackend}

__all__ = ["Architecture", "Backend", "NativeBackend", "NumpyBackend", "BACKENDS"]
