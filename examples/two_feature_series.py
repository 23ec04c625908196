"""Synthetic careers: a two-feature series (years of experience, salary).

Fits a generator on 24-step career trajectories and compares real and synthetic data:
per-feature KDE overlap, a real-versus-synthetic correlation scatter, the statistics
table with relative differences, and 3D trajectories (time, years, salary).

Small settings (about a minute on a laptop CPU):
"""

import os
import sys
import tempfile
from pathlib import Path

N_CAREERS = 400  # real series
N_ITER = 300  # optimiser steps per training phase
if os.environ.get("TSAUGMENT_EXAMPLES_SMALL"):
    N_CAREERS, N_ITER = 60, 5
# Figures go to the folder given as the first argument (or in $TSAUGMENT_EXAMPLES_OUT);
# without one, to a temporary folder removed at exit: nothing is left behind.
_SCRATCH = tempfile.TemporaryDirectory()
OUT = Path(sys.argv[1] if len(sys.argv) > 1 else os.getenv("TSAUGMENT_EXAMPLES_OUT", _SCRATCH.name))

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from tsaugment import AvatarGenerator  # noqa: E402
from tsaugment.metrics import correlation_score, distribution_table  # noqa: E402
from tsaugment.plotting import plot_kde, plot_trajectories_3d  # noqa: E402

OUT.mkdir(parents=True, exist_ok=True)

# 24 yearly observations per career: experience grows by one a year from a random
# start; salary grows with experience, with a personal rate and yearly noise.
rng = np.random.default_rng(0)
start = rng.uniform(0, 10, size=(N_CAREERS, 1))
years = start + np.arange(24)
rate = rng.uniform(0.02, 0.06, size=(N_CAREERS, 1))
salary = 40_000 * np.exp(rate * years) + rng.normal(0, 1500, size=years.shape)
X = np.stack([years, salary], axis=1)  # (n, 2, 24)

generator = AvatarGenerator(n_iter=N_ITER, random_state=0).fit(X)
X_synth, _ = generator.sample(N_CAREERS)

print(distribution_table(X, X_synth).round(2).to_string())
print(f"correlation score (lower is better): {correlation_score(X, X_synth):.3f}")

plot_kde(X, X_synth, channel_names=["years", "salary"]).savefig(OUT / "careers_kde.png", dpi=80)

fig, axes = plt.subplots(1, 2, figsize=(8, 3.5), sharex=True, sharey=True)
for ax, data, title in zip(axes, (X, X_synth), ("real", "synthetic")):
    ax.scatter(data[:, 0].ravel(), data[:, 1].ravel(), s=2, alpha=0.3)
    r = np.corrcoef(data[:, 0].ravel(), data[:, 1].ravel())[0, 1]
    ax.set(title=f"{title}: r = {r:.2f}", xlabel="years of experience", ylabel="salary")
fig.tight_layout()
fig.savefig(OUT / "careers_correlation.png", dpi=80)

plot_trajectories_3d(X, X_synth, n_series=20).savefig(OUT / "careers_3d.png", dpi=80)
print(f"figures written to {OUT}/")
