"""``pyneural demo`` and ``pyneural train``."""

from __future__ import annotations

import time
from pathlib import Path

__all__ = ["cmd_demo", "cmd_train", "cmd_sweep", "load_table"]




def cmd_demo(args) -> int:
    import numpy as np

    import pyneural as pn

    print(f"pyneural {pn.__version__} demo (no download needed)\n")
    print("1. XOR with a 2-3-1 tanh network (the report's first experiment)")
    x, y = pn.datasets.xor()
    net = pn.Network([pn.Dense(3, "tanh"), pn.Dense(1, "tanh")], inputs=2, optimizer=pn.SGD(0.1), seed=0)
    start = time.perf_counter()
    hist = net.fit(x, y, epochs=1500, batch_size=1, verbose=0)
    elapsed = time.perf_counter() - start
    pred = net.predict(x)
    for xi, yi, pi in zip(x, y, pred):
        print(f"   xor({int(xi[0])}, {int(xi[1])}) = {int(yi[0])}   predicted {pi[0]:+.3f}")
    print(f"   final MSE {hist['loss'][-1]:.2e} after 1500 epochs ({elapsed:.2f} s)\n")

    print("2. Regression: y = sin(3 x1) + x2^2 - x1 x3 + noise, 3 inputs, 4000 rows")
    rng = np.random.default_rng(0)
    xr = rng.uniform(-1, 1, size=(4000, 3)).astype(np.float32)
    yr = (np.sin(3 * xr[:, 0]) + xr[:, 1] ** 2 - xr[:, 0] * xr[:, 2] + rng.normal(0, 0.05, 4000)).astype(np.float32)
    xt, yt, xv, yv = xr[:3200], yr[:3200], xr[3200:], yr[3200:]
    net = pn.Network([pn.Dense(32, "relu"), pn.Dense(32, "relu"), pn.Dense(1)], inputs=3,
                     optimizer=pn.Adam(3e-3), seed=0)
    start = time.perf_counter()
    hist = net.fit(xt, yt, epochs=60, batch_size=32, validation_data=(xv, yv), verbose=0)
    elapsed = time.perf_counter() - start
    print(f"   validation R² {hist['val_r2'][-1]:.3f}, loss {hist['val_loss'][-1]:.4f} "
          f"after 60 epochs ({elapsed:.2f} s)")
    for xi, yi, pi in zip(xv[:3], yv[:3], net.predict(xv[:3])):
        print(f"   x = ({xi[0]:+.2f}, {xi[1]:+.2f}, {xi[2]:+.2f})  y = {yi:+.3f}  predicted {pi[0]:+.3f}")
    print()

    print("3. The King County workflow on synthetic_housing (a generated table with the King County")
    print("   columns; no download): pipeline -> 34 inputs -> 8 x Dense(35, relu) -> price, 4-fold")
    from ..model_spec import ModelSpec
    from ..training.runner import run_spec

    spec = ModelSpec.from_dict(_demo_spec())
    table = pn.datasets.synthetic_housing()
    result = run_spec(spec, table, verbose=0)
    ev = result.evaluation
    print("   per-fold R² (log10 price, validation rows): " + ", ".join(f"{r:.3f}" for r in ev.fold_r2))
    both = result.predictions[["price", "pred_price"]].dropna()
    from ..metrics import r2_score

    print(f"   mean R² {ev.r2_mean:.3f}; out-of-fold R² in dollars {r2_score(both.price, both.pred_price):.3f} "
          f"({spec.training.epochs} epochs, {ev.seconds:.1f} s)")
    print()
    pn.show_config()
    return 0


def _demo_spec() -> dict:
    from ..data.datasets import king_county_spec

    return {"name": "synthetic_housing", "dataset": king_county_spec().to_dict(),
            "network": {"layers": [{"units": "inputs+1", "activation": "relu", "repeat": 8}, {"units": "outputs"}],
                        "optimizer": {"name": "adam", "learning_rate": 0.001}},
            "training": {"epochs": 40, "batch_size": 128, "seed": 0, "trainer": {"kfolds": 4}}}


def load_table(data: str, spec):
    """The table named by ``--data``: a CSV path, or ``synthetic`` for the synthetic housing data."""
    from ..data.datasets import synthetic_housing
    from ..data.io import read_csv

    if data == "synthetic":
        return synthetic_housing(), "synthetic"
    return read_csv(data, spec.dataset), str(Path(data).resolve())


def _spec_with_overrides(args):
    """The spec of ``args.spec`` with --folds, --seed and --epochs applied."""
    from ..model_spec import ModelSpec

    spec = ModelSpec.from_json(args.spec)
    if getattr(args, "folds", None) is not None:
        spec.training.trainer = {"kfolds": args.folds}
    if getattr(args, "seed", None) is not None:
        spec.training.seed = args.seed
    if getattr(args, "epochs", None) is not None:
        spec.training.epochs = args.epochs
    return spec


def cmd_train(args) -> int:
    from ..errors import InvalidValueError
    from ..training.runner import run_spec

    spec = _spec_with_overrides(args)
    if args.data is None:
        raise InvalidValueError("--data: give the CSV to train on (or 'synthetic')")
    table, source = load_table(args.data, spec)
    out = Path(args.out) if args.out else Path("runs") / f"{spec.name}-{time.strftime('%Y%m%d-%H%M%S')}"
    print(f"training {spec.name!r} on {source} ({len(table)} rows): trainer {spec.training.trainer}, "
          f"{spec.training.epochs} epochs, batch {spec.training.batch_size}")
    result = run_spec(spec, table, n_jobs=args.jobs, verbose=0 if args.quiet else 1, data_path=source,
                      cache_dir=args.cache, checkpoint=args.checkpoint, checkpoint_every=args.checkpoint_every)
    result.save(out)
    ev = result.evaluation
    for i, fold in enumerate(ev.folds):
        note = f"  ({fold.stopped})" if fold.stopped else ""
        acc = f"  accuracy {fold.accuracy:.4f}" if fold.accuracy is not None else ""
        print(f"  fold {i}: R² {fold.r2:.4f}{acc}  final train loss {fold.epochs[-1].train_loss:.5f}{note}")
    acc = f", mean accuracy {ev.accuracy_mean:.4f}" if ev.accuracy_mean is not None else ""
    print(f"mean R² {ev.r2_mean:.4f}{acc}, best fold {ev.best_fold} (R² {ev.r2_best:.4f}), {ev.seconds:.1f} s")
    from pandas.api.types import is_numeric_dtype

    from ..metrics import r2_score

    for target in [c[len('pred_'):] for c in result.predictions.columns if c.startswith("pred_")]:
        both = result.predictions[[target, f"pred_{target}"]].dropna()
        if len(both) < 2:
            continue
        if is_numeric_dtype(both[target]) and is_numeric_dtype(both[f"pred_{target}"]):
            print(f"out-of-fold R² on {target} in original units: "
                  f"{r2_score(both[target], both[f'pred_{target}']):.4f} ({len(both)} rows)")
        else:
            print(f"out-of-fold accuracy on {target}: "
                  f"{(both[target] == both[f'pred_{target}']).mean():.4f} ({len(both)} rows)")
    print(f"run written to {out}/")
    return 0


def cmd_sweep(args) -> int:
    import contextlib
    import json

    import joblib

    from .._io import atomic_write
    from ..errors import FileFormatError, InvalidValueError
    from ..training.sweep import sweep

    spec = _spec_with_overrides(args)
    try:
        grid = json.loads(Path(args.grid).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileFormatError(f"--grid: no such file {args.grid!r}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise FileFormatError(f"--grid: {args.grid} is not valid JSON ({exc})") from None
    table, source = load_table(args.data, spec)
    backend = "dask" if args.scheduler else args.backend
    with contextlib.ExitStack() as stack:
        if backend == "dask":
            try:
                from distributed import Client
            except ImportError:
                raise InvalidValueError('--backend dask: needs dask.distributed (pip install "pyneural[dask]")') from None
            # A scheduler's address, or a local cluster of worker processes.
            stack.enter_context(Client(args.scheduler) if args.scheduler else Client(processes=True))
        stack.enter_context(joblib.parallel_config(backend=backend))
        result = sweep(spec, grid, table, n_jobs=args.jobs, epochs=args.epochs)
    with atomic_write(args.out, "w", encoding="utf-8") as fh:
        result.to_csv(fh, index=False)
    print(f"{len(result)} combinations on {source} ({backend}):")
    print(result.drop(columns=["fold_r2"]).to_string(index=False))
    print(f"wrote {args.out}")
    return 0
