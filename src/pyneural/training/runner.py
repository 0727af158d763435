"""The whole workflow of a model spec: table → pipeline → folds → evaluation,
out-of-fold predictions in original units, and the run folder.

Folds train in parallel threads through joblib (the native engine releases the
GIL); ``n_jobs`` folds at a time, each with ``budget // n_jobs`` engine threads
(the budget is ``pyneural.get_num_threads()``), so folds × threads stay within it. Per fold, the stateful preprocessing
(min/max, one-hot categories) is fit on that fold's training rows only.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .. import __version__
from .._config import get_num_threads, resolve_threads
from .._io import atomic_write, atomic_write_text
from .._validation import check_path
from ..data.pipeline import Pipeline
from ..errors import InvalidTypeError, InvalidValueError
from .cancellation import Cancellation
from .checkpoint import RunCheckpoint
from .evaluation import Evaluation
from .fold import train_fold
from .progress import Progress
from .splitters import make_splitter

__all__ = ["RunResult", "run_spec", "fold_seed"]


def fold_seed(seed: int, fold: int) -> int:
    """The network seed of one fold: distinct per fold, fixed by the run seed.

    Parameters
    ----------
    seed : int
        The spec's ``training.seed``.
    fold : int
        Fold number, from 0.

    Returns
    -------
    int
    """
    return int(np.random.SeedSequence([seed, fold]).generate_state(1, np.uint32)[0])


@dataclass
class RunResult:
    """What a run produced (see :func:`run_spec`).

    Parameters
    ----------
    spec : ModelSpec
        The spec that was trained (with any overrides applied).
    evaluation : Evaluation
        Per-fold, per-epoch records: ``fold_r2``, ``r2_mean``, ``best_fold``,
        ``r2_best``, ``seconds`` and ``to_dict()`` (``evaluation.json``).
    predictions : DataFrame
        The input table (original columns and index) plus ``pred_<target>`` in
        original units: out-of-fold for k-fold runs, so every row has one; a
        split run fills only the validation rows (the rest are NaN), as do rows
        the outlier filter removed.
    networks : list of Network
        The trained network of each fold.
    pipelines : list of Pipeline
        The fitted preprocessing of each fold (fit on its training rows).
    data_path : str, optional
        Where the table came from, recorded in ``run.json``.
    """

    spec: object
    evaluation: Evaluation
    predictions: pd.DataFrame  # original columns + pred_<target>, original units, every input row
    networks: list  # the trained network of each fold
    pipelines: list  # the fitted pipeline of each fold
    data_path: str | None = None

    @property
    def best_fold(self):
        """Index of the fold with the highest final validation R² (None if none is finite)."""
        return self.evaluation.best_fold

    @property
    def best_network(self):
        """The best fold's trained network (None if there is no best fold)."""
        best = self.best_fold
        return None if best is None else self.networks[best]

    def save(self, out_dir) -> Path:
        """Write the run folder that ``pyneural predict``, ``importance``, ``plot`` and ``report`` read.

        Files: ``spec.json``, ``evaluation.json``, ``predictions.csv``,
        ``best_params.json`` and ``.npz`` (the best fold's network),
        ``pipeline.json`` (its fitted preprocessing) and ``run.json``. Each is
        written atomically (a temporary file, then a rename).

        Parameters
        ----------
        out_dir : str or os.PathLike
            Created if missing; existing files of the same names are replaced.

        Returns
        -------
        pathlib.Path
            ``out_dir``.
        """
        out = check_path(out_dir, "out_dir")
        if out.exists() and not out.is_dir():
            raise InvalidValueError(f"out: {str(out)!r} exists and is not a directory")
        out.mkdir(parents=True, exist_ok=True)
        self.spec.to_json(out / "spec.json")
        atomic_write_text(out / "evaluation.json", json.dumps(self.evaluation.to_dict(), indent=1) + "\n")
        with atomic_write(out / "predictions.csv", "w", encoding="utf-8") as fh:
            self.predictions.to_csv(fh, index=False)
        best = self.best_fold
        if best is not None:
            self.networks[best].save(out / "best_params.json")
            self.networks[best].save(out / "best_params.npz")
            atomic_write_text(out / "pipeline.json", json.dumps(self.pipelines[best].get_state(), indent=1) + "\n")
        run_info = {"pyneural_version": __version__, "data": self.data_path, "best_fold": best,
                    "r2_mean": self.evaluation.r2_mean, "seconds": self.evaluation.seconds}
        atomic_write_text(out / "run.json", json.dumps(run_info, indent=1) + "\n")
        return out


def _plan_jobs(n_folds: int, n_jobs, n_threads=None) -> tuple[int, int]:
    """(folds at once, engine threads per fold) with folds × threads within the
    thread budget (``get_num_threads()``), unless ``n_threads`` is given."""
    budget = get_num_threads()
    jobs = min(n_folds, budget) if n_jobs is None else min(n_folds, resolve_threads(n_jobs, "n_jobs"))
    threads = max(1, budget // jobs) if n_threads is None else resolve_threads(n_threads)
    return jobs, threads


def run_spec(spec, data: pd.DataFrame, *, n_jobs=None, verbose: int = 1, on_epoch_end=None,
             backend: str = "native", cache_dir=None, data_path=None, epochs: int | None = None,
             on_divergence: str = "raise", checkpoint=None, checkpoint_every: int = 10,
             n_threads=None, _cancellation=None) -> RunResult:
    """Train ``spec`` on the table ``data`` with its trainer (k-fold or split).

    The stateless preprocessing and the outlier filter run once on the whole
    table; each fold then fits its own one-hot categories and min/max on its
    training rows, builds the spec's network with its own seed and trains.
    Folds run in parallel threads.

    Parameters
    ----------
    spec : ModelSpec
        What to train (dataset, network, training settings).
    data : DataFrame
        The raw table (columns as in the dataset spec).
    n_jobs : int, optional
        Folds trained at once (threads); default: as many as the thread budget
        (``pyneural.get_num_threads()``, which follows ``set_num_threads`` and
        ``OMP_NUM_THREADS``), and never more than there are folds.
    n_threads : int, optional
        Engine threads of each fold; default: the thread budget divided by the
        folds running at once, so folds × threads stay within the budget.
    verbose : int
        0 silent; 1 a progress bar (folds × epochs) when stderr is a terminal.
    on_epoch_end : callable, optional
        ``on_epoch_end(fold, epoch, metrics)``; ``metrics`` has ``train_loss``,
        ``val_loss``, ``val_loss_std`` and ``r2`` (``None`` when not computed).
        Returning True stops that fold.
    backend : {"native", "numpy"}
        The C++ engine or the NumPy reference.
    cache_dir : str or os.PathLike, optional
        Cache the stateless preprocessing there (see :class:`~pyneural.Pipeline`).
    data_path : str, optional
        Recorded in ``run.json`` so ``pyneural importance``/``plot`` find the data.
    epochs : int, optional
        Overrides the spec's epoch count.
    on_divergence : {"raise", "stop"}
        A fold whose loss becomes NaN or infinite raises
        :class:`~pyneural.errors.TrainingDivergedError` naming the fold and epoch,
        or stops with its last finite parameters (``stopped == "diverged"`` in its
        evaluation).
    checkpoint : str or path, optional
        A directory where each fold checkpoints its training every
        ``checkpoint_every`` epochs and stores its result when done; running the
        same spec on the same data with the same directory resumes an interrupted
        run, bit for bit.

    Returns
    -------
    RunResult
        Evaluation, out-of-fold predictions in original units, every fold's
        network and pipeline; ``result.save(dir)`` writes the run folder.

    Examples
    --------
    >>> import pyneural as pn
    >>> spec = pn.ModelSpec.from_dict({
    ...     "dataset": pn.datasets.king_county_spec().to_dict(),
    ...     "network": {"layers": [{"units": 16, "activation": "relu"}, {"units": "outputs"}]},
    ...     "training": {"epochs": 3, "batch_size": 64, "trainer": {"kfolds": 2}}})
    >>> result = pn.run_spec(spec, pn.datasets.synthetic_housing(n_rows=500), verbose=0)
    >>> len(result.evaluation.folds), len(result.predictions)
    (2, 500)
    """
    from joblib import Parallel, delayed

    from ..model_spec import ModelSpec

    if not isinstance(spec, ModelSpec):
        raise InvalidTypeError(f"spec: expected a pyneural.ModelSpec, got {type(spec).__name__}")
    if not isinstance(data, pd.DataFrame):
        raise InvalidTypeError(f"data: expected a pandas DataFrame, got {type(data).__name__}")
    training = spec.training
    epochs = training.epochs if epochs is None else epochs
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise InvalidValueError(f"epochs: expected an integer >= 1, got {epochs!r}")
    if on_epoch_end is not None and not callable(on_epoch_end):
        raise InvalidTypeError(f"on_epoch_end: expected a function(fold, epoch, metrics), got "
                               f"{type(on_epoch_end).__name__}")
    start = time.perf_counter()
    pipeline = Pipeline(spec.dataset, cache_dir=cache_dir)
    table = pipeline.prepare(data)
    splits = make_splitter(training.trainer).splits(len(table), training.seed)
    jobs, threads = _plan_jobs(len(splits), n_jobs, n_threads)
    dtype = spec.network.dtype

    progress = Progress(len(splits) * epochs, verbose=verbose, desc=spec.name)
    store = None if checkpoint is None else RunCheckpoint(checkpoint, spec, data, epochs)

    cancellation = _cancellation if _cancellation is not None else Cancellation()

    def one_fold(fold, train_rows, val_rows):
        with cancellation.running():
            return train_one_fold(fold, train_rows, val_rows)

    def train_one_fold(fold, train_rows, val_rows):
        fold_pipe = pipeline.fit_stateful(table.iloc[train_rows])
        x_tr, y_tr, _ = fold_pipe.to_arrays(fold_pipe.transform_stateful(table.iloc[train_rows]), dtype)
        x_va, y_va, _ = fold_pipe.to_arrays(fold_pipe.transform_stateful(table.iloc[val_rows]), dtype)
        net = spec.build_network(x_tr.shape[1], y_tr.shape[1], seed=fold_seed(training.seed, fold),
                                 backend=backend, n_threads=threads)
        result = None if store is None else store.finished_fold(fold, net, x_va, y_va)
        if result is None:
            result = train_fold(net, fold, x_tr, y_tr, x_va, y_va, epochs=epochs, batch_size=training.batch_size,
                                validate_every_epoch=training.validation == "every_epoch",
                                on_epoch_end=on_epoch_end, progress=progress, on_divergence=on_divergence,
                                checkpoint=None if store is None else store.fold_dir(fold),
                                checkpoint_every=checkpoint_every, cancellation=cancellation)
            if store is not None:
                store.save_fold(result, net)
        preds = fold_pipe.inverse_outputs(result.predictions, index=table.index[val_rows])
        return result, preds, net, fold_pipe

    with progress:
        try:
            outcomes = Parallel(n_jobs=jobs, backend="threading")(
                delayed(one_fold)(i, tr, va) for i, (tr, va) in enumerate(splits))
        except BaseException:
            # Ctrl-C, or one fold's error: stop the other folds (each within an
            # epoch) before leaving, so none is still in the engine at exit.
            cancellation.cancel_and_wait()
            raise

    evaluation = Evaluation([o[0].evaluation for o in outcomes], time.perf_counter() - start)
    oof = pd.concat([o[1] for o in outcomes])
    # Join on the row index (the pipeline keeps it): ids can repeat in real data
    # (King County lists houses sold twice), rows cannot.
    predictions = data.copy()
    for col in oof.columns:
        predictions[f"pred_{col}"] = oof[col].reindex(data.index)
    return RunResult(spec, evaluation, predictions, [o[2] for o in outcomes], [o[3] for o in outcomes],
                     None if data_path is None else str(data_path))
