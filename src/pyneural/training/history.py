"""Per-epoch training records returned by ``Network.fit``."""

from __future__ import annotations

__all__ = ["History"]


class History:
    """Metrics per epoch, as in Keras: ``history.history["loss"][e]``.

    Keys: ``loss`` (mean training loss), and with validation data ``val_loss``,
    ``val_loss_std`` (standard deviation of the per-sample losses) and ``val_r2``.
    ``epoch`` lists the network's epoch numbers (0-based, continuing across fits).
    ``stopped`` says why training ended early (``"diverged"``, a callback's
    request) or is ``None``.
    """

    def __init__(self):
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []
        self.logs: list[dict] = []  # per epoch, as passed to callbacks
        self.stopped: str | None = None

    def append(self, epoch: int, logs: dict) -> None:
        self.epoch.append(epoch)
        self.logs.append(dict(logs))
        for key, value in logs.items():
            self.history.setdefault(key, []).append(value)

    def __getitem__(self, key: str) -> list[float]:
        return self.history[key]

    def __contains__(self, key: str) -> bool:
        return key in self.history

    def __len__(self) -> int:
        return len(self.epoch)

    def to_dict(self) -> dict:
        return {"epoch": list(self.epoch), **{k: list(v) for k, v in self.history.items()}}

    def __repr__(self) -> str:
        last = {k: v[-1] for k, v in self.history.items() if v}
        return f"History(epochs={len(self)}, last={last})"
