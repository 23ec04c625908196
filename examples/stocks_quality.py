"""Fit AVATAR and TimeGAN on Stocks and judge their synthetic data.

Shows the TimeGAN-protocol scores (discriminative and predictive), the PCA and t-SNE
embedding plot and the per-channel statistics table.

Small settings (a few minutes on a laptop CPU); the papers train 8,000 (AVATAR) and
50,000 (TimeGAN) iterations per phase, which takes hours on a CPU:
"""

import os
import sys
import tempfile
from pathlib import Path

N_ITER = 300  # optimiser steps per training phase
METRIC_ITER = 500  # post-hoc GRU steps of each score (the protocol uses 2,000 / 5,000)
N_SERIES = 1000  # windows of Stocks used for training
if os.environ.get("TSAUGMENT_EXAMPLES_SMALL"):  # the test suite runs every example tiny
    N_ITER, METRIC_ITER, N_SERIES = 5, 20, 200
# Figures go to the folder given as the first argument (or in $TSAUGMENT_EXAMPLES_OUT);
# without one, to a temporary folder removed at exit: nothing is left behind.
_SCRATCH = tempfile.TemporaryDirectory()
OUT = Path(sys.argv[1] if len(sys.argv) > 1 else os.getenv("TSAUGMENT_EXAMPLES_OUT", _SCRATCH.name))

import matplotlib  # noqa: E402

matplotlib.use("Agg")

from tsaugment import AvatarGenerator, TimeGANGenerator  # noqa: E402
from tsaugment.datasets import load_stocks  # noqa: E402
from tsaugment.metrics import (  # noqa: E402
    discriminative_score,
    distribution_table,
    predictive_score,
)
from tsaugment.plotting import plot_embedding  # noqa: E402

OUT.mkdir(parents=True, exist_ok=True)
X = load_stocks()[:N_SERIES]  # (n, 6, 24): Open, High, Low, Close, Adj_Close, Volume

for name, generator in [
    ("avatar", AvatarGenerator(n_iter=N_ITER, random_state=0)),
    ("timegan", TimeGANGenerator(n_iter=N_ITER, random_state=0)),
]:
    generator.fit(X)
    X_synth, _ = generator.sample(len(X))
    disc = discriminative_score(X, X_synth, n_iter=METRIC_ITER, random_state=0)
    pred = predictive_score(X, X_synth, n_iter=METRIC_ITER, random_state=0)
    print(f"{name}: discriminative {disc:.3f}, predictive {pred:.3f}")
    print(distribution_table(X, X_synth).round(3).to_string())
    for method in ("pca", "tsne"):
        fig = plot_embedding(X, X_synth, method=method)
        fig.savefig(OUT / f"stocks_{name}_{method}.png", dpi=80)
print(f"figures written to {OUT}/")
