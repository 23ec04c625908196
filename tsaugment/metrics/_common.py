"""What the metrics share: input checks, the optional scaling, repeated runs, results."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from .._params import Integral, Interval, Real, check_param
from .._scaling import ChannelMinMaxScaler
from .._training import optimizer_step
from .._validation import check_pair, seed_from_random_state

__all__ = ["MetricResult", "ScoreWarning", "check_pair", "scale_pair", "repeat_runs"]

CHECK_EVERY = 100  # the NaN guard reads a post-hoc loss this often (a device sync each time)


class ScoreWarning(UserWarning):
    """A score was computed but does not mean what it seems to.

    For instance a discriminative score of 0.0 from a post-hoc classifier that did
    not learn (it put every held-out series in the same class): 0.0 reads as
    "indistinguishable", while the classifier simply told nothing apart. Filter it
    with ``warnings.filterwarnings("ignore", category=ScoreWarning)``.
    """


class MetricResult(NamedTuple):
    """Mean and spread of a score over repeated runs, as published tables report them.

    A named tuple: ``mean, std, scores = result`` works, and so do ``result.mean``,
    ``result.std`` and ``result.scores``.

    Attributes
    ----------
    mean : float
        Mean over the runs.
    std : float
        Standard deviation over the runs (``ddof=1``; 0.0 for a single run).
    scores : ndarray of shape (n_runs,)
        The score of every run.
    """

    mean: float
    std: float
    scores: np.ndarray

    def __str__(self) -> str:
        return f"{self.mean:.4f} ± {self.std:.4f} (n_runs={len(self.scores)})"


def scale_pair(X_real: np.ndarray, X_synth: np.ndarray, scale) -> tuple[np.ndarray, np.ndarray]:
    """Optionally min-max scale both panels with the real data's per-channel range.

    Parameters
    ----------
    X_real, X_synth : ndarray of shape (n, n_channels, n_timepoints)
    scale : {"auto", True, False}
        ``True``: map each channel of both panels by ``(x - min) / (max - min + 1e-7)``
        with the real data's minimum and maximum (synthetic values may then fall
        outside [0, 1]). ``False``: use the values as given. ``"auto"``: scale only
        when some real value lies outside [0, 1], so data already on TimeGAN's scale
        (Sines, Stocks) is scored exactly as the reference code scores it.

    Returns
    -------
    X_real, X_synth : float32 ndarrays
    """
    if scale not in ("auto", True, False):
        raise ValueError(f"scale must be 'auto', True or False, got {scale!r}.")
    if scale == "auto":
        scale = bool(X_real.min() < 0.0 or X_real.max() > 1.0)
    if scale:
        scaler = ChannelMinMaxScaler().fit(X_real)
        return scaler.transform(X_real), scaler.transform(X_synth)
    return X_real.astype(np.float32), X_synth.astype(np.float32)


_POSITIVE_INT = [Interval(Integral, 1)]


def check_positive_int(value, name: str, owner: str | None = None) -> int:
    """Return ``value`` as an int, or raise a ValueError if it is not a positive integer."""
    return int(check_param(name, value, _POSITIVE_INT, owner=owner))


def check_training_params(n_iter, batch_size, lr, owner: str) -> tuple[int, int, float]:
    """Check the post-hoc network's training settings; return them as int, int, float."""
    lr = check_param("lr", lr, [Interval(Real, 0, None, closed="neither")], owner=owner)
    n_iter = check_positive_int(n_iter, "n_iter", owner)
    return n_iter, check_positive_int(batch_size, "batch_size", owner), float(lr)


def posthoc_step(optimizer, loss, it: int, n_iter: int) -> dict:
    """One optimiser step of a post-hoc network on ``loss``, as a ``run_phase`` step.

    Returns ``{"loss": loss}`` (detached) every :data:`CHECK_EVERY` iterations and at
    the last, for ``run_phase``'s NaN guard and history; ``{}`` otherwise, since
    reading the loss syncs the device.
    """
    optimizer_step(optimizer, loss)
    if (it + 1) % CHECK_EVERY == 0 or it + 1 == n_iter:
        return {"loss": loss.detach()}
    return {}


def repeat_runs(
    run: Callable[[int], float], n_runs: int, random_state, return_all: bool
) -> float | MetricResult:
    """Call ``run(seed)`` ``n_runs`` times with seeds drawn from ``random_state``.

    Returns the mean score, or a :class:`MetricResult` when ``return_all``.
    """
    n_runs = check_positive_int(n_runs, "n_runs")
    seed = seed_from_random_state(random_state)
    seeds = np.random.default_rng(seed).integers(0, 2**31 - 1, size=n_runs)
    scores = np.array([run(int(s)) for s in seeds], dtype=np.float64)
    if not return_all:
        return float(scores.mean())
    std = float(scores.std(ddof=1)) if n_runs > 1 else 0.0
    return MetricResult(float(scores.mean()), std, scores)
