"""pyneural against its peers on the report's workloads, measured side by side.

    python benchmarks/peers.py                 # everything (several minutes)
    python benchmarks/peers.py --only kc gemm  # some workloads
    python benchmarks/peers.py --quick         # smaller big-MLP data, fewer repeats

Workloads (float32 unless noted; same data, same batch size, same thread count):

- ``kc``: one training epoch of the King County model (34 -> 8 x 35 ReLU -> 1,
  batch 128, Adam, 17,286 rows);
- ``predict``: inference of that model on 21,608 rows;
- ``mlp``: one epoch of 784 -> 1024 -> 1024 -> 10 (softmax + cross-entropy),
  batch 256, Adam, 60,000 rows;
- ``scaling``: the big MLP epoch on 2 threads against 1 thread, the two thread
  counts alternating epoch by epoch (so drift hits both alike), for pyneural
  native and PyTorch; the ratio is the median of the per-round ratios. In the
  same rounds, two 1-thread pyneural networks train an epoch each side by side
  (one Python thread each): 2 x (1-thread time) / (side-by-side time) is what
  the two cores give to fully independent work, the ceiling for one 2-thread run.
  The same rounds time the MLP's middle GEMM (256x1024 @ 1024x1024, 50 calls) on
  1 and 2 threads, which tells the GEMM's own scaling from the rest of the epoch's.
  (A 2-thread run also waits for the slower core at the end of every parallel
  region, which independent work never does: ``benchmarks/sync_probe.cpp``
  measures what the host gives to that);
- ``gemm``: square GEMMs (512, 1024, 2048; float32 and float64) and the King County
  shapes (128x35 @ 35x35 and its transposes), Python call overhead included.

Peers: pyneural native, pyneural numpy backend, PyTorch (default Adam, and fused
Adam), scikit-learn's MLPRegressor, NumPy's BLAS. Missing peers are skipped with
a note. Rounds interleave the implementations so machine drift hits all alike
(GEMMs and inference are timed in blocks of calls after a pause, as in
gemm_peers.py, because BLAS and OpenMP threads spin after a call and would slow
the next library);
the table prints median times and, for each peer, the median over rounds of
peer_time / pyneural_time in that round (> 1: pyneural is faster), a paired
ratio that the host's drift over minutes does not move. NumPy's BLAS threads
are pinned with threadpoolctl, PyTorch's with ``torch.set_num_threads``.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import threading
import time

import numpy as np

import pyneural as pn
from gemm_peers import PAUSE, block_median, calls_for  # same folder: run as a script

try:
    import torch
except ImportError:  # pragma: no cover
    torch = None
try:
    from threadpoolctl import threadpool_limits
except ImportError:  # pragma: no cover
    threadpool_limits = None


def blas_threads(n):
    return threadpool_limits(limits=n, user_api="blas") if threadpool_limits else contextlib.nullcontext()


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def paused_blocks(impls: dict, rounds: int, calls: int) -> dict:
    """Seconds per call of each implementation in every round (a list per name),
    each timed in blocks of calls after a pause: GEMM libraries' threads spin after
    a call and would steal the cores of the next library if calls alternated one by
    one (see gemm_peers.py)."""
    times = {name: [] for name in impls}
    for _ in range(rounds):
        for name, fn in impls.items():
            time.sleep(PAUSE)
            times[name].append(block_median(fn, calls))
    return times


def interleaved(impls: dict, rounds: int, per_round: int = 1) -> dict:
    """Seconds per call of each zero-argument function in every round (a list per
    name), the implementations taking turns within each round."""
    times = {name: [] for name in impls}
    for fn in impls.values():
        fn()  # warm-up
    for _ in range(rounds):
        for name, fn in impls.items():
            times[name].append(timed(lambda: [fn() for _ in range(per_round)]) / per_round)
    return times


def paired_ratio(peer: list, base: list) -> float:
    """Median over rounds of peer time / base time: each ratio compares timings taken
    seconds apart, so the host's drift over minutes cancels out of it."""
    return statistics.median(p / b for p, b in zip(peer, base))


# ----------------------------------------------------------------------------- models
def kc_network(backend, threads, dtype="float32"):
    return pn.Network([pn.Dense(35, "relu") for _ in range(8)] + [pn.Dense(1)], inputs=34,
                      optimizer=pn.Adam(1e-3), seed=0, dtype=dtype, backend=backend, n_threads=threads)


def torch_mlp(sizes, final=None):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def torch_epoch_fn(model, opt, loss_fn, x, y, batch, rng):
    n = len(x)

    def run():
        perm = torch.from_numpy(rng.permutation(n))
        for start in range(0, n, batch):
            idx = perm[start:start + batch]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()

    return run


# ----------------------------------------------------------------------------- workloads
def bench_kc(threads, rounds):
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, (17286, 34)).astype(np.float32)
    y = (x @ rng.normal(size=(34, 1)) / 10 + 0.1 * np.sin(5 * x[:, :1])).astype(np.float32)
    impls, notes = {}, []
    native, ref = kc_network("native", threads), kc_network("numpy", threads)
    impls["pyneural native"] = lambda: native.train_epoch(x, y, batch_size=128)
    impls["pyneural numpy"] = lambda: ref.train_epoch(x, y, batch_size=128)
    if torch is not None:
        torch.set_num_threads(threads)
        tx, ty = torch.from_numpy(x), torch.from_numpy(y)
        for label, kwargs in (("PyTorch Adam", {}), ("PyTorch fused Adam", {"fused": True})):
            model = torch_mlp([34] + [35] * 8 + [1])
            try:
                opt = torch.optim.Adam(model.parameters(), lr=1e-3, **kwargs)
            except (RuntimeError, TypeError) as exc:  # fused not available on this build
                notes.append(f"{label}: {exc}")
                continue
            impls[label] = torch_epoch_fn(model, opt, torch.nn.functional.mse_loss, tx, ty, 128,
                                          np.random.default_rng(0))
    else:
        notes.append("PyTorch not installed: skipped")
    try:
        import warnings

        from sklearn.neural_network import MLPRegressor

        mlp = MLPRegressor(hidden_layer_sizes=(35,) * 8, batch_size=128, learning_rate_init=1e-3,
                           random_state=0, shuffle=True)

        def sk_epoch():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                mlp.partial_fit(x, y.ravel())

        impls["scikit-learn MLPRegressor"] = sk_epoch
    except ImportError:
        notes.append("scikit-learn not installed: skipped")
    with blas_threads(threads):
        return interleaved(impls, rounds), notes


def bench_predict(threads, rounds):
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 1, (21608, 34)).astype(np.float32)
    native, ref = kc_network("native", threads), kc_network("numpy", threads)
    impls = {"pyneural native": lambda: native.predict(x), "pyneural numpy": lambda: ref.predict(x)}
    notes = []
    if torch is not None:
        torch.set_num_threads(threads)
        model = torch_mlp([34] + [35] * 8 + [1]).eval()
        tx = torch.from_numpy(x)

        def torch_predict():
            with torch.inference_mode():
                model(tx)

        impls["PyTorch"] = torch_predict
    else:
        notes.append("PyTorch not installed: skipped")
    flops = 2 * len(x) * (34 * 35 + 7 * 35 * 35 + 35)
    with blas_threads(threads):  # in paused blocks: each library's threads spin after a call
        return paused_blocks(impls, rounds, calls_for(flops, budget=0.1)), notes


def bench_mlp(threads, rounds, rows):
    rng = np.random.default_rng(2)
    x = rng.uniform(0, 1, (rows, 784)).astype(np.float32)
    labels = rng.integers(0, 10, rows)
    y = np.eye(10, dtype=np.float32)[labels]

    def net(backend):
        return pn.Network([pn.Dense(1024, "relu"), pn.Dense(1024, "relu"), pn.Dense(10, "softmax")], inputs=784,
                          loss="cross_entropy", optimizer=pn.Adam(1e-3), seed=0, backend=backend, n_threads=threads)

    native, ref = net("native"), net("numpy")
    impls = {"pyneural native": lambda: native.train_epoch(x, y, batch_size=256),
             "pyneural numpy": lambda: ref.train_epoch(x, y, batch_size=256)}
    notes = []
    if torch is not None:
        torch.set_num_threads(threads)
        model = torch_mlp([784, 1024, 1024, 10])
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        impls["PyTorch Adam"] = torch_epoch_fn(model, opt, torch.nn.functional.cross_entropy, torch.from_numpy(x),
                                               torch.from_numpy(labels), 256, np.random.default_rng(0))
    else:
        notes.append("PyTorch not installed: skipped")
    with blas_threads(threads):
        return interleaved(impls, rounds), notes


def side_by_side(fns):
    """Run each of fns in its own Python thread at once (the engine releases the GIL)."""
    workers = [threading.Thread(target=fn) for fn in fns]
    for w in workers:
        w.start()
    for w in workers:
        w.join()


def bench_scaling(rounds, rows):
    """Seconds per big-MLP epoch at 1 and 2 threads, alternating in each round, and
    the median over rounds of time(1 thread) / time(2 threads); also the machine's
    ceiling for that ratio, 2 x time(1 thread) / time(two 1-thread epochs side by side).

    In the same rounds, the MLP's middle GEMM (256x1024 @ 1024x1024) 50 times on 1
    and on 2 threads: how much of the epoch's scaling its GEMMs alone give."""
    rng = np.random.default_rng(2)
    x = rng.uniform(0, 1, (rows, 784)).astype(np.float32)
    labels = rng.integers(0, 10, rows)
    y = np.eye(10, dtype=np.float32)[labels]
    runs, notes = {}, []
    for threads in (1, 2):
        net = pn.Network([pn.Dense(1024, "relu"), pn.Dense(1024, "relu"), pn.Dense(10, "softmax")], inputs=784,
                         loss="cross_entropy", optimizer=pn.Adam(1e-3), seed=0, n_threads=threads)
        runs[("pyneural native", threads)] = lambda net=net: net.train_epoch(x, y, batch_size=256)
    pair = [pn.Network([pn.Dense(1024, "relu"), pn.Dense(1024, "relu"), pn.Dense(10, "softmax")], inputs=784,
                       loss="cross_entropy", optimizer=pn.Adam(1e-3), seed=s, n_threads=1) for s in (1, 2)]
    runs[("side by side", 0)] = lambda: side_by_side([lambda n=n: n.train_epoch(x, y, batch_size=256) for n in pair])
    a = rng.standard_normal((256, 1024)).astype(np.float32)
    b = rng.standard_normal((1024, 1024)).astype(np.float32)
    out = np.empty((256, 1024), np.float32)
    calls = 50
    for threads in (1, 2):
        runs[("pyneural GEMM", threads)] = lambda threads=threads: [
            pn.linalg.matmul(a, b, out=out, n_threads=threads) for _ in range(calls)]
    if torch is not None:
        model = torch_mlp([784, 1024, 1024, 10])
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        epoch = torch_epoch_fn(model, opt, torch.nn.functional.cross_entropy, torch.from_numpy(x),
                               torch.from_numpy(labels), 256, np.random.default_rng(0))
        for threads in (1, 2):
            runs[("PyTorch Adam", threads)] = lambda threads=threads: (torch.set_num_threads(threads), epoch())
    else:
        notes.append("PyTorch not installed: skipped")
    times = {key: [] for key in runs}
    with blas_threads(1):
        for fn in runs.values():
            fn()  # warm-up
        for _ in range(rounds):
            for key, fn in runs.items():
                times[key].append(timed(fn))
    results = {}
    for name in dict.fromkeys(name for name, threads in runs if threads):
        one, two = times[(name, 1)], times[(name, 2)]
        results[name] = (statistics.median(one), statistics.median(two), paired_ratio(one, two))
    one, both = times[("pyneural native", 1)], times[("side by side", 0)]
    ceiling = (statistics.median(both), 2 * paired_ratio(one, both))
    return results, ceiling, notes


def bench_gemm(threads, rounds):
    """{title: (seconds per call of each implementation in every round, flops or
    None for the small shapes, reported in µs per call)}."""
    results = {}
    for dtype in ("float32", "float64"):
        for n in (512, 1024, 2048):
            a = np.random.default_rng(3).standard_normal((n, n)).astype(dtype)
            b = np.random.default_rng(4).standard_normal((n, n)).astype(dtype)
            out = np.empty((n, n), dtype)
            impls = {"pyneural matmul": lambda: pn.linalg.matmul(a, b, out=out, n_threads=threads),
                     "NumPy (OpenBLAS)": lambda: np.matmul(a, b, out=out)}
            if torch is not None:
                torch.set_num_threads(threads)
                ta, tb, tout = torch.from_numpy(a), torch.from_numpy(b), torch.from_numpy(out)
                impls["PyTorch mm"] = lambda: torch.mm(ta, tb, out=tout)
            with blas_threads(threads):
                results[f"{dtype} {n}^3"] = (paused_blocks(impls, rounds, calls_for(2 * n**3)), 2 * n**3)
    shapes = {"128x35 @ 35x35": ((128, 35), (35, 35), False, False),
              "Xᵀ dZ: (128x35)ᵀ @ 128x35": ((128, 35), (128, 35), True, False),
              "dZ Wᵀ: 128x35 @ (35x35)ᵀ": ((128, 35), (35, 35), False, True)}
    for label, (sa, sb, ta_, tb_) in shapes.items():
        rng = np.random.default_rng(5)
        a = rng.standard_normal(sa).astype(np.float32)
        b = rng.standard_normal(sb).astype(np.float32)
        a = a.T if ta_ else a
        b = b.T if tb_ else b
        out = np.empty((a.shape[0], b.shape[1]), np.float32)
        impls = {"pyneural matmul": lambda: pn.linalg.matmul(a, b, out=out, n_threads=1),
                 "NumPy (OpenBLAS)": lambda: np.matmul(a, b, out=out)}
        with blas_threads(1):
            t = paused_blocks(impls, rounds, calls_for(2 * a.shape[0] * a.shape[1] * b.shape[1]))
        results[f"float32 {label} (1 thread)"] = (t, None)
    return results


# ----------------------------------------------------------------------------- report
def print_times(title, times, notes):
    """Median time of each implementation and its paired ratio to pyneural native's."""
    base = times["pyneural native"]
    print(f"\n{title}")
    for name, t in times.items():
        ratio = paired_ratio(t, base)
        note = "" if name == "pyneural native" else f"   {ratio:6.2f}x slower than pyneural native" if ratio >= 1 \
            else f"   {1 / ratio:6.2f}x faster than pyneural native"
        print(f"  {name:<28}{statistics.median(t) * 1e3:10.2f} ms{note}")
    for note in notes:
        print(f"  note: {note}")


def print_gemm(title, times, flops):
    """GFLOP/s (big products) or µs per call (small ones), medians, and pyneural's
    speed as a multiple of each peer's, the median of the per-round ratios."""
    base = times["pyneural matmul"]
    print(f"\nGEMM {title} ({'GFLOP/s' if flops else 'µs/call'})")
    for name, t in times.items():
        value = flops / statistics.median(t) / 1e9 if flops else statistics.median(t) * 1e6
        extra = "" if name == "pyneural matmul" else f"   pyneural = {paired_ratio(t, base):5.2f}x as fast"
        print(f"  {name:<28}{value:10.2f}{extra}")


def main():
    parser = argparse.ArgumentParser(description="pyneural against its peers (medians, same run)")
    parser.add_argument("--only", nargs="+", choices=["kc", "predict", "mlp", "scaling", "gemm"],
                        default=["kc", "predict", "mlp", "scaling", "gemm"])
    parser.add_argument("--threads", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds (medians over them)")
    parser.add_argument("--quick", action="store_true", help="12,000 MLP rows and 3 rounds")
    args = parser.parse_args()
    rounds = 3 if args.quick else args.rounds
    pn.show_config()
    if torch is not None:
        print(f"PyTorch {torch.__version__}")
    for threads in args.threads:
        print(f"\n=== {threads} thread(s) ===")
        if "kc" in args.only:
            print_times("King County epoch (34 -> 8x35 relu -> 1, batch 128, Adam, 17,286 rows)", *bench_kc(threads, rounds))
        if "predict" in args.only:
            print_times("King County inference (21,608 rows)", *bench_predict(threads, rounds))
        if "mlp" in args.only:
            rows = 12000 if args.quick else 60000
            print_times(f"Big MLP epoch (784 -> 1024 -> 1024 -> 10, batch 256, Adam, {rows:,} rows)",
                        *bench_mlp(threads, max(3, rounds // 2), rows))
        if "gemm" in args.only:
            for title, (times, flops) in bench_gemm(threads, rounds).items():
                print_gemm(title, times, flops)
    if "scaling" in args.only:
        rows = 12000 if args.quick else 60000
        results, (both, ceiling), notes = bench_scaling(max(3, rounds - 2), rows)
        print(f"\n=== Scaling: big MLP epoch ({rows:,} rows), 1 and 2 threads alternating ===")
        for name, (one, two, ratio) in results.items():
            print(f"  {name:<28}1 thread {one * 1e3:9.1f} ms   2 threads {two * 1e3:9.1f} ms   "
                  f"2 threads = {ratio:4.2f}x as fast")
        print(f"  {'ceiling (2 nets, 1 thread)':<28}two 1-thread epochs side by side {both * 1e3:9.1f} ms   "
              f"= {ceiling:4.2f}x the work of one 1-thread epoch")
        for note in notes:
            print(f"  note: {note}")


if __name__ == "__main__":
    main()
