"""Our discriminative score with the post-hoc GRU started as TensorFlow 1 starts it.

Checks whether the start of the post-hoc network explains a gap between our metric and
TimeGAN's TensorFlow one. Run from the repository root:

    PYTHONPATH=. python benchmarks/runs/avatar_reference_tf/posthoc_tf_start.py FILE.npz

``FILE.npz`` as for ``score_torch.py``. Prints the 10 runs (seed 0) and their mean.
"""

import os
import sys

import numpy as np
import torch

from tsaugment.metrics import discriminative_score
from tsaugment.nn import _posthoc
from tsaugment.nn._init import tensorflow_init_

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from score_torch import load_pair  # noqa: E402


def main(path):
    torch.set_num_threads(1)
    plain_init = _posthoc.PosthocDiscriminator.__init__

    def tf_started_init(self, *args, **kwargs):
        plain_init(self, *args, **kwargs)
        tensorflow_init_(self)

    _posthoc.PosthocDiscriminator.__init__ = tf_started_init
    real, synth = load_pair(np.load(path))
    result = discriminative_score(
        real, synth, n_runs=10, random_state=0, device="cpu", return_all=True
    )
    runs = " ".join(f"{v:.3f}" for v in result.scores)
    print(path, "TF-started post-hoc GRU, disc", runs, "mean", round(result.mean, 4))


if __name__ == "__main__":
    main(sys.argv[1])
