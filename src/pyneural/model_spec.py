"""Model specs: one JSON file that says how to reproduce a whole training run.

A model spec holds the dataset spec (:mod:`pyneural.data.spec`), the network and
the training settings::

    {"name": "king_county",
     "dataset": {...},
     "network": {
        "layers": [{"units": "inputs+1", "activation": "relu", "repeat": 8},
                   {"units": "outputs", "activation": "linear"}],
        "optimizer": {"name": "adam", "learning_rate": 0.001},
        "dtype": "float32"},
     "training": {"loss": "mse", "epochs": 500, "batch_size": 128, "seed": 0,
                  "trainer": {"kfolds": 8}, "validation": "every_epoch"}}

Layer keys: ``units`` (an int, ``"inputs"``, ``"inputs+N"``, ``"inputs-N"``,
``"inputs*N"`` or ``"outputs"``, resolved when the input count is known),
``activation``, ``weights_init``, ``biases_init``, ``dropout`` (null or a rate),
``optimizer`` (null or an optimizer object overriding the network's) and
``repeat`` (how many identical layers). An optimizer object is ``{"name": "sgd" |
"momentum" | "adam", "learning_rate": float | {"schedule": "inverse_time_decay" |
"piecewise_constant" | "constant", ...}, ...hyperparameters}``. ``validation`` is
``"every_epoch"`` or ``"last_epoch"``; ``trainer`` is ``{"kfolds": k}`` or
``{"split": fraction held out}``.

``to_dict``/``to_json`` write every field explicitly (a canonical form), so
``from_json(to_json(spec)) == spec`` and the JSON text is stable. Every error is
a :class:`~pyneural.errors.SpecError` whose message starts with the JSON path.
"""

from __future__ import annotations

import inspect
import json
import math
import re
from dataclasses import dataclass, field

from ._io import atomic_write_text
from ._jsonspec import _choice, _got, _int, _json_object, _object, _read_spec_file, _str
from ._validation import check_path
from .data.spec import DatasetSpec
from .errors import InvalidTypeError, PyneuralError, SpecError
from .nn.activations import ACTIVATIONS
from .nn.initializers import INITIALIZERS
from .nn.layers import Dense
from .nn.losses import LOSSES
from .nn.network import Network
from .nn.optimizers import OPTIMIZERS, get_optimizer, optimizer_to_config

__all__ = ["LayerSpec", "NetworkSpec", "TrainingSpec", "ModelSpec"]

_UNITS = re.compile(r"^\s*inputs\s*(?:([+\-*])\s*(\d+))?\s*$")
VALIDATION = ("every_epoch", "last_epoch")
#: Most copies of one layer a spec may ask for (``repeat``): a typo like 1e9 gets an error, not a hang.
MAX_REPEAT = 10_000


def _units(value, path: str):
    if isinstance(value, str) and (value.strip() == "outputs" or _UNITS.match(value)):
        return value.strip() if value.strip() == "outputs" else re.sub(r"\s+", "", value)
    if isinstance(value, int) and not isinstance(value, bool):
        return _int(value, path, 1)
    raise SpecError(path, f'expected a positive integer, "inputs", "inputs+N", "inputs-N", '
                          f'"inputs*N" or "outputs", got {_got(value)}')


def _optimizer(value, path: str):
    """Validate an optimizer object; errors name the offending key."""
    d = _object(value, path, None)
    name = _choice(d.get("name"), f"{path}.name", OPTIMIZERS)
    cls = OPTIMIZERS[name]
    allowed = ["name"] + [p for p in inspect.signature(cls.__init__).parameters if p != "self"]
    _object(d, path, allowed)
    try:
        return cls(**{k: v for k, v in d.items() if k != "name"})
    except PyneuralError as exc:
        # Our constructors' messages start with the argument's name: "learning_rate: ...".
        key, _, rest = str(exc).partition(": ")
        if key.split(".")[0] in allowed:
            raise SpecError(f"{path}.{key}", rest) from None
        raise SpecError(path, str(exc)) from None


@dataclass
class LayerSpec:
    """One entry of ``network.layers``: a dense layer, possibly repeated.

    Parameters
    ----------
    units : int or str
        A positive integer, or an expression resolved when the input count is
        known: ``"inputs"``, ``"inputs+N"``, ``"inputs-N"``, ``"inputs*N"`` or
        ``"outputs"`` (the dataset's output count; the default).
    activation : str
        ``linear`` (default), ``relu``, ``tanh``, ``sigmoid`` or ``softmax``.
    weights_init, biases_init : str
        Initializer names (defaults ``glorot_uniform`` and ``zeros``).
    dropout : float or None
        Inverted-dropout rate in [0, 1) on the layer's input, or None.
    optimizer : dict or None
        An optimizer object (``{"name": ..., ...}``) overriding the network's for
        this layer, or None.
    repeat : int
        How many identical layers this entry stands for (default 1, at most
        ``MAX_REPEAT`` = 10,000).
    """

    units: object = "outputs"
    activation: str = "linear"
    weights_init: str = "glorot_uniform"
    biases_init: str = "zeros"
    dropout: float | None = None
    optimizer: dict | None = None  # an optimizer config (name + hyperparameters)
    repeat: int = 1

    KEYS = ("units", "activation", "weights_init", "biases_init", "dropout", "optimizer", "repeat")

    @classmethod
    def from_dict(cls, d, path: str) -> "LayerSpec":
        """Validate the JSON object ``d`` found at ``path``; errors are ``SpecError`` naming it."""
        d = _object(d, path, cls.KEYS)
        if "units" not in d:
            raise SpecError(f"{path}.units", "missing (every layer needs its units)")
        spec = cls(units=_units(d["units"], f"{path}.units"))
        if "activation" in d:
            spec.activation = _choice(d["activation"], f"{path}.activation", ACTIVATIONS)
        for key in ("weights_init", "biases_init"):
            if key in d:
                setattr(spec, key, _choice(d[key], f"{path}.{key}", INITIALIZERS))
        if d.get("dropout") is not None:
            rate = d["dropout"]
            if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not (0 <= rate < 1):
                raise SpecError(f"{path}.dropout", f"expected null or a number in [0, 1), got {_got(rate)}")
            spec.dropout = float(rate) if rate else None
        if d.get("optimizer") is not None:
            spec.optimizer = optimizer_to_config(_optimizer(d["optimizer"], f"{path}.optimizer"))
        if "repeat" in d:
            spec.repeat = _int(d["repeat"], f"{path}.repeat", 1, MAX_REPEAT)
        return spec

    def to_dict(self) -> dict:
        """Every key, defaults included (the canonical JSON form)."""
        return {"units": self.units, "activation": self.activation, "weights_init": self.weights_init,
                "biases_init": self.biases_init, "dropout": self.dropout, "optimizer": self.optimizer,
                "repeat": self.repeat}

    def resolve_units(self, inputs: int, outputs: int, path: str) -> int:
        """The unit count for ``inputs`` input and ``outputs`` output columns.

        Parameters
        ----------
        inputs, outputs : int
            Column counts of the model's ``X`` and ``y``.
        path : str
            JSON path of this layer, for the error message.

        Returns
        -------
        int

        Raises
        ------
        pyneural.errors.SpecError
            When the expression gives fewer than one unit (``"inputs-40"`` for 34 inputs).
        """
        if isinstance(self.units, int):
            return self.units
        if self.units == "outputs":
            return outputs
        op, num = _UNITS.match(self.units).groups()
        value = {None: lambda: inputs, "+": lambda: inputs + int(num), "-": lambda: inputs - int(num),
                 "*": lambda: inputs * int(num)}[op]()
        if value < 1:
            raise SpecError(f"{path}.units", f"{self.units!r} gives {value} units for {inputs} inputs")
        return value


@dataclass
class NetworkSpec:
    """The ``network`` object of a model spec.

    Parameters
    ----------
    layers : list of LayerSpec
        First to last; the last must resolve to one unit per output.
    optimizer : dict
        The network's optimizer object, e.g. ``{"name": "adam", "learning_rate":
        0.001}`` (default: Adam with its defaults), stored with every
        hyperparameter filled in.
    dtype : {"float32", "float64"}
        Precision of the network (default ``"float32"``).
    """

    layers: list = field(default_factory=list)
    optimizer: dict = field(default_factory=lambda: optimizer_to_config(get_optimizer("adam")))
    dtype: str = "float32"

    KEYS = ("layers", "optimizer", "dtype")

    @classmethod
    def from_dict(cls, d, path: str = "network") -> "NetworkSpec":
        """Validate the JSON object ``d`` found at ``path``; errors are ``SpecError`` naming it."""
        d = _object(d, path, cls.KEYS)
        layers = d.get("layers")
        if not isinstance(layers, list) or not layers:
            raise SpecError(f"{path}.layers", f"expected a non-empty list of layers, got {_got(layers)}")
        spec = cls([LayerSpec.from_dict(layer, f"{path}.layers[{i}]") for i, layer in enumerate(layers)])
        if "optimizer" in d:
            spec.optimizer = optimizer_to_config(_optimizer(d["optimizer"], f"{path}.optimizer"))
        if "dtype" in d:
            spec.dtype = _choice(d["dtype"], f"{path}.dtype", ("float32", "float64"))
        return spec

    def to_dict(self) -> dict:
        """Every key, defaults included (the canonical JSON form)."""
        return {"layers": [layer.to_dict() for layer in self.layers], "optimizer": self.optimizer,
                "dtype": self.dtype}


@dataclass
class TrainingSpec:
    """The ``training`` object of a model spec.

    Parameters
    ----------
    loss : str
        ``mse`` (default), ``mae``, ``bce`` or ``cross_entropy``.
    epochs : int
        Passes over each fold's training rows (default 100).
    batch_size : int
        Rows per update (default 32).
    seed : int
        Seeds the fold split, each fold's network and its batches (default 0).
    trainer : dict
        ``{"kfolds": k}`` with k >= 2 (default ``{"kfolds": 5}``) or
        ``{"split": fraction}``, the held-out fraction in (0, 1).
    validation : {"every_epoch", "last_epoch"}
        When the validation rows are scored (default ``"every_epoch"``).
    """

    loss: str = "mse"
    epochs: int = 100
    batch_size: int = 32
    seed: int = 0
    trainer: dict = field(default_factory=lambda: {"kfolds": 5})
    validation: str = "every_epoch"

    KEYS = ("loss", "epochs", "batch_size", "seed", "trainer", "validation")

    @classmethod
    def from_dict(cls, d, path: str = "training") -> "TrainingSpec":
        """Validate the JSON object ``d`` found at ``path``; errors are ``SpecError`` naming it."""
        d = _object(d, path, cls.KEYS)
        spec = cls()
        if "loss" in d:
            spec.loss = _choice(d["loss"], f"{path}.loss", LOSSES)
        if "epochs" in d:
            spec.epochs = _int(d["epochs"], f"{path}.epochs", 1)
        if "batch_size" in d:
            spec.batch_size = _int(d["batch_size"], f"{path}.batch_size", 1)
        if "seed" in d:
            spec.seed = _int(d["seed"], f"{path}.seed", 0)
        if "trainer" in d:
            spec.trainer = cls._trainer(d["trainer"], f"{path}.trainer")
        if "validation" in d:
            spec.validation = _choice(d["validation"], f"{path}.validation", VALIDATION)
        return spec

    @staticmethod
    def _trainer(value, path: str) -> dict:
        t = _object(value, path, ("kfolds", "split"))
        if len(t) != 1:
            raise SpecError(path, f'expected exactly one of {{"kfolds": k}} or {{"split": fraction}}, got {_got(value)}')
        if "kfolds" in t:
            return {"kfolds": _int(t["kfolds"], f"{path}.kfolds", 2)}
        f = t["split"]
        if isinstance(f, bool) or not isinstance(f, (int, float)) or not (0 < f < 1) or not math.isfinite(f):
            raise SpecError(f"{path}.split", f"expected the held-out fraction, a number in (0, 1), got {_got(f)}")
        return {"split": float(f)}

    def to_dict(self) -> dict:
        """Every key, defaults included (the canonical JSON form)."""
        return {"loss": self.loss, "epochs": self.epochs, "batch_size": self.batch_size, "seed": self.seed,
                "trainer": dict(self.trainer), "validation": self.validation}


@dataclass
class ModelSpec:
    """A whole training run in one object: dataset, network and training settings.

    Usually read from JSON with :meth:`from_json`; every field is described in
    the module docstring and in the documentation's spec reference.

    Parameters
    ----------
    dataset : DatasetSpec
        The table's columns, their roles and transforms.
    network : NetworkSpec
        Layers, optimizer and dtype.
    training : TrainingSpec, optional
        Loss, epochs, batch size, seed, trainer and validation schedule.
    name : str
        Names the run (default ``"model"``).

    Examples
    --------
    >>> import pyneural as pn
    >>> spec = pn.ModelSpec.from_dict({
    ...     "name": "toy",
    ...     "dataset": {"features": {"x": {}, "y": {"role": "output"}}},
    ...     "network": {"layers": [{"units": 8, "activation": "relu"}, {"units": "outputs"}]},
    ...     "training": {"epochs": 5, "trainer": {"split": 0.2}}})
    >>> spec.build_network(inputs=1).summary().splitlines()[-1]
    '  total parameters: 25'
    >>> pn.ModelSpec.from_json_str(spec.to_json()) == spec
    True
    """

    dataset: DatasetSpec
    network: NetworkSpec
    training: TrainingSpec = field(default_factory=TrainingSpec)
    name: str = "model"

    KEYS = ("name", "dataset", "network", "training")

    @classmethod
    def from_dict(cls, d) -> "ModelSpec":
        """Build and validate a spec from parsed JSON.

        Parameters
        ----------
        d : dict
            The top-level object: ``name`` (optional), ``dataset``, ``network``,
            ``training`` (optional).

        Returns
        -------
        ModelSpec

        Raises
        ------
        pyneural.errors.SpecError
            Naming the JSON path of the first problem, e.g.
            ``training.batch_size: expected an integer >= 1, got 0``.
        """
        if not isinstance(d, dict):
            raise SpecError("spec", f"expected an object, got {_got(d)}")
        for key in list(getattr(d, "duplicates", ())) + [k for k in d if k not in cls.KEYS]:
            reason = "duplicate key" if key in d and key in cls.KEYS else f"unknown key (expected one of {', '.join(cls.KEYS)})"
            raise SpecError(key, reason)
        for key in ("dataset", "network"):
            if key not in d:
                raise SpecError(key, "missing")
        name = _str(d["name"], "name") if "name" in d else "model"
        dataset = DatasetSpec.from_dict(d["dataset"], "dataset")
        roles = [f.role for f in dataset.features.values()]
        if "input" not in roles and not any(f.add_month or f.add_timestamp for f in dataset.features.values()):
            raise SpecError("dataset.features", "no input feature: give at least one column the role \"input\"")
        if "output" not in roles:
            raise SpecError("dataset.features", "no output feature: give the predicted column the role \"output\"")
        return cls(dataset, NetworkSpec.from_dict(d["network"], "network"),
                   TrainingSpec.from_dict(d.get("training", {}), "training"), name)

    def to_dict(self) -> dict:
        """The canonical plain-data form (every network and training key written out)."""
        return {"name": self.name, "dataset": self.dataset.to_dict(), "network": self.network.to_dict(),
                "training": self.training.to_dict()}

    @classmethod
    def from_json(cls, path) -> "ModelSpec":
        """Read and validate a spec file.

        Parameters
        ----------
        path : str or os.PathLike
            A UTF-8 JSON file.

        Returns
        -------
        ModelSpec

        Raises
        ------
        pyneural.errors.SpecError
            For a missing or unreadable file, invalid JSON, a key given twice, an
            unknown key, a wrong type or value; the message starts with the JSON
            path (``dataset.features.price.log10: expected true/false, got "yes"``).
        """
        path, text = _read_spec_file(path)
        return cls.from_json_str(text, source=str(path))

    @classmethod
    def from_json_str(cls, text: str, source: str = "spec") -> "ModelSpec":
        """Parse and validate JSON ``text`` (as :meth:`from_json` does a file).

        ``source`` names the text in the message of a JSON syntax error.
        """
        if not isinstance(text, str):
            raise InvalidTypeError(f"text: expected a str of JSON, got {type(text).__name__}")
        try:
            d = json.loads(text, object_pairs_hook=_json_object)
        except json.JSONDecodeError as exc:
            raise SpecError("", f"{source}: invalid JSON ({exc})") from None
        if not isinstance(d, dict):
            raise SpecError("", f"{source}: expected a JSON object at the top level, got {_got(d)}")
        return cls.from_dict(d)

    def to_json(self, path=None, *, indent: int = 2) -> str:
        """The canonical JSON text, written atomically to ``path`` when given.

        ``ModelSpec.from_json_str(spec.to_json()) == spec`` always holds, and the
        text is stable (every field written, in a fixed order).

        Parameters
        ----------
        path : str or os.PathLike, optional
            File to write (through a temporary file and a rename).
        indent : int
            JSON indentation.

        Returns
        -------
        str
        """
        text = json.dumps(self.to_dict(), indent=indent, allow_nan=False) + "\n"
        if path is not None:
            atomic_write_text(check_path(path, "path"), text)
        return text

    def build_network(self, inputs: int, outputs: int | None = None, *, seed: int | None = None,
                      backend: str = "native", n_threads: int | None = None) -> Network:
        """The network this spec describes, with freshly initialised parameters.

        Parameters
        ----------
        inputs : int
            Input features after the pipeline (``len(pipeline.input_names())``).
        outputs : int, optional
            Defaults to the dataset spec's output count.
        seed : int, optional
            Defaults to ``training.seed``.
        backend : {"native", "numpy"}
            The C++ engine or the NumPy reference.
        n_threads : int, optional
            Engine threads (``None``: ``pyneural.get_num_threads()``).

        Returns
        -------
        Network
            With ``repeat`` expanded, unit expressions resolved, the training
            loss, the network optimizer and per-layer overrides.

        Raises
        ------
        pyneural.errors.SpecError
            When a unit expression gives fewer than one unit or the last layer
            does not have one unit per output.
        """
        if outputs is None:
            outputs = len(self.dataset.output_names())
        layers = []
        for i, ls in enumerate(self.network.layers):
            path = f"network.layers[{i}]"
            units = ls.resolve_units(inputs, outputs, path)
            for _ in range(ls.repeat):
                layers.append(Dense(units, ls.activation, ls.weights_init, ls.biases_init, ls.dropout,
                                    None if ls.optimizer is None else get_optimizer(ls.optimizer)))
        if layers[-1].units != outputs:
            raise SpecError(f"network.layers[{len(self.network.layers) - 1}].units",
                            f"the last layer must have {outputs} unit(s), one per output; got {layers[-1].units}")
        return Network(layers, inputs=inputs, loss=self.training.loss, optimizer=get_optimizer(self.network.optimizer),
                       seed=self.training.seed if seed is None else seed, dtype=self.network.dtype,
                       backend=backend, n_threads=n_threads)

    def __repr__(self) -> str:
        return (f"ModelSpec(name={self.name!r}, {self.dataset!r}, {len(self.network.layers)} layer specs, "
                f"trainer={self.training.trainer}, epochs={self.training.epochs})")
