"""Stopping training threads when the caller gives up (Ctrl-C, or an error in
another fold).

``run_spec`` and ``sweep`` train in joblib worker threads. When the main thread
leaves (KeyboardInterrupt, or a fold's exception re-raised by joblib), those
threads would go on training, and if the interpreter then exits while one of them
is inside the engine, the thread is torn down in C++ and the process aborts
("terminate called without an active exception"). A :class:`Cancellation` is
checked by every fold at each epoch end; the thread that gives up sets it and
waits for the running folds to stop before re-raising.
"""

from __future__ import annotations

import contextlib
import threading

__all__ = ["Cancellation", "Cancelled"]


class Cancelled(Exception):
    """Raised inside a fold whose run was cancelled (never reaches the user)."""


class Cancellation:
    """A flag the training threads of one run check, and a count of those running."""

    def __init__(self):
        self._event = threading.Event()
        self._cond = threading.Condition()
        self._active = 0

    def __reduce__(self):
        # Process backends (loky, dask) get an independent, never-set copy: their
        # workers are stopped by joblib itself.
        return (Cancellation, ())

    @contextlib.contextmanager
    def running(self):
        """Count the calling thread as running training for the block."""
        with self._cond:
            if self._event.is_set():
                raise Cancelled()
            self._active += 1
        try:
            yield self
        finally:
            with self._cond:
                self._active -= 1
                self._cond.notify_all()

    def check(self) -> None:
        """Raise :class:`Cancelled` once the run is cancelled."""
        if self._event.is_set():
            raise Cancelled()

    def cancel_and_wait(self, timeout: float | None = None) -> bool:
        """Cancel, then wait (up to ``timeout`` seconds) until no thread is running;
        True when none is."""
        self._event.set()
        with self._cond:
            return self._cond.wait_for(lambda: self._active == 0, timeout)
