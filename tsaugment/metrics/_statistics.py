"""Distribution statistics of synthetic against real series.

All functions take two panels of shape ``(n_cases, n_channels, n_timepoints)`` (2D is
univariate) with the same channels and length, and never train anything.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.spatial.distance import cdist

from .._validation import check_pair

__all__ = ["distribution_table", "mmd", "correlation_score", "autocorrelation_score"]


def distribution_table(X_real, X_synth, channel_names=None) -> pd.DataFrame:
    """Per-channel mean and standard deviation of real and synthetic series.

    Statistics are over all series and time points of a channel. The relative
    difference is ``(synthetic - real) / |real|`` in percent (NaN where the real
    value is 0).

    Parameters
    ----------
    X_real, X_synth : array-like of shape (n, n_channels, n_timepoints)
    channel_names : list of str, optional
        Row labels (default ``channel_0``, ...).

    Returns
    -------
    table : pandas.DataFrame
        One row per channel; columns ``real_mean``, ``synth_mean``, ``mean_diff``,
        ``mean_rel_diff_%``, ``real_std``, ``synth_std``, ``std_diff``,
        ``std_rel_diff_%``.
    """
    X_real, X_synth = check_pair(X_real, X_synth, dtype=np.float64)
    names = channel_names or [f"channel_{c}" for c in range(X_real.shape[1])]
    if len(names) != X_real.shape[1]:
        raise ValueError(f"{len(names)} channel names for {X_real.shape[1]} channels.")
    table = {}
    for stat, fn in (("mean", np.mean), ("std", np.std)):
        real, synth = fn(X_real, axis=(0, 2)), fn(X_synth, axis=(0, 2))
        with np.errstate(divide="ignore", invalid="ignore"):
            rel = np.where(real != 0, 100.0 * (synth - real) / np.abs(real), np.nan)
        table[f"real_{stat}"] = real
        table[f"synth_{stat}"] = synth
        table[f"{stat}_diff"] = synth - real
        table[f"{stat}_rel_diff_%"] = rel
    return pd.DataFrame(table, index=pd.Index(names, name="channel"))


def mmd(X_real, X_synth, *, kernel="rbf", bandwidth=None, max_samples=1000, random_state=0):
    """Maximum mean discrepancy between the two sets of series (unbiased MMD²).

    Each series is a point in ``R^(n_channels * n_timepoints)``.

    Parameters
    ----------
    X_real, X_synth : array-like of shape (n, n_channels, n_timepoints)
    kernel : {"rbf", "linear"}, default="rbf"
        ``rbf``: ``exp(-||a - b||² / (2 * bandwidth²))``; ``linear``: ``a · b``.
    bandwidth : float, optional
        RBF bandwidth; default: the median heuristic (median pairwise distance of the
        pooled series).
    max_samples : int, default=1000
        Series drawn from each set (the cost grows with its square).
    random_state : int, default=0
        Seed of that draw.

    Returns
    -------
    mmd2 : float
        Unbiased estimate of MMD²; about 0 for the same distribution (it can be
        slightly negative).
    """
    X_real, X_synth = check_pair(X_real, X_synth, dtype=np.float64)
    if kernel not in ("rbf", "linear"):
        raise ValueError(f"kernel must be 'rbf' or 'linear', got {kernel!r}.")
    rng = np.random.default_rng(random_state)
    a = X_real.reshape(len(X_real), -1)
    b = X_synth.reshape(len(X_synth), -1)
    a = a[rng.permutation(len(a))[:max_samples]]
    b = b[rng.permutation(len(b))[:max_samples]]
    if len(a) < 2 or len(b) < 2:
        raise ValueError("mmd needs at least 2 series in each set.")
    if kernel == "linear":
        k_aa, k_bb, k_ab = a @ a.T, b @ b.T, a @ b.T
    else:
        d_aa, d_bb, d_ab = (cdist(p, q, "sqeuclidean") for p, q in ((a, a), (b, b), (a, b)))
        if bandwidth is None:
            pooled = np.concatenate([d_aa[np.triu_indices(len(a), 1)], d_ab.ravel()])
            bandwidth = float(np.sqrt(np.median(pooled))) or 1.0
        gamma = 1.0 / (2.0 * bandwidth**2)
        k_aa, k_bb, k_ab = np.exp(-gamma * d_aa), np.exp(-gamma * d_bb), np.exp(-gamma * d_ab)
    m, n = len(a), len(b)
    term_aa = (k_aa.sum() - np.trace(k_aa)) / (m * (m - 1))
    term_bb = (k_bb.sum() - np.trace(k_bb)) / (n * (n - 1))
    return float(term_aa + term_bb - 2.0 * k_ab.mean())


def correlation_score(X_real, X_synth) -> float:
    """Difference of the cross-channel correlation matrices.

    After the correlational score that Diffusion-TS (Yuan and Qiao, ICLR 2024)
    reports: the Pearson correlation matrix of the channels is computed for each set,
    over all series and time points (lag 0), and the score is the sum of absolute
    differences of its entries divided by 10, the scaling of their tables. Their code
    standardises per batch and may include lagged terms, so compare figures with
    theirs only as orders of magnitude.

    Parameters
    ----------
    X_real, X_synth : array-like of shape (n, n_channels, n_timepoints)

    Returns
    -------
    score : float
        0 when the correlation structure matches; lower is better. 0 for one channel.
    """
    X_real, X_synth = check_pair(X_real, X_synth, dtype=np.float64)
    if X_real.shape[1] < 2:
        return 0.0

    def corr(X):
        flat = X.transpose(1, 0, 2).reshape(X.shape[1], -1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.nan_to_num(np.corrcoef(flat))

    return float(np.abs(corr(X_real) - corr(X_synth)).sum() / 10.0)


def autocorrelation_score(X_real, X_synth, max_lag=None) -> float:
    """Mean absolute difference of the per-channel autocorrelation functions.

    For each set and channel, the autocorrelation at lags ``1..max_lag`` is computed
    per series (after removing its mean) and averaged over series; the score is the
    mean absolute difference between real and synthetic over channels and lags.

    Parameters
    ----------
    X_real, X_synth : array-like of shape (n, n_channels, n_timepoints)
    max_lag : int, optional
        Largest lag (default: ``n_timepoints // 2``).

    Returns
    -------
    score : float
        In [0, 2]; lower is better.
    """
    X_real, X_synth = check_pair(X_real, X_synth, dtype=np.float64)
    t = X_real.shape[2]
    max_lag = max_lag or max(1, t // 2)
    if not 1 <= max_lag < t:
        raise ValueError(f"max_lag must be in [1, {t - 1}], got {max_lag}.")

    def acf(X):
        centred = X - X.mean(axis=2, keepdims=True)
        var = (centred**2).sum(axis=2)
        safe = np.where(var > 0, var, 1.0)
        lags = [
            np.where(var > 0, (centred[..., k:] * centred[..., :-k]).sum(axis=2) / safe, 0.0)
            for k in range(1, max_lag + 1)
        ]
        return np.stack(lags, axis=-1).mean(axis=0)  # (n_channels, max_lag)

    return float(np.abs(acf(X_real) - acf(X_synth)).mean())
