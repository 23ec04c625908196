"""Class-conditional sampling, and saving a fitted generator for later.

Fits TimeGAN with labels on a two-class data set, draws series of a chosen class,
saves the generator to one file and loads it back (the file runs no code when read).

Small settings (about a minute on a laptop CPU):
"""

import os
import sys
import tempfile
from pathlib import Path

N_ITER = 200  # optimiser steps per training phase
if os.environ.get("TSAUGMENT_EXAMPLES_SMALL"):
    N_ITER = 5
# Figures (and files) go to the folder given as the first argument (or in $TSAUGMENT_EXAMPLES_OUT);
# without one, to a temporary folder removed at exit: nothing is left behind.
_SCRATCH = tempfile.TemporaryDirectory()
OUT = Path(sys.argv[1] if len(sys.argv) > 1 else os.getenv("TSAUGMENT_EXAMPLES_OUT", _SCRATCH.name))

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import numpy as np  # noqa: E402

from tsaugment import TimeGANGenerator  # noqa: E402
from tsaugment.datasets import load_ucr  # noqa: E402
from tsaugment.plotting import plot_samples  # noqa: E402

OUT.mkdir(parents=True, exist_ok=True)
X, y = load_ucr("ItalyPowerDemand", split="train")  # 67 daily load curves, 2 classes

generator = TimeGANGenerator(n_iter=N_ITER, random_state=0).fit(X, y)
X_new, y_new = generator.sample(10, y="1")  # ten series of class "1"
print("asked for class '1', got", sorted(set(y_new.tolist())), X_new.shape)
X_mix, y_mix = generator.sample(20)  # labels follow the training frequencies
labels, counts = np.unique(y_mix, return_counts=True)
print("labels drawn by class frequency:", dict(zip(labels.tolist(), counts.tolist())))

path = OUT / "timegan_italy.tsaug"
generator.save(path)
restored = TimeGANGenerator.load(path)  # no code from the file is run
size_kib = path.stat().st_size / 1024
print(f"saved to {path} ({size_kib:.0f} KiB); loaded back a", type(restored).__name__)
assert (restored.sample(3, y="2")[1] == "2").all()

plot_samples(X, X_mix, y_real=y, y_synth=y_mix).savefig(OUT / "italy_samples.png", dpi=80)
print(f"figures written to {OUT}/")
