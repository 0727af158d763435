"""Analysis of a saved run (a ``pyneural train`` folder): predictions on new
tables, permutation importance on the data it was trained on, and its plots."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .errors import InvalidValueError

__all__ = ["model_inputs", "predict_table", "importance_for_run", "plots_for_run"]


def model_inputs(run, table: pd.DataFrame, *, keep_all_rows: bool = True):
    """The best fold's preprocessing applied to ``table``: ``(Arrays, pipeline)``.

    With ``keep_all_rows`` the outlier filter is not applied (every row gets a
    prediction); target columns absent from ``table`` (new data to predict) are
    filled with a placeholder that the pipeline accepts and that is never used.
    """
    pipe = run.pipeline()
    table = table.copy()
    for name in pipe.plan.raw:
        feat = run.spec.dataset.features[name]
        if name not in table.columns and feat.role in ("output", "id"):
            table[name] = 1.0 if feat.role == "output" else np.arange(len(table)).astype(str)
    rows = pipe.transform_stateless(table)
    if not keep_all_rows and pipe.outlier_filter is not None:
        rows = pipe.outlier_filter.transform(rows)
    arrays = pipe.to_arrays(pipe.transform_stateful(rows), run.spec.network.dtype)
    return arrays, pipe


def predict_table(run, table: pd.DataFrame) -> pd.DataFrame:
    """``table`` plus ``pred_<target>`` columns in original units, one per row."""
    arrays, pipe = model_inputs(run, table)
    preds = pipe.inverse_outputs(run.network().predict(arrays.X), index=table.index)
    out = table.copy()
    for col in preds.columns:
        out[f"pred_{col}"] = preds[col]
    return out


def importance_for_run(run, data: pd.DataFrame | None = None, *, n_repeats: int = 10, seed: int = 0,
                       n_jobs=None):
    """Permutation importance (R² drop, model units) of each model input of the
    run's best network, on ``data`` (default: the table the run was trained on)."""
    from .inspection import permutation_importance

    table = run.load_data() if data is None else data
    missing = [c for c in run.spec.dataset.output_names() if c not in table.columns]
    if missing:
        raise InvalidValueError(f"data: importance needs the target column(s) {missing}")
    arrays, _ = model_inputs(run, table, keep_all_rows=False)
    return permutation_importance(run.network(), arrays.X, arrays.y, n_repeats=n_repeats, random_state=seed,
                                  n_jobs=n_jobs, feature_names=arrays.input_names)


# Features shown against the prediction when the table has them (the report's figures 21-27).
_FEATURES = ("sqft_living", "grade", "lat", "long", "yr_built", "date")


def plots_for_run(run, out_dir, data: pd.DataFrame | None = None) -> list[Path]:
    """Write the run's charts as PNG files under ``out_dir``; returns their paths."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from . import plotting
    from ._io import atomic_write

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    figures = {"loss": plotting.plot_loss(run.evaluation), "r2": plotting.plot_r2(run.evaluation)}
    preds = run.predictions
    for target in run.targets:
        figures[f"predicted_vs_true_{target}"] = plotting.plot_predicted_vs_true(preds, target)
        if {"lat", "long"} <= set(preds.columns):
            figures[f"map_{target}"] = plotting.plot_map(preds, target, by="value")
            figures[f"map_error_{target}"] = plotting.plot_map(preds, target, by="error")
        for feature in _FEATURES:
            if feature in preds.columns:
                figures[f"{target}_vs_{feature}"] = plotting.plot_feature(preds, feature, target)
    try:
        table = run.load_data() if data is None else data
    except (OSError, ValueError):
        table = None  # the training data moved: the box plots are skipped
    if table is not None:
        pipe = run.pipeline()
        after = pipe.transform_stateful(pipe.transform_stateless(table))
        model_cols = [c for c in pipe.input_names() + pipe.output_names() if c in table.columns]
        figures["boxplots"] = plotting.plot_boxplots(table, after, model_cols)
    importance_csv = Path(run.path) / "importance.csv"
    if importance_csv.is_file():
        figures["importance"] = plotting.plot_importance(pd.read_csv(importance_csv))
    paths = []
    for name, fig in figures.items():
        path = out / f"{name}.png"
        with atomic_write(path, "wb") as fh:
            fig.savefig(fh, format="png", dpi=110)
        paths.append(path)
    return paths
