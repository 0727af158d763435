"""Hyperparameter sweeps over a model spec, dispatched through joblib.

``sweep(spec, grid, data)`` trains every combination of the grid. Each
combination is one task handed to ``joblib.Parallel``, so any joblib backend runs
them: threads by default (the engine releases the GIL), processes with
``joblib.parallel_config(backend="loky")``, or a Dask or Ray cluster::

    from dask.distributed import Client
    import joblib
    client = Client("tcp://scheduler:8786")          # a real cluster's scheduler
    with joblib.parallel_config(backend="dask"):
        table = pn.sweep(spec, grid, data)

A task carries the spec as plain JSON and the table; it returns only numbers, so
nothing heavy travels back. Results do not depend on the backend: training is
deterministic for a given seed whatever the thread count.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Mapping

import pandas as pd

from .._config import resolve_threads
from ..errors import InvalidTypeError, SpecError
from .cancellation import Cancellation

__all__ = ["expand_grid", "sweep"]


def _set_path(d: dict, path: str, value) -> None:
    node = d
    # "network.layers[0].units" (as errors print it) and "network.layers.0.units"
    keys = path.replace("[", ".").replace("]", "").split(".")
    for i, key in enumerate(keys[:-1]):
        if isinstance(node, list):
            try:
                node = node[int(key)]
            except (ValueError, IndexError):
                raise SpecError(".".join(keys[: i + 1]), "no such list element in the spec") from None
        elif isinstance(node, dict) and key in node and isinstance(node[key], (dict, list)):
            node = node[key]
        else:
            raise SpecError(".".join(keys[: i + 1]), "no such object in the spec")
    last = keys[-1]
    if isinstance(node, list):
        try:
            node[int(last)] = value
        except (ValueError, IndexError):
            raise SpecError(path, "no such list element in the spec") from None
    else:
        node[last] = value


def expand_grid(spec, grid: Mapping) -> list[tuple[dict, object]]:
    """Every combination of a grid applied to a spec.

    Parameters
    ----------
    spec : ModelSpec
        The base spec.
    grid : mapping of str to list
        ``{"json.path": [values, ...]}``; a path walks the spec's JSON form with
        dots, list elements by number (``"network.layers.0.units"``).

    Returns
    -------
    list of (dict, ModelSpec)
        ``(parameters, spec)`` per combination, in ``itertools.product`` order.

    Raises
    ------
    pyneural.errors.SpecError
        For a path that does not exist or a value the spec rejects; each
        combination is re-validated, so the message names the JSON path.
    """
    from ..model_spec import ModelSpec

    if not isinstance(grid, Mapping) or not grid:
        raise InvalidTypeError(f"grid: expected a non-empty mapping of JSON paths to value lists, got {grid!r}")
    for path, values in grid.items():
        if not isinstance(path, str) or not isinstance(values, (list, tuple)) or not values:
            raise SpecError(f"grid.{path}", f"expected a non-empty list of values, got {values!r}")
    base = spec.to_dict()
    out = []
    for combo in itertools.product(*grid.values()):
        params = dict(zip(grid.keys(), combo))
        d = json.loads(json.dumps(base))
        for path, value in params.items():
            _set_path(d, path, value)
        out.append((params, ModelSpec.from_dict(d)))
    return out


def _run_one(spec_json: str, data: pd.DataFrame, n_jobs, epochs, cancellation=None) -> dict:
    from ..model_spec import ModelSpec
    from .runner import run_spec

    spec = ModelSpec.from_json_str(spec_json)
    # Parallelism is across combinations: each fold trains on one engine thread.
    result = run_spec(spec, data, n_jobs=n_jobs, verbose=0, epochs=epochs, n_threads=1, _cancellation=cancellation)
    ev = result.evaluation
    row = {"r2_mean": ev.r2_mean, "r2_best": ev.r2_best, "best_fold": ev.best_fold, "seconds": ev.seconds,
           "fold_r2": json.dumps([None if r is None or not math.isfinite(r) else r for r in ev.fold_r2])}
    if ev.accuracy_mean is not None:
        row["accuracy_mean"] = ev.accuracy_mean
    return row


def sweep(spec, grid: Mapping, data: pd.DataFrame, *, n_jobs=None, folds_n_jobs: int | None = 1,
          epochs: int | None = None) -> pd.DataFrame:
    """Train ``spec`` for every combination of ``grid`` and rank them.

    Each combination is one ``joblib`` task, so the active joblib backend
    decides where it runs: threads by default, processes with
    ``joblib.parallel_config(backend="loky")``, a Dask cluster with
    ``backend="dask"`` (after creating a ``dask.distributed.Client``) or Ray
    with ``ray.util.joblib.register_ray()`` and ``backend="ray"``.

    Parameters
    ----------
    spec : ModelSpec
        The base spec; every combination is a copy with the grid's values set.
    grid : mapping of str to list
        JSON paths into the spec (list elements as ``layers[0]`` or ``layers.0``)
        and the values to try, e.g.
        ``{"network.optimizer.learning_rate": [0.01, 0.1], "training.batch_size": [64, 128]}``.
    data : DataFrame
        The raw table.
    n_jobs : int, optional
        Combinations trained at once by the active joblib backend (threads unless
        ``joblib.parallel_config`` says otherwise); default: all workers (-1).
    folds_n_jobs : int, optional
        Folds trained at once inside each combination (default 1). Each fold
        trains on one engine thread, so at most ``n_jobs × folds_n_jobs`` engine
        threads run at once.
    epochs : int, optional
        Overrides every combination's epoch count (quick sweeps).

    Returns
    -------
    DataFrame
        One row per combination: the grid values, ``r2_mean``, ``r2_best``,
        ``best_fold``, ``seconds``, ``fold_r2`` (JSON list), and ``accuracy_mean``
        for classifiers; sorted by ``r2_mean`` (best first).
    """
    from joblib import Parallel, delayed

    combos = expand_grid(spec, grid)
    n_jobs = -1 if n_jobs is None else resolve_threads(n_jobs, "n_jobs")
    if folds_n_jobs is not None:
        resolve_threads(folds_n_jobs, "folds_n_jobs")
    cancellation = Cancellation()
    tasks = (delayed(_run_one)(s.to_json(), data, folds_n_jobs, epochs, cancellation) for _, s in combos)
    try:
        rows = Parallel(n_jobs=n_jobs, prefer="threads")(tasks)
    except BaseException:
        cancellation.cancel_and_wait()  # see training.cancellation
        raise
    table = pd.DataFrame([{**params, **row} for (params, _), row in zip(combos, rows)])
    return table.sort_values("r2_mean", ascending=False, kind="stable").reset_index(drop=True)
