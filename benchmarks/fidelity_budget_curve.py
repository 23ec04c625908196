"""Held-out label fidelity of learned generators' samples against their training budget.

    OMP_NUM_THREADS=1 python benchmarks/fidelity_budget_curve.py --root <UCR folder> \
        --datasets GunPoint ArrowHead --generators aae avatar diffusion_ts --output curve.csv

What ``--budget fidelity`` (``tsaugment.early_stopping.FidelityBudgetSearch``) sees,
at every budget rather than until it stops: per data set, generator and seed, the
search at its defaults (a stratified quarter of the training split held out, a
MiniRocket + ridge classifier fitted on it, the generator fitted on the rest at 10,
20, 40, ... passes) but with no early stop, up to ``--max-passes``. A row per budget:
the share of the generator's samples (as many per class as the held-out quarter has)
that the held-out classifier puts in their class. ``small_passes`` is what the
benchmark's "small" budget makes over the same training part, for comparison. A row
``generator="real"`` per data set and seed is the ceiling: a classifier fitted on a
held-out quarter of the same size scoring the real series of the other three quarters
(``tsaugment.metrics.label_fidelity``; a split of its own, not the search's).
Generators are built as the benchmark builds them (``make_augmenter``), on one CPU
thread.
"""

from __future__ import annotations

import argparse
import csv
import math
import time

import numpy as np
import torch
from sklearn.model_selection import train_test_split

from tsaugment.benchmark import make_augmenter, resolve_budget
from tsaugment.datasets import load_ucr
from tsaugment.early_stopping import FidelityBudgetSearch
from tsaugment.metrics import label_fidelity


def small_passes(generator, n_fit: int) -> float:
    """Passes over ``n_fit`` series that the generator's "small" budget makes."""
    params = generator.get_params(deep=False)
    if "n_iter" in params:
        return params["n_iter"] * min(params.get("batch_size", n_fit), n_fit) / n_fit
    return float(params["n_epochs"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True, help="folder of UCR data sets")
    parser.add_argument("--datasets", nargs="+", required=True)
    parser.add_argument("--generators", nargs="*", default=["aae", "avatar", "diffusion_ts"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0])
    parser.add_argument("--max-passes", type=float, default=640)
    parser.add_argument("--output", required=True, help="CSV file to write")
    args = parser.parse_args()
    torch.set_num_threads(1)
    n_budgets = int(math.log2(args.max_passes / 10)) + 1
    with open(args.output, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "dataset",
                "generator",
                "seed",
                "n_classes",
                "n_fit",
                "passes",
                "fidelity",
                "small_passes",
                "search_s",
            ]
        )
        for dataset in args.datasets:
            X, y = load_ucr(dataset, split="train", root=args.root)
            n_val = max(len(np.unique(y)), math.ceil(0.25 * len(y)))
            for seed in args.seeds:
                X_fit, X_val, y_fit, y_val = train_test_split(
                    X, y, test_size=n_val, stratify=y, random_state=seed
                )
                real = label_fidelity(X_val, y_val, X_fit, y_fit, random_state=seed).score
                writer.writerow(
                    [
                        dataset,
                        "real",
                        seed,
                        len(np.unique(y)),
                        len(y_fit),
                        "",
                        round(real, 4),
                        "",
                        "",
                    ]
                )
                print(dataset, "real", seed, round(real, 4), flush=True)
            for name in args.generators:
                for seed in args.seeds:
                    generator = make_augmenter(name, resolve_budget("small"), seed)
                    search = FidelityBudgetSearch(
                        generator,
                        max_passes=args.max_passes,
                        patience=n_budgets,  # every budget, no early stop
                        random_state=seed,
                    )
                    start = time.perf_counter()
                    search.fit(X, y)
                    seconds = time.perf_counter() - start
                    n_fit = len(y) - n_val
                    for passes, score in search.budget_scores_.items():
                        writer.writerow(
                            [
                                dataset,
                                name,
                                seed,
                                len(np.unique(y)),
                                n_fit,
                                passes,
                                round(score, 4),
                                round(small_passes(generator, n_fit), 1),
                                round(seconds, 1),
                            ]
                        )
                    handle.flush()
                    print(
                        dataset, name, seed, search.budget_scores_, f"{seconds:.0f} s", flush=True
                    )


if __name__ == "__main__":
    main()
