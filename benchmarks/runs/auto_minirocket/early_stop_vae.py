"""LatentVAEAugmenter at a fixed budget vs stopped by held-out label fidelity, MiniRocket.

    OMP_NUM_THREADS=1 NUMBA_NUM_THREADS=1 python \
        benchmarks/runs/auto_minirocket/early_stop_vae.py --root <UCR folder> --output <csv>

Per data set and seed: no augmentation; the VAE at 100 epochs (the benchmark's
"small" budget); the VAE at the epochs FidelityBudgetSearch chooses among 10, 20,
40, ... (at most 160) on a held-out quarter of the training split, then fitted on all
of it by the Augmenter. (The committed early_stop_vae.csv was made by the earlier
form of this search, FidelityStoppedGenerator, which refitted the VAE itself with a
seed of its own; the budgets chosen are the same rule.) Ratio 1, MiniRocket with
2,000 kernels (the "small" budget's), accuracy on the test split, and the label
fidelity of the synthetic set the classifier trained on.
"""

import argparse
import csv
import time

import torch
from sklearn.metrics import accuracy_score
from sktime.classification.kernel_based import RocketClassifier

from tsaugment import Augmenter, LatentVAEAugmenter
from tsaugment.classifiers import SktimeClassifier
from tsaugment.datasets import load_ucr
from tsaugment.early_stopping import FidelityBudgetSearch
from tsaugment.metrics import label_fidelity

DATASETS = ["GunPoint", "Coffee", "ArrowHead", "Beef", "ECG200", "Wine"]

parser = argparse.ArgumentParser()
parser.add_argument("--root", required=True)
parser.add_argument("--output", required=True)
parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
parser.add_argument("--datasets", nargs="+", default=DATASETS)
args = parser.parse_args()
torch.set_num_threads(1)

with open(args.output, "w", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(["dataset", "seed", "variant", "accuracy", "label_fidelity", "epochs", "fit_s"])
    for name in args.datasets:
        X, y = load_ucr(name, split="train", root=args.root)
        X_test, y_test = load_ucr(name, split="test", root=args.root)
        for seed in args.seeds:
            variants = {
                "none": None,
                "vae_100": LatentVAEAugmenter(n_epochs=100, device="cpu"),
                "vae_stopped": FidelityBudgetSearch(
                    LatentVAEAugmenter(device="cpu"),
                    min_passes=10,
                    max_passes=160,
                    random_state=seed,
                ),
            }
            for variant, generator in variants.items():
                clf = SktimeClassifier(
                    RocketClassifier(
                        rocket_transform="minirocket", num_kernels=2000, random_state=seed
                    )
                )
                start = time.perf_counter()
                X_fit, y_fit, fidelity, epochs = X, y, float("nan"), 0
                if isinstance(generator, FidelityBudgetSearch):
                    generator = generator.fit(X, y).best_generator_
                if generator is not None:
                    aug = Augmenter(generator, ratio=1.0, random_state=seed)
                    X_fit, y_fit = aug.fit_resample(X, y)
                    n = len(X)
                    fidelity = label_fidelity(X, y, X_fit[n:], y_fit[n:], random_state=seed).score
                    epochs = aug.generator_.n_epochs
                fit_s = time.perf_counter() - start
                accuracy = accuracy_score(y_test, clf.fit(X_fit, y_fit).predict(X_test))
                row = [name, seed, variant, f"{accuracy:.4f}", f"{fidelity:.3f}", epochs]
                writer.writerow([*row, f"{fit_s:.1f}"])
                handle.flush()
                print(*row, f"{fit_s:.1f}", flush=True)
