"""Which weights should the ResNet keep on tiny training sets?

Usage: PYTHONPATH=. python benchmarks/runs/resnet_selection/selection.py UCR_ROOT OUT.csv

The ResNet grid's baseline cells (budget "small": at most 300 epochs, patience 50) on
the five smallest of its data sets, 3 seeds, with two rules for early stopping and for
the epoch whose weights are kept:

- "validation": the loss on a stratified fifth of the training series
  (``selection="validation", validation_size=0.2``), as the grid ran;
- "train": the training loss on all series (``selection="train_loss"``, as the original
  ResNet code does, and today's default).

Both rules are passed explicitly, with the rest of the ResNet protocol of that time
(today's defaults are the published protocol: 1,500 epochs, no early stopping): 300
epochs, mini-batches of 16, early stopping after 50 epochs without improvement, the
learning rate halved after 26 (torch then counted 25 beyond its patience; it then
compared relative, now absolute, improvements of 1e-4).

Prints test accuracy, the epoch kept and the epochs run; two cells at a time, one
torch thread each.
"""

import sys
import time

import pandas as pd
from joblib import Parallel, delayed

DATASETS = ["ArrowHead", "Beef", "BeetleFly", "Wine", "FaceFour"]
RULES = {
    "validation": {"selection": "validation", "validation_size": 0.2},
    "train": {"selection": "train_loss"},
}
# the ResNet's protocol when the table was measured (the grid's budget "small")
PROTOCOL_OF_THEN = {"n_epochs": 300, "batch_size": 16, "patience": 50, "lr_patience": 26}


def run(dataset, seed, rule, root):
    import torch

    from tsaugment.benchmark import make_classifier
    from tsaugment.datasets import load_ucr

    torch.set_num_threads(1)
    X, y = load_ucr(dataset, split="train", root=root)
    X_test, y_test = load_ucr(dataset, split="test", root=root)
    clf = make_classifier("resnet", seed, params={**PROTOCOL_OF_THEN, **RULES[rule]})
    start = time.perf_counter()
    clf.fit(X, y)
    return {
        "dataset": dataset,
        "seed": seed,
        "rule": rule,
        "n_train": len(X),
        "accuracy": float((clf.predict(X_test) == y_test).mean()),
        "best_epoch": clf.best_epoch_,
        "epochs_run": clf.n_epochs_,
        "seconds": round(time.perf_counter() - start, 1),
    }


if __name__ == "__main__":
    root, out = sys.argv[1:3]
    jobs = [(d, s, r) for d in DATASETS for s in (0, 1, 2) for r in RULES]
    rows = Parallel(n_jobs=2, verbose=5)(delayed(run)(d, s, r, root) for d, s, r in jobs)
    table = pd.DataFrame(rows)
    table.to_csv(out, index=False)
    print(table.to_string())
    print(
        table.groupby(["dataset", "rule"])
        .agg(mean=("accuracy", "mean"), std=("accuracy", "std"), best_epoch=("best_epoch", "mean"))
        .round(3)
        .unstack("rule")
        .to_string()
    )
