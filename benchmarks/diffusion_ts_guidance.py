"""Guidance of DiffusionTSGenerator: label fidelity against guidance kind and scale.

For each data set and each kind in ``--guidance`` (``classifier-free``: one
class-conditional model, scales in ``--scales``; ``classifier``: an unconditional model
plus a noisy-series classifier, scales in ``--classifier-scales``), fits one
:class:`tsaugment.DiffusionTSGenerator` (UCR training split, ``--iterations`` steps,
``max_timepoints=64`` as in the benchmark, the fast sampler with ``--sampling-steps``),
then draws ``--per-class`` series of every class at each scale and reports the share
of them put in their intended class by two classifiers fitted on the real training
series: a 1-nearest-neighbour (Euclidean; column ``fidelity``) and the package's
:func:`tsaugment.metrics.label_fidelity` (MiniRocket and ridge, as in the benchmark's
rows; column ``label_fidelity``). The 1-NN's accuracy on the real test split is given
for reference, and the fit and sampling seconds of each kind.

Usage::

    OMP_NUM_THREADS=1 PYTHONPATH=. python benchmarks/diffusion_ts_guidance.py \
        --datasets CBF --iterations 2000 --guidance classifier-free classifier \
        --root DATA_ROOT --csv benchmarks/runs/diffusion_ts/guidance_kinds.csv
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
from tsaugment.metrics import label_fidelity

FIELDS = [
    "dataset",
    "iterations",
    "seed",
    "guidance",
    "fit_s",
    "scale",
    "sample_s",
    "fidelity",
    "label_fidelity",
    "knn_test_accuracy",
]
SCALE_PARAM = {"classifier-free": "guidance_scale", "classifier": "classifier_scale"}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=["CBF"])
    parser.add_argument("--iterations", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--guidance", nargs="+", default=["classifier-free"], choices=list(SCALE_PARAM)
    )
    parser.add_argument("--scales", type=float, nargs="+", default=[0.0, 1.0, 3.0])
    parser.add_argument("--classifier-scales", type=float, nargs="+", default=[0.0, 0.1, 1.0])
    parser.add_argument("--per-class", type=int, default=100)
    parser.add_argument("--sampling-steps", type=int, default=50)
    parser.add_argument("--root", default=None, help="UCR root (else TSAUGMENT_DATA)")
    parser.add_argument("--csv", type=Path, default=Path("diffusion_ts_guidance.csv"))
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    if args.csv.exists():
        with args.csv.open() as fh:
            header = next(csv.reader(fh), [])
        if header != FIELDS:
            parser.error(f"{args.csv} has other columns ({header}); write to a new file")
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
            for kind in args.guidance:
                gen = DiffusionTSGenerator(
                    n_iter=args.iterations,
                    max_timepoints=64,
                    sampling_steps=args.sampling_steps,
                    guidance=kind,
                    random_state=args.seed,
                    device="cpu",
                )
                start = time.perf_counter()
                gen.fit(X, y)
                fit_s = time.perf_counter() - start
                wanted = np.repeat(gen.classes_, args.per_class)
                scales = args.scales if kind == "classifier-free" else args.classifier_scales
                for scale in scales:
                    gen.set_params(**{SCALE_PARAM[kind]: scale})
                    start = time.perf_counter()
                    X_new, y_new = gen.sample(len(wanted), y=wanted)
                    sample_s = time.perf_counter() - start
                    fidelity = float(np.mean(knn.predict(X_new.reshape(len(X_new), -1)) == y_new))
                    lf = label_fidelity(X, y, X_new, y_new, random_state=args.seed).score
                    row = {
                        "dataset": name,
                        "iterations": args.iterations,
                        "seed": args.seed,
                        "guidance": kind,
                        "fit_s": round(fit_s, 1),
                        "scale": scale,
                        "sample_s": round(sample_s, 1),
                        "fidelity": round(fidelity, 4),
                        "label_fidelity": round(lf, 4),
                        "knn_test_accuracy": round(acc, 4),
                    }
                    writer.writerow(row)
                    fh.flush()
                    print(row, flush=True)


if __name__ == "__main__":
    main()
