"""One progress bar for a whole run (folds × epochs), shared by fold threads."""

from __future__ import annotations

import sys
import threading

__all__ = ["Progress"]


class Progress:
    """A tqdm bar showing the current mean training loss over the running folds.

    Silent when ``verbose`` is 0, when stderr is not a terminal, or when tqdm is
    not installed. ``update`` may be called from several threads.
    """

    def __init__(self, total: int, verbose: int = 1, desc: str = "training"):
        self._lock = threading.Lock()
        self._losses: dict[int, float] = {}
        self._bar = None
        if verbose and sys.stderr.isatty():
            try:
                from tqdm.auto import tqdm
            except ImportError:  # pragma: no cover - tqdm is a dependency
                return
            self._bar = tqdm(total=total, desc=desc, unit="epoch", leave=True, dynamic_ncols=True)

    def update(self, fold: int, loss: float) -> None:
        if self._bar is None:
            return
        with self._lock:
            self._losses[fold] = loss
            mean = sum(self._losses.values()) / len(self._losses)
            self._bar.set_postfix(loss=f"{mean:.4g}", refresh=False)
            self._bar.update(1)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
