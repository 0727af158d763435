"""``pyneural predict``, ``importance``, ``plot`` and ``report``."""

from __future__ import annotations

import time
from pathlib import Path

__all__ = ["cmd_predict", "cmd_importance", "cmd_plot", "cmd_report"]


def _run(path):
    from ..training.run_folder import load_run

    return load_run(path)


def _data(run, override):
    return None if override is None else run.load_data(override)


def cmd_predict(args) -> int:
    import numpy as np

    from .._io import atomic_write
    from ..data.io import read_csv

    source = Path(args.model)
    if source.is_dir():
        from ..analysis import predict_table

        run = _run(source)
        table = read_csv(args.data, run.spec.dataset, require_columns=False)
        out = predict_table(run, table)
    else:
        from ..nn.network import Network

        net = Network.load(source)
        table = read_csv(args.data)
        preds = net.predict(table)
        out = table.copy()
        for j in range(preds.shape[1]):
            out[f"pred_{j}"] = preds[:, j].astype(np.float64)
    with atomic_write(args.out, "w", encoding="utf-8") as fh:
        out.to_csv(fh, index=False)
    cols = [c for c in out.columns if c.startswith("pred_")]
    print(f"wrote {len(out)} predictions ({', '.join(cols)}) to {args.out}")
    return 0


def cmd_importance(args) -> int:
    from .._io import atomic_write
    from ..analysis import importance_for_run

    run = _run(args.run)
    start = time.perf_counter()
    result = importance_for_run(run, _data(run, args.data), n_repeats=args.repeats, seed=args.seed,
                                n_jobs=args.jobs)
    seconds = time.perf_counter() - start
    frame = result.to_frame()
    path = Path(args.run) / "importance.csv"
    with atomic_write(path, "w", encoding="utf-8") as fh:
        frame.to_csv(fh, index=False)
    print(f"baseline R² {result.baseline_score:.4f}; {len(frame)} features x {args.repeats} shuffles "
          f"in {seconds:.2f} s")
    for row in frame.head(10).itertuples():
        print(f"  {row.feature:<24} {row.mean:8.4f} ± {row.std:.4f}  {row.relative_percent:6.2f} %")
    print(f"wrote {path}")
    return 0


def cmd_plot(args) -> int:
    from ..analysis import plots_for_run

    run = _run(args.run)
    paths = plots_for_run(run, Path(args.run) / "plots", _data(run, args.data))
    print(f"wrote {len(paths)} charts to {Path(args.run) / 'plots'}/")
    return 0


def cmd_report(args) -> int:
    from .._io import atomic_write_text
    from ..analysis import plots_for_run
    from ..report import build_report

    run = _run(args.run)
    paths = plots_for_run(run, Path(args.run) / "plots", _data(run, args.data))
    path = Path(args.run) / "report.html"
    atomic_write_text(path, build_report(run, paths))
    print(f"wrote {path} ({len(paths)} charts embedded)")
    return 0
