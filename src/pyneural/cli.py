"""The ``pyneural`` command line.

Every subcommand has ``--help``. Errors print one line on stderr and exit with a
non-zero status; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import sys
import time

__all__ = ["main"]


def _cmd_demo(args) -> int:
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
    pn.show_config()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pyneural", description="Dense neural networks for tabular data.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = sub.add_parser("demo", help="train small models on built-in data and print what they learned")
    demo.set_defaults(func=_cmd_demo)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        from . import __version__

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
        print(f"pyneural: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
