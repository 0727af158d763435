"""Plots of a run: learning curves, predictions against the truth, maps, feature
distributions and importance. Each function returns a matplotlib ``Figure``;
axes use original units and column names.

Requires matplotlib (``pip install "pyneural[plot]"``). ``evaluation`` arguments
take an :class:`~pyneural.training.Evaluation`; ``predictions`` a DataFrame with
the original columns and ``pred_<target>`` (``predictions.csv`` of a run).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import InvalidTypeError, InvalidValueError

__all__ = [
    "plot_loss", "plot_r2", "plot_predicted_vs_true", "plot_feature", "plot_map", "plot_boxplots",
    "plot_importance",
]


def _plt():
    try:
        import matplotlib

        if matplotlib.get_backend().lower() not in ("agg", "module://matplotlib_inline.backend_inline"):
            import matplotlib.pyplot as plt  # noqa: F401 - respect an interactive backend
        from matplotlib.figure import Figure
    except ImportError as exc:  # pragma: no cover
        raise ImportError('plotting needs matplotlib: pip install "pyneural[plot]"') from exc
    return Figure


def _figure(size=(7, 4.5)):
    Figure = _plt()
    fig = Figure(figsize=size, layout="constrained")
    return fig, fig.add_subplot()


def _check_evaluation(evaluation):
    from .training.evaluation import Evaluation

    if not isinstance(evaluation, Evaluation):
        raise InvalidTypeError("evaluation: expected a pyneural Evaluation (RunResult.evaluation or a loaded "
                               f"run's .evaluation), got {type(evaluation).__name__}")
    if not evaluation.folds:
        raise InvalidValueError("evaluation: has no folds")


def _check_frame(df, name: str):
    if not isinstance(df, pd.DataFrame):
        raise InvalidTypeError(f"{name}: expected a pandas DataFrame, got {type(df).__name__}")


def _check_column_name(value, name: str):
    if not isinstance(value, str):
        raise InvalidTypeError(f"{name}: expected a column name (str), got {type(value).__name__}")


def _curves(evaluation, key):
    """(epochs, folds) array of ``key`` per epoch, NaN where not computed."""
    _check_evaluation(evaluation)
    n = max(len(f.epochs) for f in evaluation.folds)
    out = np.full((n, len(evaluation.folds)), np.nan)
    for j, fold in enumerate(evaluation.folds):
        for i, rec in enumerate(fold.epochs):
            value = getattr(rec, key)
            out[i, j] = np.nan if value is None else value
    return out


def plot_loss(evaluation):
    """Training and validation loss over epochs: mean across folds and the min–max band.

    The loss axis is logarithmic and in model units (after the pipeline).

    Parameters
    ----------
    evaluation : Evaluation
        A run's per-epoch records: ``RunResult.evaluation`` (from
        :func:`pyneural.run_spec`) or the ``evaluation`` of a loaded run folder.

    Returns
    -------
    matplotlib.figure.Figure
        A figure not attached to pyplot; save it with ``fig.savefig(path)``.
    """
    fig, ax = _figure()
    for key, label, color in (("train_loss", "training", "tab:blue"), ("val_loss", "validation", "tab:red")):
        curves = _curves(evaluation, key)
        epochs = np.arange(1, len(curves) + 1)
        ok = ~np.isnan(curves).all(axis=1)
        if not ok.any():
            continue
        with np.errstate(all="ignore"):
            mean = np.nanmean(curves[ok], axis=1)
            lo, hi = np.nanmin(curves[ok], axis=1), np.nanmax(curves[ok], axis=1)
        ax.plot(epochs[ok], mean, color=color, label=f"{label} (mean of {curves.shape[1]} folds)",
                marker="o" if ok.sum() < 3 else None)
        ax.fill_between(epochs[ok], lo, hi, color=color, alpha=0.2, label=f"{label} (min–max)")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss (model units)")
    ax.set_title("Loss over epochs")
    ax.legend()
    return fig


def plot_r2(evaluation):
    """Validation R² of each fold over epochs (model units), one line per fold.

    Parameters
    ----------
    evaluation : Evaluation
        A run's per-epoch records: ``RunResult.evaluation`` (from
        :func:`pyneural.run_spec`) or the ``evaluation`` of a loaded run folder.

    Returns
    -------
    matplotlib.figure.Figure
        A figure not attached to pyplot; save it with ``fig.savefig(path)``.
    """
    fig, ax = _figure()
    curves = _curves(evaluation, "r2")
    epochs = np.arange(1, len(curves) + 1)
    for j in range(curves.shape[1]):
        ok = ~np.isnan(curves[:, j])
        ax.plot(epochs[ok], curves[ok, j], label=f"fold {j} (final {evaluation.folds[j].r2:.3f})",
                marker="o" if ok.sum() < 3 else None)
    ax.set_xlabel("epoch")
    ax.set_ylabel("validation R²")
    ax.set_ylim(max(-0.1, np.nanmin(curves) if np.isfinite(curves).any() else 0), 1.0)
    ax.set_title("R² per fold over epochs")
    ax.legend(fontsize="small", ncols=2)
    return fig


def _target(predictions, target):
    _check_frame(predictions, "predictions")
    if target is not None:
        _check_column_name(target, "target")
    if target is None:
        preds = [c for c in predictions.columns if c.startswith("pred_")]
        if not preds:
            raise InvalidValueError("predictions: no pred_<target> column")
        target = preds[0][len("pred_"):]
    for col in (target, f"pred_{target}"):
        if col not in predictions.columns:
            raise InvalidValueError(f"predictions: column {col!r} is missing")
    rows = predictions.dropna(subset=[target, f"pred_{target}"])
    return target, rows


def plot_predicted_vs_true(predictions, target=None, log=None):
    """Predicted against true values, with the y = x line.

    Parameters
    ----------
    predictions : DataFrame
        The original columns plus ``pred_<target>`` in original units
        (``RunResult.predictions`` or a run's ``predictions.csv``); rows without a
        prediction are skipped.
    target : str, optional
        The predicted column; by default the first ``pred_*`` column's target.
    log : bool, optional
        Logarithmic axes; by default they are used when every value is positive
        and the largest is more than 100 times the smallest (prices).

    Returns
    -------
    matplotlib.figure.Figure
        A figure not attached to pyplot; save it with ``fig.savefig(path)``.
    """
    target, rows = _target(predictions, target)
    if log is not None and not isinstance(log, (bool, np.bool_)):
        raise InvalidTypeError(f"log: expected True, False or None, got {type(log).__name__}")
    fig, ax = _figure((6, 6))
    t, p = rows[target].to_numpy(float), rows[f"pred_{target}"].to_numpy(float)
    ax.scatter(t, p, s=3, alpha=0.3, color="tab:blue", label=f"{len(rows)} rows (out of fold)")
    lo, hi = min(t.min(), p.min()), max(t.max(), p.max())
    ax.plot([lo, hi], [lo, hi], color="tab:red", lw=1, label="y = x")
    if log if log is not None else (lo > 0 and hi / lo > 100):
        ax.set_xscale("log")
        ax.set_yscale("log")
    ax.set_xlabel(f"true {target}")
    ax.set_ylabel(f"predicted {target}")
    ax.set_title(f"Predicted vs true {target}")
    ax.legend()
    return fig


def plot_feature(predictions, feature, target=None):
    """Prediction and truth against one input feature, in original units.

    Parameters
    ----------
    predictions : DataFrame
        The original columns plus ``pred_<target>`` in original units
        (``RunResult.predictions`` or a run's ``predictions.csv``); rows without a
        prediction are skipped.
    feature : str
        A column of ``predictions`` (``date`` strings are parsed as dates, other
        text columns are shown as category codes).
    target : str, optional
        The predicted column; by default the first ``pred_*`` column's target.

    Returns
    -------
    matplotlib.figure.Figure
        A figure not attached to pyplot; save it with ``fig.savefig(path)``.
    """
    target, rows = _target(predictions, target)
    _check_column_name(feature, "feature")
    if feature not in rows.columns:
        raise InvalidValueError(f"feature: column {feature!r} is not in the predictions")
    fig, ax = _figure()
    x = rows[feature]
    if not pd.api.types.is_numeric_dtype(x):
        x = pd.to_datetime(x, errors="coerce") if feature == "date" else x.astype("category").cat.codes
    ax.scatter(x, rows[target], s=3, alpha=0.3, color="tab:red", label=f"true {target}")
    ax.scatter(x, rows[f"pred_{target}"], s=3, alpha=0.3, color="tab:blue", label=f"predicted {target}")
    if (rows[target] > 0).all() and rows[target].max() / max(rows[target].min(), 1e-300) > 100:
        ax.set_yscale("log")
    ax.set_xlabel(feature)
    ax.set_ylabel(target)
    ax.set_title(f"{target} against {feature}")
    ax.legend(markerscale=4)
    return fig


def plot_map(predictions, target=None, by="value", lat="lat", long="long"):
    """Latitude/longitude scatter coloured by the true value or the relative error.

    Parameters
    ----------
    predictions : DataFrame
        The original columns plus ``pred_<target>`` in original units
        (``RunResult.predictions`` or a run's ``predictions.csv``); rows without a
        prediction are skipped.
    target : str, optional
        The predicted column; by default the first ``pred_*`` column's target.
    by : {"value", "error"}
        ``"value"``: colour by the true target (log colour scale when positive);
        ``"error"``: by ``(predicted - true) / |true|``, the colour range clipped
        at the 95th percentile of the absolute error.
    lat, long : str
        Names of the latitude and longitude columns.

    Returns
    -------
    matplotlib.figure.Figure
        A figure not attached to pyplot; save it with ``fig.savefig(path)``.
    """
    target, rows = _target(predictions, target)
    for col, name in ((lat, "lat"), (long, "long")):
        _check_column_name(col, name)
        if col not in rows.columns:
            raise InvalidValueError(f"predictions: column {col!r} is missing (lat/long needed for a map)")
    if not isinstance(by, str) or by not in ("value", "error"):
        raise InvalidValueError(f"by: expected 'value' or 'error', got {by!r}")
    fig, ax = _figure((7, 6))
    if by == "value":
        c = rows[target].to_numpy(float)
        norm = None
        if (c > 0).all():
            from matplotlib.colors import LogNorm

            norm = LogNorm()
        sc = ax.scatter(rows[long], rows[lat], c=c, s=2, cmap="viridis", norm=norm)
        fig.colorbar(sc, ax=ax, label=target)
        ax.set_title(f"{target} by location")
    else:
        err = (rows[f"pred_{target}"] - rows[target]) / rows[target].abs().clip(lower=1e-12)
        lim = float(np.nanpercentile(np.abs(err), 95)) or 1.0
        sc = ax.scatter(rows[long], rows[lat], c=err, s=2, cmap="coolwarm", vmin=-lim, vmax=lim)
        fig.colorbar(sc, ax=ax, label=f"relative error of predicted {target}")
        ax.set_title("Prediction error by location")
    ax.set_xlabel(long)
    ax.set_ylabel(lat)
    return fig


def plot_boxplots(before: pd.DataFrame, after: pd.DataFrame, columns=None):
    """Box plots of each feature before (red) and after (blue) the pipeline.

    Each feature gets its own panel, with one axis per box, because the units differ.

    Parameters
    ----------
    before : DataFrame
        The raw table.
    after : DataFrame
        The same rows after the pipeline (``Pipeline.transform`` or
        ``transform_stateful`` output).
    columns : list of str, optional
        Columns to show; by default every numeric column present in both tables.

    Returns
    -------
    matplotlib.figure.Figure
        A figure not attached to pyplot; save it with ``fig.savefig(path)``.
    """
    _check_frame(before, "before")
    _check_frame(after, "after")
    if columns is None:
        columns = [c for c in after.columns if c in before.columns and pd.api.types.is_numeric_dtype(before[c])
                   and pd.api.types.is_numeric_dtype(after[c])]
    elif isinstance(columns, (str, bytes)) or not isinstance(columns, (list, tuple)):
        raise InvalidTypeError(f"columns: expected a list of column names, got {type(columns).__name__}")
    else:
        missing = [c for c in columns if c not in before.columns or c not in after.columns]
        if missing:
            raise InvalidValueError(f"columns: {missing} are not in both tables")
    if not columns:
        raise InvalidValueError("columns: no numeric column is in both tables")
    n = len(columns)
    ncols = min(6, n)
    nrows = int(np.ceil(n / ncols))
    Figure = _plt()
    fig = Figure(figsize=(2.2 * ncols, 2.6 * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for ax, col in zip(axes.flat, columns):
        b = before[col].dropna().to_numpy(float)
        a = after[col].dropna().to_numpy(float)
        bp = ax.boxplot([b], positions=[0], widths=0.6, patch_artist=True, showfliers=True,
                        flierprops={"markersize": 1})
        for patch in bp["boxes"]:
            patch.set_facecolor("tab:red")
        twin = ax.twinx()
        ap = twin.boxplot([a], positions=[1], widths=0.6, patch_artist=True, showfliers=True,
                          flierprops={"markersize": 1})
        for patch in ap["boxes"]:
            patch.set_facecolor("tab:blue")
        ax.set_xticks([0, 1], ["raw", "after"])
        ax.set_title(col, fontsize="small")
        ax.tick_params(labelsize="x-small")
        twin.tick_params(labelsize="x-small", colors="tab:blue")
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    fig.suptitle("Feature distributions before (red, left axis) and after (blue, right axis) the pipeline")
    return fig


def plot_importance(importance, top=None):
    """Horizontal bars of relative permutation importance (percent), largest on top.

    Parameters
    ----------
    importance : PermutationImportance or DataFrame
        A :class:`~pyneural.inspection.PermutationImportance`, or a table with
        ``feature`` and ``relative_percent`` columns (a run's ``importance.csv``).
    top : int, optional
        Show only the ``top`` most important features; by default all.

    Returns
    -------
    matplotlib.figure.Figure
        A figure not attached to pyplot; save it with ``fig.savefig(path)``.
    """
    from .inspection import PermutationImportance

    if isinstance(importance, PermutationImportance):
        frame = importance.to_frame()
    elif isinstance(importance, pd.DataFrame):
        frame = importance
    else:
        raise InvalidTypeError("importance: expected a PermutationImportance or a DataFrame, got "
                               f"{type(importance).__name__}")
    for col in ("feature", "relative_percent"):
        if col not in frame.columns:
            raise InvalidValueError(f"importance: column {col!r} is missing")
    frame = frame.sort_values("relative_percent", ascending=True)
    if top is not None:
        from ._validation import check_positive_int

        frame = frame.tail(check_positive_int(top, "top"))
    fig, ax = _figure((7, max(3, 0.25 * len(frame) + 1)))
    ax.barh(frame["feature"], frame["relative_percent"], color="tab:blue")
    ax.set_xlabel("relative importance (% of the summed R² drop)")
    ax.set_title("Permutation feature importance")
    ax.tick_params(axis="y", labelsize="small")
    return fig
