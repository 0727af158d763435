"""The report's whole workflow, timed: pipeline + 8 folds x 500 epochs of the King
County model (validation every epoch), folds in parallel, and the scaling of the
parallel run over a serial one.

    python benchmarks/kfold_workflow.py --data kc_house_data.csv            # full run, 2 jobs
    python benchmarks/kfold_workflow.py --data kc_house_data.csv --scaling --epochs 60
    python benchmarks/kfold_workflow.py --data kc_house_data.csv --scaling --repeat 3

--repeat N alternates the parallel and the serial run N times and prints the
median of the N ratios (the host drifts over minutes, so one pair can mislead).

Without --data the synthetic housing table (same columns) is used.
"""

import argparse
import statistics
import time

import pyneural as pn
from pyneural.data.io import read_csv
from pyneural.model_spec import ModelSpec


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", default="examples/king_county/spec.json")
    parser.add_argument("--data", help="King County CSV (default: synthetic_housing())")
    parser.add_argument("--epochs", type=int, help="override the spec's 500 epochs")
    parser.add_argument("--jobs", type=int, default=None, help="folds at once (default: cores)")
    parser.add_argument("--scaling", action="store_true", help="also time n_jobs=1 and print the ratio")
    parser.add_argument("--repeat", type=int, default=1, help="pairs of runs (parallel, serial) to alternate")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat: expected an integer >= 1")
    spec = ModelSpec.from_json(args.spec)
    table = read_csv(args.data, spec.dataset) if args.data else pn.datasets.synthetic_housing()
    runs = [("parallel", args.jobs)] + ([("serial", 1)] if args.scaling else [])
    times = {label: [] for label, _ in runs}
    for _ in range(args.repeat):
        for label, jobs in runs:
            start = time.perf_counter()
            result = pn.run_spec(spec, table, n_jobs=jobs, verbose=0, epochs=args.epochs)
            times[label].append(time.perf_counter() - start)
            ev = result.evaluation
            print(f"{label:>8} (n_jobs={jobs}): {times[label][-1]:7.1f} s wall, {len(ev.folds)} folds x "
                  f"{len(ev.folds[0].epochs)} epochs, mean R² {ev.r2_mean:.4f}, best {ev.r2_best:.4f}",
                  flush=True)
    if args.scaling:
        ratios = [ser / par for par, ser in zip(times["parallel"], times["serial"])]
        listed = ", ".join(f"{r:.2f}x" for r in ratios)
        print(f"parallel folds speed-up over serial: {statistics.median(ratios):.2f}x"
              + (f" (median of {listed})" if len(ratios) > 1 else ""))


if __name__ == "__main__":
    main()
