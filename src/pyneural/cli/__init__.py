"""The ``pyneural`` command line.

Every subcommand has ``--help``. Errors print one line on stderr and exit with a
non-zero status; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["main", "build_parser"]


def _int_at_least(minimum: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected an integer >= {minimum}, got {value}")
        return value

    return parse


_positive_int = _int_at_least(1)
_nonnegative_int = _int_at_least(0)


def build_parser() -> argparse.ArgumentParser:
    from . import analysis, spec, train

    parser = argparse.ArgumentParser(prog="pyneural", description="Dense neural networks for tabular data.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    # --debug is accepted after the subcommand too (pyneural train ... --debug).
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="show tracebacks on errors")
    _add = sub.add_parser

    def add_parser(name, **kwargs):
        return _add(name, parents=[common], **kwargs)

    sub.add_parser = add_parser

    p = sub.add_parser("demo", help="train small models on built-in data and print what they learned")
    p.set_defaults(func=train.cmd_demo)

    p = sub.add_parser("train", help="train a model spec (k-fold or split) and write a run folder",
                       description="Train the model described by SPEC.json and write spec.json, evaluation.json, "
                       "predictions.csv, best_params.json/.npz, pipeline.json and run.json to --out.")
    p.add_argument("spec", metavar="SPEC.json", help="the model spec")
    p.add_argument("--data", metavar="CSV", help="the table to train on ('synthetic' for the synthetic housing data)")
    p.add_argument("--out", metavar="DIR", help="run folder (default runs/<name>-<time>)")
    p.add_argument("--epochs", type=_positive_int, metavar="N", help="override the spec's epochs")
    p.add_argument("--folds", type=_int_at_least(2), metavar="K", help="override the trainer with K-fold")
    p.add_argument("--jobs", type=_positive_int, metavar="N", help="folds trained at once (default: cores)")
    p.add_argument("--seed", type=_nonnegative_int, metavar="S", help="override the spec's seed")
    p.add_argument("--cache", metavar="DIR", help="cache the stateless preprocessing in DIR")
    p.add_argument("--checkpoint", metavar="DIR", help="checkpoint the folds in DIR; rerun the same command "
                   "to resume an interrupted run")
    p.add_argument("--checkpoint-every", type=_positive_int, default=10, metavar="N",
                   help="epochs between checkpoints (10)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=train.cmd_train)

    p = sub.add_parser("predict", help="predict a CSV with a saved run or model",
                       description="Predict every row of --data with RUN (a run folder: its best fold's network "
                       "and preprocessing, predictions in original units) or MODEL (.json/.npz network: the CSV "
                       "holds exactly its inputs). Writes the rows plus pred_* columns to --out.")
    p.add_argument("model", metavar="RUN|MODEL", help="a run folder or a saved network (.json/.npz)")
    p.add_argument("--data", metavar="CSV", required=True, help="the rows to predict")
    p.add_argument("--out", metavar="CSV", required=True, help="where to write the predictions")
    p.set_defaults(func=analysis.cmd_predict)

    p = sub.add_parser("importance", help="permutation importance of a run's inputs -> RUN/importance.csv",
                       description="Shuffle each model input of the run's best network n times on the data the "
                       "run was trained on (or --data) and write RUN/importance.csv: feature, mean, std, "
                       "relative_percent, sorted.")
    p.add_argument("run", metavar="RUN", help="a run folder")
    p.add_argument("--data", metavar="CSV", help="data to score on (default: the run's training data)")
    p.add_argument("--repeats", type=_positive_int, default=10, metavar="N", help="shuffles per feature (10)")
    p.add_argument("--seed", type=_nonnegative_int, default=0, metavar="S", help="seed of the shuffles (0)")
    p.add_argument("--jobs", type=_positive_int, metavar="N", help="features scored at once (default: cores)")
    p.set_defaults(func=analysis.cmd_importance)

    p = sub.add_parser("plot", help="write a run's charts as PNGs under RUN/plots/")
    p.add_argument("run", metavar="RUN", help="a run folder")
    p.add_argument("--data", metavar="CSV", help="data for the before/after box plots (default: the run's)")
    p.set_defaults(func=analysis.cmd_plot)

    p = sub.add_parser("report", help="write RUN/report.html (self-contained: opens offline)")
    p.add_argument("run", metavar="RUN", help="a run folder")
    p.add_argument("--data", metavar="CSV", help="data for the box plots (default: the run's)")
    p.set_defaults(func=analysis.cmd_report)

    p = sub.add_parser("sweep", help="train every combination of a grid of spec values",
                       description="Train SPEC.json for every combination of GRID.json ({\"json.path\": "
                       "[values, ...]}, e.g. {\"network.optimizer.learning_rate\": [0.01, 0.1]}) through joblib "
                       "and write the ranked table to --out. --backend loky uses processes; --scheduler ADDRESS "
                       "runs the combinations on a Dask cluster.")
    p.add_argument("spec", metavar="SPEC.json", help="the model spec")
    p.add_argument("--grid", metavar="GRID.json", required=True, help="JSON paths -> lists of values")
    p.add_argument("--data", metavar="CSV", required=True, help="the table ('synthetic' for the synthetic housing data)")
    p.add_argument("--out", metavar="CSV", default="sweep.csv", help="where to write the results (sweep.csv)")
    p.add_argument("--epochs", type=_positive_int, metavar="N", help="override every combination's epochs")
    p.add_argument("--jobs", type=_positive_int, metavar="N", help="combinations at once (default: all workers)")
    p.add_argument("--backend", choices=["threading", "loky", "dask"], default="threading",
                   help="joblib backend (default threading; dask without --scheduler starts a local cluster)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler address (implies --backend dask)")
    p.add_argument("--folds", type=_int_at_least(2), metavar="K", help="override the trainer with K-fold")
    p.add_argument("--seed", type=_nonnegative_int, metavar="S", help="override the spec's seed")
    p.set_defaults(func=train.cmd_sweep)

    p = sub.add_parser("spec", help="validate or show a model spec")
    p.add_argument("action", choices=["validate", "show"], help="validate: check it; show: print it resolved")
    p.add_argument("spec", metavar="SPEC.json", help="the model spec")
    p.set_defaults(func=spec.cmd_spec)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        from .. import __version__

        print(__version__)
        return 0
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("pyneural: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - one line unless --debug
        if args.debug:
            raise
        message = " ".join(str(exc).split()) or type(exc).__name__
        print(f"pyneural: error: {message}", file=sys.stderr)
        return 1
