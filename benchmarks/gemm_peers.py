"""pyneural.linalg.matmul against NumPy's BLAS: medians of GFLOP/s and ratios.

Usage::

    PYTHONPATH=src python benchmarks/gemm_peers.py [--quick] [--sizes 512,1024,2048]
        [--threads 1,2] [--dtypes float32,float64] [--no-small] [--narrow] [--kernel avx512]

How the thread counts are pinned
--------------------------------
NumPy's BLAS threads are limited with ``threadpoolctl.threadpool_limits(n,
user_api="blas")``, which calls the BLAS library's own ``*_set_num_threads`` (for
numpy's bundled scipy-openblas: ``scipy_openblas_set_num_threads64_``); the
script prints the library and thread count threadpoolctl reports, so the pinning
can be checked. If threadpoolctl is missing, the NumPy side runs in a subprocess
started with ``OPENBLAS_NUM_THREADS``/``OMP_NUM_THREADS`` set. pyneural gets
``n_threads=n`` explicitly.

How the timing avoids cross-talk
--------------------------------
After a call, OpenBLAS workers and OpenMP workers spin for a while before they
sleep; timing the two libraries call-by-call makes each one's spinning threads
steal the other's cores. So each library is timed in blocks of calls, separated by
a pause that lets the other library's threads go to sleep; each block starts with
untimed calls (caches refilled after the pause); blocks alternate (numpy,
pyneural, numpy, ...) and the table reports the median over blocks of the median time
per call (timed in groups of up to 100 calls, so the timer's own cost is
amortised). Each row's ratio is measured in the same run on the same data. Small
products allocate their result on both sides (``a @ b`` vs ``matmul(a, b)``), so
the call overhead counts; big ones write into ``out``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

try:
    import threadpoolctl
except ImportError:  # pragma: no cover - the subprocess fallback is used instead
    threadpoolctl = None

import pyneural as pn
from pyneural import _core

# (label, m, k, n, trans_a, trans_b): the King County network's products (batch
# 128, width 35): forward of the first / hidden layers, dW = X^T dZ, dX = dZ W^T,
# and the output layer's two products.
SMALL = [
    ("(128x34)@(34x35)", 128, 34, 35, False, False),
    ("(128x35)@(35x35)", 128, 35, 35, False, False),
    ("(35x128)@(128x35) a=X.T", 35, 128, 35, True, False),
    ("(128x35)@(35x35).T", 128, 35, 35, False, True),
    ("(128x35)@(35x1)", 128, 35, 1, False, False),
    ("(128x1)@(1x35)", 128, 1, 35, False, False),
]

# With --narrow: C two to four columns wide (a classification head of 2-4
# classes), which the AVX-512 kernels compute as dot products along k.
NARROW = [
    ("(128x35)@(35x3)", 128, 35, 3, False, False),
    ("(128x64)@(64x2)", 128, 64, 2, False, False),
    ("(2048x20)@(20x4)", 2048, 20, 4, False, False),
    ("(256x384)@(384x2)", 256, 384, 2, False, False),
    ("(256x1024)@(1024x1)", 256, 1024, 1, False, False),
    ("(256x1024)@(1024x10)", 256, 1024, 10, False, False),
    ("(256x512)@(512x2)", 256, 512, 2, False, False),
]

PAUSE = 0.15  # s between blocks: longer than the peers' spin-wait


def operands(rng, m, k, n, ta, tb, dtype):
    a = rng.standard_normal((k, m) if ta else (m, k)).astype(dtype)
    b = rng.standard_normal((n, k) if tb else (k, n)).astype(dtype)
    return (a.T if ta else a), (b.T if tb else b)


def block_median(fn, calls):
    """Median time per call over groups of calls (timer overhead amortised over a group)."""
    for _ in range(max(1, calls // 5)):  # untimed: refill caches after the pause
        fn()
    group = max(1, min(100, calls // 20))
    times = []
    for _ in range(max(1, calls // group)):
        t0 = time.perf_counter()
        for _ in range(group):
            fn()
        times.append((time.perf_counter() - t0) / group)
    return statistics.median(times)


def calls_for(flops, budget=0.05):
    """Calls per block: about `budget` seconds at ~100 GFLOP/s plus ~2 us of overhead each."""
    return int(min(20000, max(3, budget / (flops / 1e11 + 2e-6))))


def time_pair(np_fn, pn_fn, flops, rounds):
    calls = calls_for(flops)
    np_fn(), pn_fn()  # warm up: allocations, page faults, thread pools
    t_np, t_pn = [], []
    for _ in range(rounds):
        time.sleep(PAUSE)
        t_np.append(block_median(np_fn, calls))
        time.sleep(PAUSE)
        t_pn.append(block_median(pn_fn, calls))
    return statistics.median(t_np), statistics.median(t_pn)


def warm_up(rng, cases, nt, seconds=0.5):
    """Run every small case on both sides for a while: the first timed case should not
    pay for page faults, lazy initialisation or clock ramp-up."""
    small = [(m, k, n, ta, tb, dt) for (_, m, k, n, ta, tb, dt) in cases if m * n * k < 1e6]
    if not small:
        return
    ops = [operands(rng, *c[:5], c[5]) for c in small]
    t_end = time.perf_counter() + seconds
    while time.perf_counter() < t_end:
        for a, b in ops:
            a @ b
            pn.linalg.matmul(a, b, n_threads=nt)


def numpy_in_subprocess(cases, threads, rounds):
    """Fallback without threadpoolctl: numpy timings from a child with pinned BLAS threads."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads),
               MKL_NUM_THREADS=str(threads))
    code = (
        "import json,sys,time,statistics,numpy as np\n"
        "sys.path.insert(0, %r)\n"
        "from gemm_peers import operands, block_median, calls_for\n"
        "cases=json.loads(sys.argv[1]); rounds=int(sys.argv[2]); out=[]\n"
        "for (m,k,n,ta,tb,dt) in cases:\n"
        "    a,b=operands(np.random.default_rng(0),m,k,n,ta,tb,np.dtype(dt))\n"
        "    c=calls_for(2*m*n*k); a@b\n"
        "    out.append(statistics.median(block_median(lambda: a@b, c) for _ in range(rounds)))\n"
        "print(json.dumps(out))\n" % os.path.dirname(os.path.abspath(__file__))
    )
    res = subprocess.run([sys.executable, "-c", code, json.dumps(cases), str(rounds)], env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(res.stdout)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="512,1024,2048")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--dtypes", default="float32,float64")
    ap.add_argument("--rounds", type=int, default=7, help="blocks per library and case")
    ap.add_argument("--quick", action="store_true", help="3 rounds")
    ap.add_argument("--no-small", action="store_true", help="skip the King County shapes")
    ap.add_argument("--no-big", action="store_true", help="skip the square sizes")
    ap.add_argument("--narrow", action="store_true", help="add C two to four columns wide")
    ap.add_argument("--kernel", default=None, help="force a pyneural CPU kernel")
    args = ap.parse_args(argv)
    rounds = 3 if args.quick else args.rounds
    if args.kernel:
        _core.set_cpu_kernel(args.kernel)
    sizes = [] if args.no_big else [int(s) for s in args.sizes.split(",") if s]
    threads = [int(t) for t in args.threads.split(",")]
    dtypes = [np.dtype(d) for d in args.dtypes.split(",")]

    print(f"pyneural {pn.__version__}, CPU kernel {_core.cpu_kernel()}, numpy {np.__version__}")
    if threadpoolctl is not None:
        for info in threadpoolctl.threadpool_info():
            if info.get("user_api") == "blas":
                print(f"numpy BLAS: {info.get('internal_api')} {info.get('version')} "
                      f"({info.get('architecture')}), default threads {info.get('num_threads')}")
    else:
        print("threadpoolctl not installed: numpy timed in subprocesses with OPENBLAS_NUM_THREADS")
    print(f"medians of {rounds} alternating blocks; GFLOP/s = 2mnk / time; "
          "ratio = numpy time / pyneural time (> 1: pyneural faster)")
    header = f"{'case':<26}{'dtype':>8}{'thr':>4}{'numpy GF/s':>12}{'pn GF/s':>10}{'ratio':>8}{'np us':>9}{'pn us':>9}"
    print(header)
    print("-" * len(header))

    rng = np.random.default_rng(0)
    rows = []
    for nt in threads:
        cases = []
        for dt in dtypes:
            if not args.no_small:
                cases += [(lbl, m, k, n, ta, tb, dt) for (lbl, m, k, n, ta, tb) in SMALL]
            if args.narrow:
                cases += [(lbl, m, k, n, ta, tb, dt) for (lbl, m, k, n, ta, tb) in NARROW]
            cases += [(f"{s}^3", s, s, s, False, False, dt) for s in sizes]
        sub = None
        if threadpoolctl is None:
            sub = numpy_in_subprocess([(m, k, n, ta, tb, dt.name) for (_, m, k, n, ta, tb, dt) in cases],
                                      nt, rounds)
        limiter = (threadpoolctl.threadpool_limits(nt, user_api="blas")
                   if threadpoolctl is not None else None)
        try:
            if threadpoolctl is not None:
                got = [i.get("num_threads") for i in threadpoolctl.threadpool_info()
                       if i.get("user_api") == "blas"]
                print(f"# {nt} thread(s): numpy BLAS pinned to {got}, pyneural n_threads={nt}")
            warm_up(rng, cases, nt)
            for ci, (lbl, m, k, n, ta, tb, dt) in enumerate(cases):
                a, b = operands(rng, m, k, n, ta, tb, dt)
                flops = 2.0 * m * n * k
                small = m * n * k < 1e6
                if small:  # allocate like numpy does: the call overhead counts
                    np_fn = lambda: a @ b  # noqa: E731
                    pn_fn = lambda: pn.linalg.matmul(a, b, n_threads=nt)  # noqa: E731
                else:
                    o1 = np.empty((m, n), dt)
                    o2 = np.empty((m, n), dt)
                    np_fn = lambda: np.matmul(a, b, out=o1)  # noqa: E731
                    pn_fn = lambda: pn.linalg.matmul(a, b, out=o2, n_threads=nt)  # noqa: E731
                got = pn.linalg.matmul(a, b)
                ref = a.astype(np.float64) @ b.astype(np.float64)
                tol = (1e-4 if dt == np.float32 else 1e-12) * (np.sqrt(k) + 1)
                assert np.abs(got - ref).max() <= tol * max(1.0, np.abs(ref).max()), lbl
                if sub is None:
                    t_np, t_pn = time_pair(np_fn, pn_fn, flops, rounds)
                else:
                    t_np = sub[ci]
                    pn_fn()
                    t_pn = statistics.median(block_median(pn_fn, calls_for(flops)) for _ in range(rounds))
                row = (lbl, dt.name, nt, flops / t_np / 1e9, flops / t_pn / 1e9, t_np / t_pn,
                       t_np * 1e6, t_pn * 1e6)
                rows.append(row)
                print(f"{row[0]:<26}{row[1]:>8}{row[2]:>4}{row[3]:>12.1f}{row[4]:>10.1f}"
                      f"{row[5]:>8.2f}{row[6]:>9.1f}{row[7]:>9.1f}", flush=True)
        finally:
            if limiter is not None:
                limiter.restore_original_limits()
    return rows


if __name__ == "__main__":
    main()
