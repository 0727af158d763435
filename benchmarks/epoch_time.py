"""Epoch time of the native engine against the NumPy backend, same run.

The King County model shape: 34 inputs -> 8 x Dense(35, relu) -> Dense(1),
batch 128, Adam, float32, 17,286 rows (80% of the data set), one thread.
Prints the median of repeated epochs and the ratio.

    python benchmarks/epoch_time.py [--repeats 15] [--threads 1]
"""

import argparse
import statistics
import time

import numpy as np

import pyneural as pn


def epoch_seconds(backend, x, y, repeats, threads):
    net = pn.Network([pn.Dense(35, "relu") for _ in range(8)] + [pn.Dense(1)], inputs=34,
                     optimizer=pn.Adam(1e-3), seed=0, dtype="float32", backend=backend, n_threads=threads)
    net.train_epoch(x, y, batch_size=128)  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        net.train_epoch(x, y, batch_size=128)
        times.append(time.perf_counter() - start)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, size=(17286, 34)).astype(np.float32)
    y = (x @ rng.normal(size=34) / 10 + 0.3 * np.sin(3 * x[:, 0])).astype(np.float32)
    # Interleave the two backends so machine drift hits both alike.
    native, numpy_ = [], []
    for _ in range(3):
        native += epoch_seconds("native", x, y, args.repeats // 3 or 1, args.threads)
        numpy_ += epoch_seconds("numpy", x, y, args.repeats // 3 or 1, args.threads)
    mn, mp = statistics.median(native), statistics.median(numpy_)
    print(f"King County shape epoch (float32, batch 128, Adam, {args.threads} thread(s), {len(native)} epochs each)")
    print(f"  native: {mn * 1e3:8.2f} ms   numpy: {mp * 1e3:8.2f} ms   native speed-up: {mp / mn:.2f}x")


if __name__ == "__main__":
    main()
