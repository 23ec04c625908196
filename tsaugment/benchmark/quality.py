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

__all__ = [
    "run_quality",
    "load_quality_data",
    "fit_generator",
    "score_synthetic",
    "drop_high_outliers",
    "QUALITY_DATASETS",
]

QUALITY_DATASETS = ("sines", "stocks")


def load_quality_data(
    name: str, seed: int = 0, *, n_channels: int = 5
) -> tuple[np.ndarray, np.ndarray]:
    """The real series of a quality data set, and a real reference for the floor.

    Parameters
    ----------
    name : {"sines", "stocks"}
    seed : int, default=0
        Seed of the Sines draw (Stocks is fixed).
    n_channels : int, default=5
        Channels of Sines (TimeGAN: 5; the AVATAR tutorial: 4).

    Returns
    -------
    X_train : ndarray of shape (n_cases, n_channels, 24)
        What generators are trained on (Sines: 10,000 series; Stocks: all 3,661
        windows of 6 channels, as TimeGAN does).
    X_reference : ndarray
        Real series for the floor (Sines: an independent draw of 10,000; Stocks: the
        other half of a random split, compared against the first half).
    """
    if name == "sines":
        return (
            make_sines(n_channels=n_channels, random_state=seed),
            make_sines(n_channels=n_channels, random_state=seed + 10_000),
        )
    if name == "stocks":
        return load_stocks(), load_stocks()
    raise ValueError(f"unknown quality data set {name!r}; use one of {QUALITY_DATASETS}.")


def drop_high_outliers(scores) -> np.ndarray:
    """The runs left after dropping those above ``Q3 + 1.5 * IQR``.

    The AVATAR authors' tutorial summarises its 10 post-hoc runs this way before
    taking their mean; a lower score is better, so only bad runs are dropped and the
    summary is biased downwards. :func:`score_synthetic` reports it beside the plain
    mean so that the tutorial's figures can be compared like with like.

    Parameters
    ----------
    scores : array-like of shape (n_runs,)

    Returns
    -------
    kept : ndarray of shape (n_kept,)
    """
    scores = np.asarray(scores, dtype=np.float64)
    q1, q3 = np.percentile(scores, [25, 75])
    return scores[scores <= q3 + 1.5 * (q3 - q1)]


def score_synthetic(
    X_real, X_synth, *, seed: int, n_runs: int = 1, metric_iterations=None, device="auto"
) -> dict:
    """The TimeGAN protocol's scores of synthetic series against real ones.

    Parameters
    ----------
    X_real, X_synth : array-like of shape (n_cases, n_channels, n_timepoints)
    seed : int
        Seed of the post-hoc networks, splits and batches.
    n_runs : int, default=1
        Post-hoc repetitions per score. One run of the discriminative score varies a
        lot (standard deviations of 0.02 to 0.17 over runs on the same samples).
    metric_iterations : int, optional
        Iterations of the post-hoc networks (default: the protocol's 2,000 / 5,000).
    device : str, default="auto"

    Returns
    -------
    scores : dict
        For ``discriminative`` and ``predictive`` (lower is better): the mean over
        the runs under the plain name; ``<name>_runs_std``, their standard deviation;
        ``<name>_trimmed``, the mean after :func:`drop_high_outliers` (the AVATAR
        tutorial's summary); ``<name>_runs``, every run's score as text. Also
        ``metric_runs``.
    """
    from ..metrics import discriminative_score, predictive_score

    common = dict(n_runs=n_runs, random_state=seed, device=device, return_all=True)
    if metric_iterations is not None:
        common["n_iter"] = metric_iterations
    out: dict = {"metric_runs": n_runs}
    metrics = {"discriminative": discriminative_score, "predictive": predictive_score}
    for name, metric in metrics.items():
        result = metric(X_real, X_synth, **common)
        out[name] = result.mean
        out[f"{name}_runs_std"] = result.std
        out[f"{name}_trimmed"] = float(drop_high_outliers(result.scores).mean())
        out[f"{name}_runs"] = " ".join(f"{v:.4f}" for v in result.scores)
    return out


def fit_generator(name: str, X, *, iterations: int, seed: int, params=None, verbose=False):
    """Build a registered generator at an iteration budget, fit it, and time the fit.

    Parameters
    ----------
    name : str
        A name from :data:`tsaugment.benchmark.AUGMENTERS`.
    X : ndarray of shape (n_cases, n_channels, n_timepoints)
    iterations : int
        Training iterations per phase (epochs scale with it for the VAE).
    seed : int
    params : dict, optional
        Other hyperparameters, set after the budget's (``{"weight_init": "torch"}``).
    verbose : bool, default=False
        Progress bars of the generator, where it has them.

    Returns
    -------
    generator : fitted generator
    fit_seconds : float
    """
    generator = make_augmenter(name, resolve_budget(int(iterations)), seed)
    if hasattr(generator, "verbose"):
        generator.set_params(verbose=verbose)
    generator.set_params(**(params or {}))
    start = time.perf_counter()
    generator.fit(X)
    return generator, time.perf_counter() - start


def run_quality(
    generators=("avatar", "timegan"),
    datasets=QUALITY_DATASETS,
    *,
    iterations=1000,
    metric_iterations=None,
    metric_runs=1,
    seeds=(0,),
    sines_channels=5,
    params=None,
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
    metric_runs : int, default=1
        Post-hoc repetitions averaged per score (TimeGAN's tables: 10).
    seeds : list of int, default=(0,)
        One training run per seed; the seed also draws Sines and the floor's split.
    sines_channels : int, default=5
    params : dict, optional
        Other hyperparameters of every generator.
    verbose : bool, default=False
        Print each row as it is measured.

    Returns
    -------
    table : pandas.DataFrame
        One row per data set, generator ("real" is the floor) and seed, with the
        discriminative and predictive scores (lower is better), their spread over the
        post-hoc runs, and the training time.
    """
    rows = []
    score = dict(n_runs=metric_runs, metric_iterations=metric_iterations)
    for dataset in datasets:
        for seed in seeds:
            X, X_reference = load_quality_data(dataset, seed, n_channels=sines_channels)
            if dataset == "stocks":
                order = np.random.default_rng(seed).permutation(len(X))
                half = len(X) // 2
                X_floor_a, X_floor_b = X[order[:half]], X_reference[order[half:]]
            else:
                X_floor_a, X_floor_b = X, X_reference
            scores = score_synthetic(X_floor_a, X_floor_b, seed=seed, **score)
            rows.append(_row(dataset, "real", seed, 0, scores, 0.0, verbose))
            for name in generators:
                generator, fit_seconds = fit_generator(
                    name, X, iterations=iterations, seed=seed, params=params, verbose=verbose
                )
                X_synth, _ = generator.sample(len(X))
                scores = score_synthetic(X, X_synth, seed=seed, **score)
                rows.append(_row(dataset, name, seed, iterations, scores, fit_seconds, verbose))
    return pd.DataFrame(rows)


def _row(dataset, generator, seed, iterations, scores, fit_seconds, verbose) -> dict:
    row = {
        "dataset": dataset,
        "generator": generator,
        "seed": seed,
        "iterations": iterations,
        **scores,
        "fit_seconds": round(fit_seconds, 1),
    }
    if verbose:
        print(row, flush=True)
    return row
