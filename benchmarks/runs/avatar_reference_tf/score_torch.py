"""Score saved series with tsaugment's TimeGAN-protocol metrics, and describe their shape.

Run from the repository root:

    PYTHONPATH=. python benchmarks/runs/avatar_reference_tf/score_torch.py FILE.npz [RUNS]

``FILE.npz`` holds ``real`` and ``synth``, ``(n, time, channels)`` or ``(n, channels,
time)`` (``reference_graph.py`` writes such files), and optionally ``h_real``, the
encoder's codes of the real series. To pair a file of ``tsaugment quality
--save-dir`` (``X_synth`` only) with the real series it was fitted on:

    PYTHONPATH=. python benchmarks/runs/avatar_reference_tf/score_torch.py \
        --pair sines4|stocks SAVED.npz OUT.npz

It prints the discriminative score (mean, spread and the tutorial's trimmed mean over
RUNS post-hoc runs, default 10), the predictive score, and for both panels the spread
of the first step, the share of (series, channel) pairs whose maximum passes 0.99, and the roughness
(standard deviation of second differences over time). With ``h_real``: how far the
codes of real series are from the prior's white noise (lag-1 autocorrelation after
removing the mean over series, and roughness; U(0, 1) noise has 0 and 0.707).
"""

import json
import sys

import numpy as np
import torch

from tsaugment.benchmark.quality import load_quality_data, score_synthetic


def shape_stats(S):
    """Spread of the first step, reach of the peaks, roughness; ``S`` is (n, channels, time)."""
    return {
        "first_std": round(float(S[:, :, 0].std()), 4),
        "frac_max_gt_099": round(float((S.max(-1) > 0.99).mean()), 3),
        "roughness": round(float(np.diff(S, n=2, axis=-1).std()), 4),
    }


def code_stats(H):
    """Temporal structure of codes ``(n, time, units)``."""
    centred = H - H.mean(0)
    lag1 = (centred[:, 1:] * centred[:, :-1]).mean() / centred.var()
    return {
        "lag1_autocorr": round(float(lag1), 3),
        "roughness": round(float(np.diff(H, n=2, axis=1).std()), 4),
    }


def pair(dataset, saved, out):
    if dataset not in ("sines4", "stocks"):
        raise SystemExit(f"--pair takes sines4 or stocks, got {dataset!r}")
    real = load_quality_data("sines" if dataset == "sines4" else dataset, 0, n_channels=4)[0]
    np.savez(out, real=real, synth=np.load(saved)["X_synth"])


def load_pair(arrays):
    """``real`` and ``synth`` of a loaded file, as ``(n, channels, time)``.

    The files come in either layout; every series here has more steps than channels.
    """
    real, synth = arrays["real"], arrays["synth"]
    if real.shape[1] > real.shape[2]:  # (n, time, channels) -> (n, channels, time)
        real, synth = real.transpose(0, 2, 1), synth.transpose(0, 2, 1)
    return real, synth


def main(path, runs):
    torch.set_num_threads(1)
    arrays = np.load(path)
    real, synth = load_pair(arrays)
    scores = score_synthetic(real, synth, seed=0, n_runs=runs, device="cpu")
    keys = ("discriminative", "discriminative_runs_std", "discriminative_trimmed", "predictive")
    row = {k: round(float(scores[k]), 4) for k in keys}
    row["discriminative_runs"] = scores["discriminative_runs"]
    row["synth"], row["real"] = shape_stats(synth), shape_stats(real)
    if "h_real" in arrays.files:
        row["codes_of_real"] = code_stats(arrays["h_real"])
    print(path, json.dumps(row), flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "--pair":
        pair(*sys.argv[2:5])
    else:
        main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 10)
