"""Handwritten digits (scikit-learn's bundled 8x8 images, no download) with
``pyneural.sklearn.NeuralNetClassifier``: ten classes, softmax + cross-entropy.

    python examples/digits.py [--seed 0] [--threads 1]

Scaled pixels -> 64 -> 100 ReLU -> 10 softmax, Adam, the estimator's defaults;
a stratified 75/25 split; prints the held-out accuracy and log-loss.
"""

from __future__ import annotations

import argparse
import time

from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from pyneural.metrics import accuracy_score, log_loss
from pyneural.sklearn import NeuralNetClassifier


def run(seed: int = 0, n_threads: int | None = None) -> dict:
    """Train on 75 % of the digits and score the held-out 25 %."""
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, stratify=y, random_state=seed)
    model = make_pipeline(
        StandardScaler(),
        NeuralNetClassifier(hidden_layer_sizes=(100,), learning_rate=1e-3, epochs=200, batch_size=32,
                            random_state=seed, n_threads=n_threads),
    )
    start = time.perf_counter()
    model.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    clf = model[-1]
    return {
        "accuracy": accuracy_score(y_test, model.predict(X_test)),
        "log_loss": log_loss(y_test, model.predict_proba(X_test)),
        "train_accuracy": accuracy_score(y_train, model.predict(X_train)),
        "epochs": clf.n_iter_,
        "seconds": seconds,
        "n_train": len(y_train),
        "n_test": len(y_test),
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=None, help="engine threads (default: all cores)")
    args = parser.parse_args(argv)
    r = run(args.seed, args.threads)
    print(f"digits: {r['n_train']} training / {r['n_test']} test images, {r['epochs']} epochs in {r['seconds']:.2f} s")
    print(f"test accuracy  {r['accuracy']:.4f}   (train {r['train_accuracy']:.4f})")
    print(f"test log-loss  {r['log_loss']:.4f}")


if __name__ == "__main__":
    main()
