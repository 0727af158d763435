"""Saving and loading networks as ``.json`` (readable) or ``.npz`` (compact).

Both formats hold the same document: the architecture (``Network.get_config()``),
the parameters, the optimizer state and the training counters, so a loaded
network predicts bit-identically and resumes training exactly. Nothing is ever
pickled: ``.npz`` files are read with ``allow_pickle=False``, and every field is
validated (format, version, dtype, shapes against the architecture, finiteness)
before a network is returned. Writes are atomic.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np

from .. import __version__
from .._io import atomic_write, atomic_write_text
from .._validation import check_path
from ..errors import FileFormatError, InvalidValueError, PyneuralError

__all__ = ["save_network", "load_network", "read_network_file", "apply_state", "FORMAT", "VERSION"]

FORMAT = "pyneural.network"
VERSION = 1


def _suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in (".json", ".npz"):
        raise FileFormatError(f"path: expected a .json or .npz file name, got {str(path)!r}")
    return suffix


def _meta(net) -> dict:
    return {
        "format": FORMAT,
        "version": VERSION,
        "pyneural_version": __version__,
        "config": net.get_config(),
        "state": {
            "epoch": net.epoch,
            "step": net.step,
            "dropout_seed": net._dropout_seed,
            "shuffle_rng": net._shuffle_rng.bit_generator.state,
        },
    }


def save_network(net, path, extra: dict | None = None) -> None:
    """Write ``net`` to ``path`` (.json or .npz); ``extra`` (JSON-able) is stored
    under ``"extra"`` (checkpoints keep their bookkeeping there)."""
    path = check_path(path, "path")
    suffix = _suffix(path)
    # A file with NaN or infinity could not be loaded again (load_network refuses it).
    for i, (w, b, ws, bs) in enumerate(net._slots):
        for what, arr in [("weights", w), ("biases", b)] + [("optimizer state", s) for s in ws + bs]:
            if not np.isfinite(arr).all():
                raise InvalidValueError(f"network: the {what} of layer {i} contain NaN or infinite values "
                                        "(training diverged); nothing was saved")
    doc = _meta(net)
    if extra is not None:
        doc["extra"] = extra
    if suffix == ".json":
        doc["params"] = [{"weights": w.tolist(), "biases": b.tolist()} for w, b, _, _ in net._slots]
        doc["optimizer_state"] = [
            {"weights": [s.tolist() for s in ws], "biases": [s.tolist() for s in bs]} for _, _, ws, bs in net._slots
        ]
        atomic_write_text(path, json.dumps(doc, indent=1, allow_nan=False) + "\n")
        return
    arrays = {"meta": np.array(json.dumps(doc, allow_nan=False))}
    for i, (w, b, ws, bs) in enumerate(net._slots):
        arrays[f"params.{i}.weights"] = w
        arrays[f"params.{i}.biases"] = b
        for k, s in enumerate(ws):
            arrays[f"state.{i}.weights.{k}"] = s
        for k, s in enumerate(bs):
            arrays[f"state.{i}.biases.{k}"] = s
    with atomic_write(path, "wb") as fh:
        np.savez(fh, **arrays)


def _array(value, shape, dtype, field: str) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=np.float64) if not isinstance(value, np.ndarray) else value
    except (TypeError, ValueError) as exc:
        raise FileFormatError(f"{field}: expected an array of numbers") from exc
    if arr.dtype.kind != "f":
        raise FileFormatError(f"{field}: expected floating-point values, got dtype {arr.dtype}")
    if arr.shape != tuple(shape):
        raise FileFormatError(f"{field}: expected shape {tuple(shape)}, got {arr.shape}")
    if not np.isfinite(arr).all():
        raise FileFormatError(f"{field}: contains NaN or infinite values")
    return arr.astype(dtype, copy=False)


def _read(path: Path, suffix: str):
    """Return (meta document, getter(kind, layer, part, k) -> raw value)."""
    if suffix == ".json":
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            raise FileFormatError(f"{path}: not a valid pyneural JSON file ({exc})") from exc
        if not isinstance(doc, dict):
            raise FileFormatError(f"{path}: expected a JSON object at the top level")

        def get(kind, i, part, k=None):
            field = "params" if kind == "params" else "optimizer_state"
            try:
                entry = doc[field][i][part]
                return entry if k is None else entry[k]
            except (KeyError, IndexError, TypeError) as exc:
                suffix_k = "" if k is None else f"[{k}]"
                raise FileFormatError(f"{path}: {field}[{i}].{part}{suffix_k} is missing") from exc

        return doc, get
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError, KeyError, RuntimeError) as exc:
        raise FileFormatError(f"{path}: not a valid pyneural .npz file ({exc})") from exc
    meta = arrays.get("meta")
    if meta is None or meta.dtype.kind != "U" or meta.shape != ():
        raise FileFormatError(f"{path}: the 'meta' entry is missing or malformed")
    try:
        doc = json.loads(str(meta))
    except json.JSONDecodeError as exc:
        raise FileFormatError(f"{path}: the 'meta' entry is not valid JSON ({exc})") from exc
    if not isinstance(doc, dict):
        raise FileFormatError(f"{path}: the 'meta' entry must be a JSON object")

    def get(kind, i, part, k=None):
        name = f"params.{i}.{part}" if kind == "params" else f"state.{i}.{part}.{k}"
        if name not in arrays:
            raise FileFormatError(f"{path}: array {name!r} is missing")
        return arrays[name]

    return doc, get


def read_network_file(path):
    """Read and check the envelope of a network file: ``(document, get)``."""
    path = check_path(path, "path")
    suffix = _suffix(path)
    if not path.is_file():
        raise FileFormatError(f"path: no such file {str(path)!r}")
    doc, get = _read(path, suffix)
    if doc.get("format") != FORMAT:
        raise FileFormatError(f"{path}: format: expected {FORMAT!r}, got {doc.get('format')!r}")
    if doc.get("version") != VERSION:
        raise FileFormatError(f"{path}: version: expected {VERSION}, got {doc.get('version')!r}")
    if not isinstance(doc.get("config"), dict) or not isinstance(doc.get("state"), dict):
        raise FileFormatError(f"{path}: 'config' and 'state' must be objects")
    return doc, get


def load_network(path, backend: str | None = None):
    from .network import Network

    path = check_path(path, "path")
    doc, get = read_network_file(path)
    config = dict(doc["config"])
    if backend is not None:
        config["backend"] = backend
    try:
        net = Network.from_config(config)
    except PyneuralError as exc:
        raise FileFormatError(f"{path}: config: {exc}") from exc
    except (TypeError, KeyError, ValueError, AttributeError) as exc:
        raise FileFormatError(f"{path}: config: malformed ({exc!r})") from exc
    apply_state(net, doc, get, path)
    return net


def apply_state(net, doc: dict, get, path) -> None:
    """Validate the parameters, optimizer state and counters of a document against
    ``net``'s architecture, then copy them into ``net`` (nothing changes on error)."""
    state = doc["state"]
    slots = []
    for i, (w, b, ws, bs) in enumerate(net._slots):
        new_w = _array(get("params", i, "weights"), w.shape, net.dtype, f"params[{i}].weights")
        new_b = _array(get("params", i, "biases"), b.shape, net.dtype, f"params[{i}].biases")
        new_ws = [_array(get("state", i, "weights", k), w.shape, net.dtype, f"optimizer_state[{i}].weights[{k}]") for k in range(len(ws))]
        new_bs = [_array(get("state", i, "biases", k), b.shape, net.dtype, f"optimizer_state[{i}].biases[{k}]") for k in range(len(bs))]
        slots.append((new_w, new_b, new_ws, new_bs))
    try:
        epoch, step = state["epoch"], state["step"]
        dropout_seed = state["dropout_seed"]
        rng_state = state["shuffle_rng"]
        if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in (epoch, step, dropout_seed)):
            raise ValueError("epoch, step and dropout_seed must be integers >= 0")
        if epoch >= 2**62 or step >= 2**62:  # the engine counts them in 64-bit integers
            raise ValueError("epoch and step must be < 2**62")
        if dropout_seed >= 2**64:
            raise ValueError("dropout_seed must be < 2**64")
        rng = np.random.Generator(np.random.PCG64())
        rng.bit_generator.state = rng_state  # validates the generator state
    except (KeyError, TypeError, ValueError, OverflowError) as exc:
        raise FileFormatError(f"{path}: state: malformed ({exc})") from exc
    net._shuffle_rng.bit_generator.state = rng.bit_generator.state

    for (w, b, ws, bs), (nw, nb, nws, nbs) in zip(net._slots, slots):
        w[...] = nw
        b[...] = nb
        for s, ns in zip(ws + bs, nws + nbs):
            s[...] = ns
    net.epoch, net.step = epoch, step
    if dropout_seed != net._dropout_seed:
        net._dropout_seed = dropout_seed
        net._build_backend()
