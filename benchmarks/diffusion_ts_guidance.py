"""Classifier-free guidance of DiffusionTSGenerator: label fidelity against guidance scale.

Fits one class-conditional :class:`tsaugment.DiffusionTSGenerator` per data set (UCR
training split, ``--iterations`` steps, ``max_timepoints=64`` as in the benchmark,
the fast sampler with ``--sampling-steps``), then draws ``--per-class`` series of every
class at each guidance scale in ``--scales`` and reports the share of them that a
1-nearest-neighbour classifier (Euclidean) fitted on the real training series assigns
to their intended class. The classifier's accuracy on the real test split is given
for reference.

Usage::

    OMP_NUM_THREADS=1 PYTHONPATH=. python benchmarks/diffusion_ts_guidance.py \
        --datasets CBF --iterations 500 --root DATA_ROOT \
        --csv benchmarks/runs/diffusion_ts/guidance.csv
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

import numpy as np
import torch
from sklearn.neighbors import KNeighborsClassifier

from tsaugment import DiffusionTSGenerator
from tsaugment.datasets import load_ucr

FIELDS = ["dataset", "iterations", "seed", "fit_s", "scale", "fidelity", "knn_test_accuracy"]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=["CBF"])
    parser.add_argument("--iterations", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--scales", type=float, nargs="+", default=[0.0, 1.0, 3.0])
    parser.add_argument("--per-class", type=int, default=100)
    parser.add_argument("--sampling-steps", type=int, default=50)
    parser.add_argument("--root", default=None, help="UCR root (else TSAUGMENT_DATA)")
    parser.add_argument("--csv", type=Path, default=Path("diffusion_ts_guidance.csv"))
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    new = not args.csv.exists()
    with args.csv.open("a", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=FIELDS)
        if new:
            writer.writeheader()
        for name in args.datasets:
            X, y = load_ucr(name, split="train", root=args.root)
            X_test, y_test = load_ucr(name, split="test", root=args.root)
            knn = KNeighborsClassifier(n_neighbors=1).fit(X.reshape(len(X), -1), y)
            acc = knn.score(X_test.reshape(len(X_test), -1), y_test)
            gen = DiffusionTSGenerator(
                n_iter=args.iterations,
                max_timepoints=64,
                sampling_steps=args.sampling_steps,
                random_state=args.seed,
                device="cpu",
            )
            start = time.perf_counter()
            gen.fit(X, y)
            fit_s = time.perf_counter() - start
            wanted = np.repeat(gen.classes_, args.per_class)
            for scale in args.scales:
                X_new, y_new = gen.set_params(guidance_scale=scale).sample(len(wanted), y=wanted)
                fidelity = float(np.mean(knn.predict(X_new.reshape(len(X_new), -1)) == y_new))
                row = {
                    "dataset": name,
                    "iterations": args.iterations,
                    "seed": args.seed,
                    "fit_s": round(fit_s, 1),
                    "scale": scale,
                    "fidelity": round(fidelity, 4),
                    "knn_test_accuracy": round(acc, 4),
                }
                writer.writerow(row)
                fh.flush()
                print(row, flush=True)


if __name__ == "__main__":
    main()
