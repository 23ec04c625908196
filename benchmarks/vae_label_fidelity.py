"""Label fidelity of LatentVAEAugmenter's synthetic series on UCR data sets.

    OMP_NUM_THREADS=1 NUMBA_NUM_THREADS=1 python benchmarks/vae_label_fidelity.py \
        --root <UCR folder> --output vae_label_fidelity.csv \
        [--epochs 100 400] [--noise 0.1 0.5] [--accuracy]

Per data set, seed, number of epochs and latent noise, the VAE (its defaults
otherwise) is drawn from as a benchmark cell draws it:
``Augmenter(vae, ratio=1, random_state=seed)`` on the training split, one synthetic
series per training series, classes in their training proportions. Columns:

- ``label_fidelity``: :func:`tsaugment.metrics.label_fidelity` of that synthetic set,
  its checker (MiniRocket + ridge) fitted on the training split with ``random_state``
  the seed (the benchmark rows' own measure); ``worst_class``: its lowest per-class
  share;
- ``latent_spread``: mean over latent dimensions of the standard deviation of the
  training series' posterior means (``latent_mean_``); near 0 when the posterior has
  collapsed and every series decodes to about the same series;
- ``copy_ratio``: mean Euclidean distance from a synthetic series to its nearest
  training series, over the mean distance from a training series to its nearest other
  training series; near 0 for copies of the training set, about 1 for series as far
  from the training set as its members are from each other;
- ``fit_s``: seconds of ``fit_resample`` (fitting the VAE and drawing);
- with ``--accuracy``: test accuracy of the benchmark's MiniRocket trained on the
  originals alone (``accuracy_none``, once per data set and seed) and on the
  originals plus the synthetic set (``accuracy_vae``).

The script uses the tsaugment found on the path, so the same file measures two
versions of the package (``--tag`` names the version in the rows).
"""

import argparse
import csv
import itertools
import time

import numpy as np
import torch
from sklearn.base import clone

import tsaugment
from tsaugment import Augmenter, LatentVAEAugmenter
from tsaugment.benchmark import make_classifier
from tsaugment.datasets import load_ucr
from tsaugment.metrics import label_fidelity

DATASETS = ["ArrowHead", "Beef", "Coffee", "GunPoint", "ECG200", "Wine"]
COLUMNS = [
    "tag",
    "dataset",
    "n_classes",
    "seed",
    "epochs",
    "noise",
    "min_steps",
    "label_fidelity",
    "worst_class",
    "latent_spread",
    "copy_ratio",
    "fit_s",
    "accuracy_none",
    "accuracy_vae",
]


def copy_ratio(X_syn, X):
    """Nearest-training-series distance of synthetic series over that of training ones."""
    to_train = np.sqrt(((X_syn[:, None] - X[None]) ** 2).sum(axis=(2, 3)))
    within = np.sqrt(((X[:, None] - X[None]) ** 2).sum(axis=(2, 3)))
    np.fill_diagonal(within, np.inf)
    return float(to_train.min(axis=1).mean() / within.min(axis=1).mean())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True, help="UCR folder (NAME/NAME_TRAIN.tsv)")
    parser.add_argument("--output", required=True, help="CSV file (rows are appended)")
    parser.add_argument("--datasets", nargs="+", default=DATASETS)
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument(
        "--epochs", nargs="+", type=int, default=[100], help="default: the small budget's 100"
    )
    parser.add_argument(
        "--noise", nargs="+", type=float, default=[0.1], help="default: the VAE's 0.1"
    )
    parser.add_argument(
        "--min-steps", type=int, default=None, help="LatentVAEAugmenter(min_steps=...)"
    )
    parser.add_argument("--accuracy", action="store_true", help="also MiniRocket accuracy")
    parser.add_argument("--tag", default=tsaugment.__version__)
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(f"tsaugment from {tsaugment.__file__}", flush=True)

    with open(args.output, "a", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        if handle.tell() == 0:
            writer.writeheader()
        for name in args.datasets:
            X, y = load_ucr(name, split="train", root=args.root)
            if args.accuracy:
                X_test, y_test = load_ucr(name, split="test", root=args.root)
            for seed in args.seeds:
                accuracy_none = float("nan")
                if args.accuracy:
                    clf = make_classifier("rocket", seed)
                    accuracy_none = clone(clf).fit(X, y).score(X_test, y_test)
                for epochs, noise in itertools.product(args.epochs, args.noise):
                    params = {"n_epochs": epochs, "noise": noise}
                    if args.min_steps is not None:  # a parameter the fix added
                        params["min_steps"] = args.min_steps
                    augmenter = Augmenter(
                        LatentVAEAugmenter(**params),
                        ratio=1.0,
                        random_state=seed,
                    )
                    start = time.perf_counter()
                    X_all, y_all = augmenter.fit_resample(X, y)
                    fit_s = time.perf_counter() - start
                    vae = augmenter.generator_
                    X_syn, y_syn = X_all[len(X) :], y_all[len(X) :]
                    fidelity = label_fidelity(X, y, X_syn, y_syn, random_state=seed)
                    row = {
                        "tag": args.tag,
                        "dataset": name,
                        "n_classes": len(np.unique(y)),
                        "seed": seed,
                        "epochs": epochs,
                        "noise": noise,
                        "min_steps": args.min_steps,
                        "label_fidelity": round(fidelity.score, 4),
                        "worst_class": round(min(fidelity.per_class.values()), 4),
                        "latent_spread": round(float(vae.latent_mean_.std(axis=0).mean()), 4),
                        "copy_ratio": round(copy_ratio(X_syn, X), 4),
                        "fit_s": round(fit_s, 2),
                        "accuracy_none": round(accuracy_none, 4),
                        "accuracy_vae": float("nan"),
                    }
                    if args.accuracy:
                        fitted = clone(clf).fit(X_all, y_all)
                        row["accuracy_vae"] = round(fitted.score(X_test, y_test), 4)
                    writer.writerow(row)
                    handle.flush()
                    print(row, flush=True)


if __name__ == "__main__":
    main()
