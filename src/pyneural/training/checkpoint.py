"""Checkpoints of ``Network.fit`` and of k-fold runs: save every N epochs,
resume after a crash.

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

from .._validation import check_path
from ..errors import FileFormatError, InvalidValueError
from .history import History

__all__ = ["FitCheckpoint", "RunCheckpoint", "fingerprint"]

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
        self.directory = check_path(directory, "checkpoint")
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



class RunCheckpoint:
    """Checkpoints of a k-fold run (``run_spec(..., checkpoint=DIR)``).

    ``DIR/run.json`` identifies the run (a hash of the spec, the table and the
    epoch count); each fold checkpoints its fit in ``DIR/fold-<i>/`` and, when it
    completes, stores its final network and evaluation there, so a resumed run
    skips finished folds and continues the others where they stopped.
    """

    def __init__(self, directory, spec, data, epochs: int):
        import json

        import pandas as pd

        from .._io import atomic_write_text

        self.directory = check_path(directory, "checkpoint")
        if self.directory.exists() and not self.directory.is_dir():
            raise InvalidValueError(f"checkpoint: {str(self.directory)!r} exists and is not a directory")
        table_hash = pd.util.hash_pandas_object(data, index=True).to_numpy()
        ident = {"spec": fingerprint(spec.to_json()), "data": fingerprint(table_hash, list(map(str, data.columns))),
                 "epochs": epochs}
        marker = self.directory / "run.json"
        if marker.exists():
            try:
                saved = json.loads(marker.read_text(encoding="utf-8"))
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                raise FileFormatError(f"checkpoint: {marker} is damaged ({exc})") from None
            if saved != ident:
                raise FileFormatError(f"checkpoint: {self.directory} belongs to another spec, table or epoch count; "
                                      "remove it or choose another directory")
        else:
            self.directory.mkdir(parents=True, exist_ok=True)
            atomic_write_text(marker, json.dumps(ident) + "\n")

    def fold_dir(self, fold: int) -> Path:
        return self.directory / f"fold-{fold}"

    def finished_fold(self, fold: int, net, x_val, y_val):
        """The stored result of a completed fold (its network is loaded into ``net``), or None."""
        import json

        from ..nn.serialization import apply_state, read_network_file
        from .evaluation import FoldEvaluation
        from .fold import FoldResult

        done = self.fold_dir(fold) / "result.json"
        if not done.exists():
            return None
        try:
            evaluation = FoldEvaluation.from_dict(json.loads(done.read_text(encoding="utf-8")))
        except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError) as exc:
            raise FileFormatError(f"checkpoint: {done} is damaged ({exc})") from None
        doc, get = read_network_file(self.fold_dir(fold) / "network.npz")
        apply_state(net, doc, get, self.fold_dir(fold) / "network.npz")
        return FoldResult(fold, evaluation, net.predict(x_val), net.get_params())

    def save_fold(self, result, net) -> None:
        import json

        from .._io import atomic_write_text
        from ..nn.serialization import save_network

        folder = self.fold_dir(result.fold)
        folder.mkdir(parents=True, exist_ok=True)
        save_network(net, folder / "network.npz")
        # Written last: its presence says the fold is complete.
        atomic_write_text(folder / "result.json", json.dumps(result.evaluation.to_dict()) + "\n")
