"""Checkpoints of ``Network.fit``: save every N epochs, resume after a crash.

Like Keras' ``BackupAndRestore``: ``fit(..., checkpoint=DIR)`` writes
``DIR/checkpoint.npz`` atomically (parameters, optimizer state, epoch and update
counters, the shuffling generator's state and the history so far); a later
``fit`` with the same ``DIR``, network and data resumes from it and ends with
bit-for-bit the parameters of an uninterrupted run. The file is removed when the
fit completes. A checkpoint made with other data or another architecture is
refused with an error rather than silently mixed in.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from ..errors import FileFormatError, InvalidValueError
from .history import History

__all__ = ["FitCheckpoint", "fingerprint"]

FILE_NAME = "checkpoint.npz"


def fingerprint(*parts) -> str:
    """A hash of arrays (shape, dtype and bytes) and plain values."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        if isinstance(part, np.ndarray):
            h.update(repr((part.shape, part.dtype.str)).encode())
            h.update(np.ascontiguousarray(part).data)
        else:
            h.update(repr(part).encode())
    return h.hexdigest()


class FitCheckpoint:
    def __init__(self, directory, every: int, run_fingerprint: str):
        self.directory = Path(directory)
        if self.directory.exists() and not self.directory.is_dir():
            raise InvalidValueError(f"checkpoint: {str(self.directory)!r} exists and is not a directory")
        self.path = self.directory / FILE_NAME
        self.every = every
        self.run_fingerprint = run_fingerprint

    def restore(self, net, epochs: int):
        """Load a matching checkpoint into ``net``: ``(history, epochs done)`` or ``None``."""
        from ..nn.serialization import apply_state, read_network_file

        if not self.path.exists():
            return None
        doc, get = read_network_file(self.path)
        extra = doc.get("extra") or {}
        if doc["config"] != net.get_config():
            raise FileFormatError(f"checkpoint: {self.path} was written by a network with another configuration")
        if extra.get("fingerprint") != self.run_fingerprint or extra.get("epochs") != epochs:
            raise FileFormatError(
                f"checkpoint: {self.path} belongs to a fit with other data or settings; "
                "remove it or choose another checkpoint directory"
            )
        apply_state(net, doc, get, self.path)
        history = History()
        try:
            for epoch, logs in extra["history"]:
                history.append(int(epoch), {str(k): float(v) for k, v in logs.items()})
            done = int(extra["done"])
        except (KeyError, TypeError, ValueError) as exc:
            raise FileFormatError(f"checkpoint: {self.path} has a malformed history ({exc})") from exc
        return history, done

    def save(self, net, epochs: int, done: int, history: History) -> None:
        from ..nn.serialization import save_network

        self.directory.mkdir(parents=True, exist_ok=True)
        extra = {"fingerprint": self.run_fingerprint, "epochs": epochs, "done": done,
                 "history": [[e, logs] for e, logs in zip(history.epoch, history.logs)]}
        save_network(net, self.path, extra=extra)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)

