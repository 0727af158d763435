"""A self-contained HTML report of a run: spec summary, per-fold table, every
chart embedded as a data URI, and the importance table. It opens offline."""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path

import pandas as pd

__all__ = ["build_report"]

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; color: #222; }
table { border-collapse: collapse; margin: 1rem 0; } td, th { border: 1px solid #ccc; padding: .25rem .6rem; }
th { background: #f3f3f3; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { display: inline-block; margin: .5rem; } img { max-width: 33rem; border: 1px solid #eee; }
pre { background: #f7f7f7; padding: .8rem; overflow-x: auto; font-size: .8rem; }
"""


def _table(rows, header) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="num">{v:.4f}</td>' if isinstance(v, float) else f"<td>{html.escape(str(v))}</td>"
            for v in row)
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def build_report(run, plot_paths) -> str:
    """The report's HTML text for a :class:`~pyneural.training.run_folder.SavedRun`."""
    spec, ev = run.spec, run.evaluation
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
             f"<title>pyneural run: {html.escape(spec.name)}</title><style>{_STYLE}</style></head><body>",
             f"<h1>Run <code>{html.escape(spec.name)}</code></h1>"]
    layers = ", ".join(f"{l.repeat}×{l.units} {l.activation}" if l.repeat > 1 else f"{l.units} {l.activation}"
                       for l in spec.network.layers)
    summary = [
        ("data", run.data_source or "unknown"),
        ("inputs", ", ".join(spec.dataset.input_names()) if all(not f.one_hot for f in spec.dataset.features.values()) else "see spec"),
        ("outputs", ", ".join(spec.dataset.output_names())),
        ("layers", layers),
        ("optimizer", json.dumps(spec.network.optimizer)),
        ("training", json.dumps(spec.training.to_dict())),
        ("mean R²", f"{ev.r2_mean:.4f}" if ev.r2_mean is not None else "n/a"),
        ("best fold", f"{ev.best_fold} (R² {ev.r2_best:.4f})" if ev.best_fold is not None else "n/a"),
        ("time", f"{ev.seconds:.1f} s"),
    ]
    parts.append("<h2>Summary</h2>" + _table(summary, ["", ""]))
    fold_rows = []
    for i, fold in enumerate(ev.folds):
        last = fold.epochs[-1] if fold.epochs else None
        fold_rows.append((i, fold.r2 if fold.r2 is not None else "n/a",
                          last.train_loss if last else "n/a",
                          last.val_loss if last and last.val_loss is not None else "n/a",
                          len(fold.epochs), fold.stopped or ""))
    parts.append("<h2>Folds</h2>" + _table(fold_rows, ["fold", "final R²", "final train loss", "final val loss",
                                                       "epochs", "stopped"]))
    for target in run.targets:
        both = run.predictions[[target, f"pred_{target}"]].dropna()
        if len(both) > 1:
            from .metrics import mean_absolute_error, r2_score

            parts.append(f"<p>Out-of-fold predictions of <b>{html.escape(target)}</b> in original units "
                         f"({len(both)} rows): R² {r2_score(both[target], both[f'pred_{target}']):.4f}, "
                         f"mean absolute error {mean_absolute_error(both[target], both[f'pred_{target}']):,.2f}.</p>")
    parts.append("<h2>Charts</h2>")
    for path in plot_paths:
        data = base64.b64encode(Path(path).read_bytes()).decode("ascii")
        name = html.escape(Path(path).stem.replace("_", " "))
        parts.append(f"<figure><img alt='{name}' src='data:image/png;base64,{data}'><figcaption>{name}</figcaption></figure>")
    importance_csv = Path(run.path) / "importance.csv"
    if importance_csv.is_file():
        imp = pd.read_csv(importance_csv)
        parts.append("<h2>Permutation importance</h2>" + _table(
            imp[["feature", "mean", "std", "relative_percent"]].itertuples(index=False, name=None),
            ["feature", "mean R² drop", "std", "relative %"]))
    parts.append("<h2>Spec</h2><pre>" + html.escape(spec.to_json()) + "</pre></body></html>\n")
    return "\n".join(parts)
