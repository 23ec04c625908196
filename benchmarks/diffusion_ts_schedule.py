"""DiffusionTSGenerator at a short step budget: the paper's schedule against a scaled one.

The paper's schedule warms the learning rate up over 500 steps and halves it after 2,000
steps without a 10 % lower loss; with the benchmark's small budget (300 steps) the fit
ends inside the warm-up. ``scaled`` keeps the paper's proportions of a 10,000-step run
instead: ``warmup_iter = n_iter // 20`` and ``plateau_patience = n_iter // 5``.

Per data set, seed and schedule: ``Augmenter(DiffusionTSGenerator(...), ratio=1)`` on the
UCR training split (``max_timepoints=64`` and the 50-step fast sampler, as in the
benchmark); the row gives the label fidelity of the synthetic set
(:func:`tsaugment.metrics.label_fidelity`), the mean training loss of the last tenth of
the steps, and MiniRocket's test accuracy trained on the originals alone and on
originals plus synthetic series (the benchmark's ``rocket``).

Usage::

    OMP_NUM_THREADS=1 PYTHONPATH=. python benchmarks/diffusion_ts_schedule.py \\
        --datasets Chinatown CBF --iterations 300 --seeds 0 1 --root DATA_ROOT \\
        --csv diffusion_ts_schedule.csv
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

import numpy as np
import torch
from sklearn.base import clone

from tsaugment import Augmenter, DiffusionTSGenerator
from tsaugment.benchmark import make_classifier
from tsaugment.datasets import load_ucr
from tsaugment.metrics import label_fidelity

FIELDS = [
    "dataset",
    "iterations",
    "seed",
    "schedule",
    "warmup_iter",
    "plateau_patience",
    "fit_s",
    "final_loss",
    "label_fidelity",
    "accuracy_none",
    "accuracy_augmented",
]


def schedule_params(schedule: str, n_iter: int) -> dict:
    """Warm-up and plateau patience of a schedule for ``n_iter`` steps."""
    if schedule == "paper":
        return {"warmup_iter": 500, "plateau_patience": 2000}
    return {"warmup_iter": max(1, n_iter // 20), "plateau_patience": max(1, n_iter // 5)}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=["Chinatown", "CBF"])
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--schedules", nargs="+", default=["paper", "scaled"])
    parser.add_argument("--root", default=None, help="UCR root (else TSAUGMENT_DATA)")
    parser.add_argument("--csv", type=Path, default=Path("diffusion_ts_schedule.csv"))
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
            for seed in args.seeds:
                clf = make_classifier("rocket", seed)
                accuracy_none = clone(clf).fit(X, y).score(X_test, y_test)
                for schedule in args.schedules:
                    params = schedule_params(schedule, args.iterations)
                    generator = DiffusionTSGenerator(
                        n_iter=args.iterations,
                        max_timepoints=64,
                        sampling_steps=50,
                        device="cpu",
                        **params,
                    )
                    augmenter = Augmenter(generator, ratio=1.0, random_state=seed)
                    start = time.perf_counter()
                    X_all, y_all = augmenter.fit_resample(X, y)
                    fit_s = time.perf_counter() - start
                    X_syn, y_syn = X_all[len(X) :], y_all[len(X) :]
                    loss = augmenter.generator_.history_["diffusion"]["loss"]
                    row = {
                        "dataset": name,
                        "iterations": args.iterations,
                        "seed": seed,
                        "schedule": schedule,
                        **params,
                        "fit_s": round(fit_s, 1),
                        "final_loss": round(float(np.mean(loss[-max(1, len(loss) // 10) :])), 4),
                        "label_fidelity": round(
                            label_fidelity(X, y, X_syn, y_syn, random_state=seed).score, 4
                        ),
                        "accuracy_none": round(accuracy_none, 4),
                        "accuracy_augmented": round(
                            clone(clf).fit(X_all, y_all).score(X_test, y_test), 4
                        ),
                    }
                    writer.writerow(row)
                    fh.flush()
                    print(row, flush=True)


if __name__ == "__main__":
    main()
