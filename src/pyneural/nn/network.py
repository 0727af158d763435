"""``Network``: a stack of dense layers, its parameters, optimizer state and training loop."""

from __future__ import annotations

import copy
import numbers
import sys

import numpy as np

from .._config import resolve_threads
from .._validation import (
    MAX_WIDTH,
    as_float_matrix,
    check_choice,
    check_positive_int,
    check_seed,
)
from ..backends import BACKENDS, Architecture
from ..errors import InvalidTypeError, InvalidValueError, TrainingDivergedError
from ..training.callbacks import as_callbacks
from ..training.checkpoint import FitCheckpoint, fingerprint
from ..training.history import History
from .activations import get_activation
from .configurable import config_arguments
from .initializers import initialize
from .layers import Dense
from .losses import get_loss
from .optimizers import get_optimizer, optimizer_to_config

__all__ = ["Network"]

_DTYPES = {"float32": np.dtype(np.float32), "float64": np.dtype(np.float64)}


def _check_dtype(dtype) -> np.dtype:
    try:
        dt = np.dtype(dtype)
    except TypeError as exc:
        raise InvalidTypeError(f"dtype: expected 'float32' or 'float64', got {dtype!r}") from exc
    if dt not in _DTYPES.values():
        raise InvalidValueError(f"dtype: expected 'float32' or 'float64', got {dtype!r}")
    return dt


class Network:
    """A feed-forward network of :class:`Dense` layers.

    Parameters
    ----------
    layers : list of Dense
        The layers, first to last; the last one's ``units`` is the output count.
    inputs : int
        Number of input features.
    loss : str
        ``mse``, ``mae``, ``bce`` or ``cross_entropy``.
    optimizer : str, dict or Optimizer
        ``"adam"``, ``"sgd"``, ``"momentum"`` (defaults), a config dict with
        ``name``, or an optimizer object. A layer's own optimizer overrides it.
    seed : int, optional
        Seeds the initial parameters, the shuffling and the dropout masks; the
        same seed gives the same network and batches in both backends.
    dtype : {"float32", "float64"}
    backend : {"native", "numpy"}
        The C++ engine, or the NumPy reference implementation.
    n_threads : int, optional
        Threads for the native kernels (``None``: ``pyneural.get_num_threads()``).

    Examples
    --------
    >>> import pyneural as pn
    >>> net = pn.Network([pn.Dense(3, "tanh"), pn.Dense(1, "tanh")], inputs=2, seed=0)
    >>> X, y = pn.datasets.xor()
    >>> history = net.fit(X, y, epochs=10, batch_size=4, verbose=0)
    """

    def __init__(
        self,
        layers,
        inputs: int,
        loss="mse",
        optimizer="adam",
        seed: int | None = None,
        dtype="float32",
        backend: str = "native",
        n_threads: int | None = None,
    ):
        if isinstance(layers, Dense):
            layers = [layers]
        if not isinstance(layers, (list, tuple)):
            raise InvalidTypeError(f"layers: expected a list of Dense layers, got {type(layers).__name__}")
        if not layers:
            raise InvalidValueError("layers: a network needs at least one layer, got an empty list")
        for i, layer in enumerate(layers):
            if not isinstance(layer, Dense):
                raise InvalidTypeError(f"layers[{i}]: expected a pyneural.Dense, got {type(layer).__name__}")
        self.layers = [copy.deepcopy(layer) for layer in layers]
        self.inputs = check_positive_int(inputs, "inputs", maximum=MAX_WIDTH)
        self.loss = get_loss(loss)
        self.optimizer = get_optimizer(optimizer)
        self.dtype = _check_dtype(dtype)
        self.backend = check_choice(backend, "backend", sorted(BACKENDS))
        self.seed = check_seed(seed)
        resolve_threads(n_threads)  # validate now, resolve at each call
        self.n_threads = n_threads

        seeds = np.random.SeedSequence(self.seed)
        init_seq, shuffle_seq, dropout_seq = seeds.spawn(3)
        self._entropy = seeds.entropy
        self._dropout_seed = int(dropout_seq.generate_state(1, np.uint64)[0])
        self._shuffle_rng = np.random.Generator(np.random.PCG64(shuffle_seq))
        self.epoch = 0  # epochs trained so far (indexes the learning-rate schedules)
        self.step = 0  # optimizer updates done so far (Adam's t)
        self._build(np.random.Generator(np.random.PCG64(init_seq)))

    # ----------------------------------------------------------------- building
    def _layer_optimizers(self):
        return tuple(layer.optimizer or self.optimizer for layer in self.layers)

    def _build(self, rng: np.random.Generator) -> None:
        fan_in = self.inputs
        self._slots = []
        optimizers = self._layer_optimizers()
        for layer, opt in zip(self.layers, optimizers):
            w = initialize(layer.weights_init, rng, (fan_in, layer.units), self.dtype)
            b = initialize(layer.biases_init, rng, (layer.units,), self.dtype)
            self._slots.append((w, b, opt.build(w.shape, self.dtype), opt.build(b.shape, self.dtype)))
            fan_in = layer.units
        self._build_backend()

    def _build_backend(self) -> None:
        arch = Architecture(
            inputs=self.inputs,
            units=tuple(layer.units for layer in self.layers),
            activations=tuple(get_activation(layer.activation) for layer in self.layers),
            dropouts=tuple(layer.dropout or 0.0 for layer in self.layers),
            optimizers=self._layer_optimizers(),
            loss=self.loss,
            dtype=self.dtype,
            dropout_seed=self._dropout_seed,
        )
        self._backend = BACKENDS[self.backend](arch)

    @property
    def outputs(self) -> int:
        return self.layers[-1].units

    def _threads(self) -> int:
        return resolve_threads(self.n_threads)

    # ---------------------------------------------------------------- data
    def _check_x(self, x, name: str = "X", finite: bool = True) -> np.ndarray:
        return as_float_matrix(x, name, self.dtype, columns=self.inputs, finite=finite)

    def _check_xy(self, x, y, xname: str = "X", yname: str = "y"):
        x = self._check_x(x, xname)
        y = as_float_matrix(y, yname, self.dtype, columns=self.outputs, allow_1d_column=True)
        if x.shape[0] != y.shape[0]:
            raise InvalidValueError(f"{yname}: has {y.shape[0]} rows but {xname} has {x.shape[0]}")
        if x.shape[0] == 0:
            raise InvalidValueError(f"{xname}: needs at least one row, got 0")
        return x, y

    # ---------------------------------------------------------------- training
    def _learning_rates(self, epoch: int) -> np.ndarray:
        lrs = np.array([opt.lr(epoch) for opt in self._layer_optimizers()], dtype=np.float64)
        if not (np.isfinite(lrs).all() and (lrs > 0).all()):
            raise InvalidValueError(f"learning_rate: the schedule gave {lrs.tolist()} at epoch {epoch}; expected > 0")
        return lrs

    def _epoch_order(self, n: int, shuffle: bool) -> np.ndarray:
        return self._shuffle_rng.permutation(n).astype(np.int64) if shuffle else np.arange(n, dtype=np.int64)

    def _run_epoch(self, x, y, batch_size: int, shuffle: bool) -> float:
        perm = self._epoch_order(x.shape[0], shuffle)
        loss, step = self._backend.train_epoch(
            x, y, perm, batch_size, self._learning_rates(self.epoch), self.step, self.epoch, self._slots, self._threads()
        )
        self.step = int(step)
        self.epoch += 1
        return float(loss)

    def train_epoch(self, X, y, batch_size: int = 32, shuffle: bool = True) -> float:
        """Train one epoch and return its mean training loss (see :meth:`fit`)."""
        x, y = self._check_xy(X, y)
        batch_size = min(check_positive_int(batch_size, "batch_size"), x.shape[0])
        _check_bool(shuffle, "shuffle")
        return self._run_epoch(x, y, batch_size, shuffle)

    def fit(
        self,
        X,
        y,
        epochs: int = 1,
        batch_size: int = 32,
        shuffle: bool = True,
        validation_data=None,
        callbacks=None,
        verbose: int = 1,
        on_divergence: str = "raise",
        validation_freq: int = 1,
        checkpoint=None,
        checkpoint_every: int = 1,
    ) -> History:
        """Train for ``epochs`` epochs of mini-batch gradient descent.

        Parameters
        ----------
        X : array-like, shape (n, inputs)
        y : array-like, shape (n, outputs) or (n,) for one output
        epochs : int
        batch_size : int
            Rows per update; clipped to ``n`` when larger (as scikit-learn does).
        shuffle : bool
            Draw a new row order every epoch (from the network's seed).
        validation_data : tuple (X_val, y_val), optional
            Evaluated after every epoch: ``val_loss``, ``val_loss_std``, ``val_r2``
            (and ``val_accuracy`` for the classification losses ``bce`` and ``cross_entropy``).
        callbacks : list of Callback or functions ``f(epoch, logs)``, optional
            A callback returning ``True`` stops training after that epoch.
        verbose : int
            0 silent, 1 or 2 one line per epoch.
        on_divergence : {"raise", "stop"}
            What to do when the loss becomes NaN or infinite: raise
            :class:`~pyneural.errors.TrainingDivergedError`, or stop and return the
            history (``history.stopped == "diverged"``). Either way the parameters
            are those of the last finite epoch.
        validation_freq : int
            Evaluate the validation data every ``validation_freq`` epochs (and
            after the last one); ``validation_freq=epochs`` validates only at the end.
        checkpoint : str or path, optional
            A directory: the training state is saved there atomically every
            ``checkpoint_every`` epochs, and a fit interrupted by a crash resumes
            from it when called again with the same network, data and settings,
            giving bit-for-bit the result of an uninterrupted fit. Removed on
            completion (see :mod:`pyneural.training.checkpoint`).
        checkpoint_every : int

        Returns
        -------
        History
        """
        x, y = self._check_xy(X, y)
        epochs = check_positive_int(epochs, "epochs", minimum=0)
        batch_size = min(check_positive_int(batch_size, "batch_size"), x.shape[0])
        _check_bool(shuffle, "shuffle")
        check_choice(on_divergence, "on_divergence", ("raise", "stop"))
        if isinstance(verbose, bool) or not isinstance(verbose, numbers.Integral):
            raise InvalidTypeError(f"verbose: expected 0, 1 or 2, got {verbose!r}")
        val = None
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
                raise InvalidValueError("validation_data: expected a tuple (X_val, y_val)")
            val = self._check_xy(validation_data[0], validation_data[1], "validation_data[0]", "validation_data[1]")
        validation_freq = check_positive_int(validation_freq, "validation_freq")
        cbs = as_callbacks(callbacks)

        checkpoint_every = check_positive_int(checkpoint_every, "checkpoint_every")

        history, done, ckpt = History(), 0, None
        if checkpoint is not None:
            ckpt = FitCheckpoint(checkpoint, checkpoint_every, fingerprint(
                x, y, *(val or ()), epochs, batch_size, shuffle, validation_freq))
            restored = ckpt.restore(self, epochs)
            if restored is not None:
                history, done = restored
        for cb in cbs:
            cb.on_train_begin(self)
        for i in range(done, epochs):
            epoch = self.epoch
            saved = self._snapshot()
            loss = self._run_epoch(x, y, batch_size, shuffle)
            if not np.isfinite(loss):
                self._restore(saved)
                history.stopped = "diverged"
                if on_divergence == "raise":
                    raise TrainingDivergedError(
                        f"training diverged at epoch {epoch}: the loss is {loss}; the parameters are those "
                        f"after epoch {epoch - 1} (lower the learning rate or normalise the data)",
                        epoch=epoch,
                    )
                break
            logs = {"loss": loss}
            if val is not None and ((i + 1) % validation_freq == 0 or i + 1 == epochs):
                vloss, vstd, vr2, vpred = self._backend.evaluate(val[0], val[1], self._slots, self._threads())
                logs.update(val_loss=vloss, val_loss_std=vstd, val_r2=vr2)
                if self.loss.name in ("bce", "cross_entropy"):
                    from ..metrics import accuracy_from_outputs

                    logs["val_accuracy"] = accuracy_from_outputs(val[1], vpred, self.loss)
            history.append(epoch, logs)
            if ckpt is not None and ((i + 1) % checkpoint_every == 0 or i + 1 == epochs):
                ckpt.save(self, epochs, i + 1, history)
            if verbose:
                metrics = " - ".join(f"{k}: {v:.6g}" for k, v in logs.items())
                print(f"Epoch {epoch + 1} ({len(history)}/{epochs}) - {metrics}", file=sys.stdout, flush=True)
            stop = False
            for cb in cbs:
                stop = bool(cb.on_epoch_end(epoch, dict(logs))) or cb.stop_training or stop
            if stop:
                history.stopped = "callback"
                break
        if ckpt is not None and history.stopped is None:
            ckpt.remove()
        for cb in cbs:
            cb.on_train_end(history)
        return history

    def _snapshot(self):
        return (
            [(w.copy(), b.copy(), [s.copy() for s in ws], [s.copy() for s in bs]) for w, b, ws, bs in self._slots],
            self.epoch,
            self.step,
            copy.deepcopy(self._shuffle_rng.bit_generator.state),
        )

    def _restore(self, saved) -> None:
        slots, self.epoch, self.step, rng_state = saved
        for (w, b, ws, bs), (w0, b0, ws0, bs0) in zip(self._slots, slots):
            w[...] = w0
            b[...] = b0
            for s, s0 in zip(ws + bs, ws0 + bs0):
                s[...] = s0
        self._shuffle_rng.bit_generator.state = rng_state

    # ---------------------------------------------------------------- inference
    def predict(self, X) -> np.ndarray:
        """Outputs for ``X`` (n, inputs): an array (n, outputs) of the network dtype."""
        native_check = self._backend.checks_finite
        x = self._check_x(X, finite=not native_check)
        if x.shape[0] == 0:
            return np.empty((0, self.outputs), dtype=self.dtype)
        out = self._backend.predict(x, self._slots, self._threads(), check_finite=native_check)
        if out is None:  # the engine met a NaN or an infinity: name the first one
            self._check_x(x)
            raise InvalidValueError("X: contains NaN or infinite values")
        return out

    def evaluate(self, X, y) -> dict:
        """``{"loss": mean loss, "r2": R² (uniform average over outputs)}``, plus
        ``"accuracy"`` when the loss is ``bce`` (each output thresholded at 0.5; a
        row counts when all its outputs are right) or ``cross_entropy`` (argmax)."""
        x, y = self._check_xy(X, y)
        loss, _, r2, pred = self._backend.evaluate(x, y, self._slots, self._threads())
        if self.loss.name in ("bce", "cross_entropy"):
            from ..metrics import accuracy_from_outputs

            return {"loss": loss, "r2": r2, "accuracy": accuracy_from_outputs(y, pred, self.loss)}
        return {"loss": loss, "r2": r2}

    # ---------------------------------------------------------------- parameters
    def get_params(self) -> list[dict]:
        """Copies of the parameters: ``[{"weights": (in, out), "biases": (out,)}, ...]``."""
        return [{"weights": w.copy(), "biases": b.copy()} for w, b, _, _ in self._slots]

    def set_params(self, params) -> None:
        """Replace the parameters (same structure as :meth:`get_params`).

        Everything is validated before anything is changed. The optimizer state is
        kept (as Keras' ``set_weights`` does); see :meth:`reset_optimizer`.
        """
        if not isinstance(params, (list, tuple)):
            raise InvalidTypeError(f"params: expected a list of {{'weights', 'biases'}} dicts, got {type(params).__name__}")
        if len(params) != len(self._slots):
            raise InvalidValueError(f"params: expected {len(self._slots)} layers, got {len(params)}")
        new = []
        for i, (p, (w, b, _, _)) in enumerate(zip(params, self._slots)):
            if not isinstance(p, dict) or set(p) != {"weights", "biases"}:
                raise InvalidValueError(f"params[{i}]: expected a dict with keys 'weights' and 'biases'")
            for key, target in (("weights", w), ("biases", b)):
                arr = np.asarray(p[key])
                if not (np.issubdtype(arr.dtype, np.number) and not np.iscomplexobj(arr)):
                    raise InvalidTypeError(f"params[{i}]['{key}']: expected real numbers, got dtype {arr.dtype}")
                if arr.shape != target.shape:
                    raise InvalidValueError(f"params[{i}]['{key}']: expected shape {target.shape}, got {arr.shape}")
                if not np.isfinite(arr).all():
                    raise InvalidValueError(f"params[{i}]['{key}']: contains NaN or infinite values")
                new.append((target, arr))
        for target, arr in new:
            target[...] = arr

    def reset_optimizer(self) -> None:
        """Zero the optimizer state and the update and epoch counters."""
        for _, _, ws, bs in self._slots:
            for s in ws + bs:
                s[...] = 0
        self.step = 0
        self.epoch = 0

    # ---------------------------------------------------------------- config
    def get_config(self) -> dict:
        """The architecture and settings (no parameters), JSON-serialisable."""
        return {
            "inputs": self.inputs,
            "layers": [layer.get_config() for layer in self.layers],
            "loss": self.loss.name,
            "optimizer": optimizer_to_config(self.optimizer),
            "seed": self.seed,
            "dtype": self.dtype.name,
            "backend": self.backend,
        }

    @classmethod
    def from_config(cls, config: dict) -> "Network":
        config = config_arguments(cls, config)
        layers = config.get("layers")
        if not isinstance(layers, (list, tuple)):
            raise InvalidTypeError(f"config['layers']: expected a list of layer configs, got {type(layers).__name__}")
        config["layers"] = [Dense(**config_arguments(Dense, c, f"config['layers'][{i}]")) for i, c in enumerate(layers)]
        return cls(**config)

    def save(self, path) -> None:
        """Write the network to ``.json`` (human-readable) or ``.npz``; atomic."""
        from .serialization import save_network

        save_network(self, path)

    @classmethod
    def load(cls, path, backend: str | None = None) -> "Network":
        """Read a network written by :meth:`save` (never unpickles)."""
        from .serialization import load_network

        return load_network(path, backend=backend)

    def __getstate__(self) -> dict:
        """Plain data for pickle: the config, parameters, optimizer state and
        counters (the document :meth:`save` writes); never the C++ engine."""
        from .serialization import _meta

        doc = _meta(self)
        doc["n_threads"] = self.n_threads
        doc["params"] = [{"weights": w, "biases": b} for w, b, _, _ in self._slots]
        doc["optimizer_state"] = [{"weights": list(ws), "biases": list(bs)} for _, _, ws, bs in self._slots]
        return doc

    def __setstate__(self, state: dict) -> None:
        """Rebuild from :meth:`__getstate__`'s document (engine included), validated
        as :meth:`load` validates a file."""
        from .serialization import FORMAT, VERSION, apply_state

        if not isinstance(state, dict) or state.get("format") != FORMAT or state.get("version") != VERSION:
            raise InvalidValueError(f"state: expected a {FORMAT!r} version {VERSION} document")
        config = dict(state["config"], n_threads=state.get("n_threads"))
        self.__dict__.update(Network.from_config(config).__dict__)

        def get(kind, i, part, k=None):
            entry = state["params" if kind == "params" else "optimizer_state"][i][part]
            return entry if k is None else entry[k]

        apply_state(self, state, get, "pickled network")

    def summary(self) -> str:
        lines = [f"Network(inputs={self.inputs}, loss={self.loss.name!r}, optimizer={self.optimizer!r}, "
                 f"dtype={self.dtype.name}, backend={self.backend!r})"]
        fan_in = self.inputs
        total = 0
        for i, layer in enumerate(self.layers):
            count = fan_in * layer.units + layer.units
            total += count
            lines.append(f"  {i}: {layer!r}  params={count}")
            fan_in = layer.units
        lines.append(f"  total parameters: {total}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"Network(layers={self.layers!r}, inputs={self.inputs}, loss={self.loss.name!r}, "
                f"dtype={self.dtype.name!r}, backend={self.backend!r})")


def _check_bool(value, name: str) -> None:
    if not isinstance(value, (bool, np.bool_)):
        raise InvalidTypeError(f"{name}: expected True or False, got {value!r}")
