"""One AVATAR fit on Sines (4 channels, 8,000 iterations), sampled three ways, each scored.

Run from the repository root (8 to 13 min of fitting and about 3 min per variant on
one core of the 2-core CPU)::

    PYTHONPATH=. python benchmarks/runs/avatar_sampling_sines4/sampling_variants.py SEED

- A: as shipped (decoder, then supervisor; batch norms calibrated on prior draws)
- B: decoder only (the supervisor skipped)
- C: decoder and supervisor, batch norms with the running statistics of training

A diagnostic, not a tool: it switches off the calibration during ``fit`` to keep the
training statistics, then applies it by hand.
"""

import json
import sys

import numpy as np
import torch

from tsaugment.benchmark.quality import fit_generator, load_quality_data, score_synthetic
from tsaugment.generators import _aae


def shape_stats(S):
    """Spread of the first step, reach of the peaks, roughness (second differences)."""
    return {
        "first_std": float(S[:, :, 0].std()),
        "frac_max_gt_099": float((S.max(-1) > 0.99).mean()),
        "top": float(S.max()),
        "rough": float(np.diff(S, n=2, axis=-1).std()),
    }


def main(seed):
    torch.set_num_threads(1)
    X, _ = load_quality_data("sines", 0, n_channels=4)
    generator_class = _aae._LatentAdversarialGenerator
    calibrate = generator_class._calibrate_generation_norms
    generator_class._calibrate_generation_norms = lambda self, y_t, **kw: None
    gen, fit_s = fit_generator("avatar", X, iterations=8000, seed=seed)
    generator_class._calibrate_generation_norms = calibrate
    print("fit", round(fit_s), flush=True)
    training_state = {k: v.clone() for k, v in gen.model_.state_dict().items()}
    calibrate(gen, None)
    calibrated_state = {k: v.clone() for k, v in gen.model_.state_dict().items()}
    variants = {
        "A_shipped": (calibrated_state, True),
        "B_decoder_only": (calibrated_state, False),
        "C_training_stats": (training_state, True),
    }
    for name, (state, with_supervisor) in variants.items():
        gen.model_.load_state_dict(state)
        supervisor = gen.model_.supervisor
        if not with_supervisor:
            gen.model_.supervisor = None
        S, _ = gen.sample(len(X))
        gen.model_.supervisor = supervisor
        scores = score_synthetic(X, S, seed=0, n_runs=10, device="cpu")
        row = {
            **shape_stats(S),
            "disc": scores["discriminative"],
            "disc_std": scores["discriminative_runs_std"],
            "pred": scores["predictive"],
        }
        print(name, json.dumps(row), flush=True)
    print("REAL", json.dumps(shape_stats(X)))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
