"""Quality of synthetic data under the TimeGAN protocol, on Sines and Stocks.

For each data set and generator: train on the real series, draw as many synthetic
series, and score them with the discriminative and predictive scores of
:mod:`tsaugment.metrics`. Beside them, the floor: the same scores for real data
against real data (Sines: an independent draw of the same process; Stocks: one random
half of the windows against the other), which is what a perfect generator would get
with this metric budget.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from ..datasets import load_stocks, make_sines
from ._registry import make_augmenter, resolve_budget

__all__ = ["run_quality", "load_quality_data", "QUALITY_DATASETS"]

QUALITY_DATASETS = ("sines", "stocks")


def load_quality_data(name: str, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The real series of a quality data set, and a real reference for the floor.

    Parameters
    ----------
    name : {"sines", "stocks"}
    seed : int, default=0

    Returns
    -------
    X_train : ndarray of shape (n_cases, n_channels, 24)
        What generators are trained on (Sines: 10,000 x 5 series; Stocks: all 3,661
        windows, as TimeGAN does).
    X_reference : ndarray
        Real series for the floor (Sines: an independent draw of 10,000; Stocks: the
        other half of a random split, compared against the first half).
    """
    if name == "sines":
        return make_sines(random_state=seed), make_sines(random_state=seed + 10_000)
    if name == "stocks":
        return load_stocks(), load_stocks()
    raise ValueError(f"unknown quality data set {name!r}; use one of {QUALITY_DATASETS}.")


def _scores(X_real, X_other, seed, metric_iterations):
    from ..metrics import discriminative_score, predictive_score

    disc_kwargs, pred_kwargs = {}, {}
    if metric_iterations is not None:
        disc_kwargs = pred_kwargs = {"n_iter": metric_iterations}
    disc = discriminative_score(X_real, X_other, random_state=seed, **disc_kwargs)
    pred = predictive_score(X_real, X_other, random_state=seed, **pred_kwargs)
    return float(disc), float(pred)


def run_quality(
    generators=("avatar", "timegan"),
    datasets=QUALITY_DATASETS,
    *,
    iterations=1000,
    metric_iterations=None,
    seeds=(0,),
    verbose=False,
) -> pd.DataFrame:
    """Train generators and score their samples with the TimeGAN protocol.

    Parameters
    ----------
    generators : list of str, default=("avatar", "timegan")
        Names from :data:`tsaugment.benchmark.AUGMENTERS`.
    datasets : list of {"sines", "stocks"}
    iterations : int, default=1000
        Training iterations per phase (epochs scale with it for the VAE).
    metric_iterations : int, optional
        Iterations of the post-hoc networks (default: the protocol's 2,000 and 5,000).
    seeds : list of int, default=(0,)
        One training run and one scoring run per seed.
    verbose : bool, default=False
        Print each row as it is measured.

    Returns
    -------
    table : pandas.DataFrame
        One row per data set, generator ("real" is the floor) and seed, with the
        discriminative and predictive scores (lower is better) and the training time.
    """
    rows = []
    settings = resolve_budget(int(iterations))
    for dataset in datasets:
        for seed in seeds:
            X, X_reference = load_quality_data(dataset, seed)
            if dataset == "stocks":
                order = np.random.default_rng(seed).permutation(len(X))
                half = len(X) // 2
                X_floor_a, X_floor_b = X[order[:half]], X_reference[order[half:]]
            else:
                X_floor_a, X_floor_b = X, X_reference
            disc, pred = _scores(X_floor_a, X_floor_b, seed, metric_iterations)
            rows.append(_row(dataset, "real", seed, 0, disc, pred, 0.0, verbose))
            for name in generators:
                generator = make_augmenter(name, settings, seed)
                if hasattr(generator, "verbose"):
                    generator.set_params(verbose=verbose)
                start = time.perf_counter()
                generator.fit(X)
                fit_seconds = time.perf_counter() - start
                X_synth, _ = generator.sample(len(X))
                disc, pred = _scores(X, X_synth, seed, metric_iterations)
                rows.append(_row(dataset, name, seed, iterations, disc, pred, fit_seconds, verbose))
    return pd.DataFrame(rows)


def _row(dataset, generator, seed, iterations, disc, pred, fit_seconds, verbose) -> dict:
    row = {
        "dataset": dataset,
        "generator": generator,
        "seed": seed,
        "iterations": iterations,
        "discriminative": disc,
        "predictive": pred,
        "fit_seconds": round(fit_seconds, 1),
    }
    if verbose:
        print(row, flush=True)
    return row
