"""Our discriminative score with the post-hoc GRU started as TensorFlow 1 starts it.

Checks whether the start of the post-hoc network explains a gap between our metric and
TimeGAN's TensorFlow one. Run from the repository root:

    PYTHONPATH=. python benchmarks/runs/avatar_reference_tf/posthoc_tf_start.py FILE.npz

``FILE.npz`` as for ``score_torch.py``. Prints the 10 runs (seed 0) and their mean.
"""

import sys

import numpy as np
import torch

from tsaugment.metrics import discriminative_score
from tsaugment.nn import _posthoc
from tsaugment.nn._init import tensorflow_init_


def main(path):
    torch.set_num_threads(1)
    plain_init = _posthoc.PosthocDiscriminator.__init__

    def tf_started_init(self, *args, **kwargs):
        plain_init(self, *args, **kwargs)
        tensorflow_init_(self)

    _posthoc.PosthocDiscriminator.__init__ = tf_started_init
    arrays = np.load(path)
    real, synth = arrays["real"], arrays["synth"]
    if real.shape[1] > real.shape[2]:  # (n, time, channels) -> (n, channels, time)
        real, synth = real.transpose(0, 2, 1), synth.transpose(0, 2, 1)
    result = discriminative_score(
        real, synth, n_runs=10, random_state=0, device="cpu", return_all=True
    )
    runs = " ".join(f"{v:.3f}" for v in result.scores)
    print(path, "TF-started post-hoc GRU, disc", runs, "mean", round(result.mean, 4))


if __name__ == "__main__":
    main(sys.argv[1])
