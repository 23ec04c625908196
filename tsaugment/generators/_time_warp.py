"""Time warping: a smooth random distortion of the time axis (Um et al., 2017).

Um et al. ("Data augmentation of wearable sensor data for Parkinson's disease
monitoring using convolutional neural networks", ICMI 2017) distort the time intervals
between samples: a cubic spline through ``n_knots + 2`` equally spaced knots of random
height ``N(1, sigma^2)`` gives the speed at which time passes, its cumulative sum the
warped time axis, and the series is read off at the warped times by linear
interpolation. Iwana and Uchida's survey (PLOS ONE, 2021) benchmarks it on 128 UCR
data sets with ``sigma=0.2`` and 4 knots, the defaults here.
"""

from __future__ import annotations

import numpy as np

from .._params import Boolean, Integral, Interval
from ._classic import _POSITIVE, _ClassicAugmenter, _smooth_random_curves

__all__ = ["TimeWarpAugmenter"]

# Speeds below this are raised to it, so the warped time axis always increases.
_MIN_SPEED = 1e-3


class TimeWarpAugmenter(_ClassicAugmenter):
    """Time warping: stretch and squeeze the time axis along a smooth random curve.

    For each series (and, by default, each of its channels) a cubic spline through
    ``n_knots + 2`` equally spaced knots with heights drawn from ``N(1, sigma^2)`` gives
    a speed per time step; its cumulative sum, rescaled so that the first and last
    time steps stay in place, is the warped time axis: each input point moves to its
    warped time, and the output is read back at the original time steps (linear
    interpolation). Speeds are kept above
    ``1e-3`` so that the warped axis always increases (a speed at or below zero is
    more than five standard deviations away at the default ``sigma``).

    Parameters
    ----------
    sigma : float, default=0.2
        Standard deviation of the knot heights (the survey's setting).
    n_knots : int, default=4
        Interior knots of the spline (the survey's setting).
    channel_wise : bool, default=True
        Warp each channel along its own curve, as Um et al.'s and Iwana and Uchida's
        code do; ``False`` warps all channels of a series along one curve, which
        keeps them aligned in time.
    random_state : int, RandomState instance or None, default=None

    Attributes
    ----------
    X_train_ : ndarray of shape (n_cases, n_channels, n_timepoints)
        The training series that ``sample`` warps.

    See Also
    --------
    MagnitudeWarpAugmenter : the same smooth curve, multiplying the values instead.
    WindowWarpAugmenter : warps one window by a fixed factor.

    Examples
    --------
    >>> import numpy as np
    >>> from tsaugment import TimeWarpAugmenter
    >>> X = np.sin(np.linspace(0, 6, 50))[None, None, :].repeat(4, axis=0)
    >>> gen = TimeWarpAugmenter(random_state=0).fit(X, ["a", "a", "b", "b"])
    >>> X_new, y_new = gen.sample(3, y="b")
    >>> X_new.shape, y_new.tolist()
    ((3, 1, 50), ['b', 'b', 'b'])
    >>> bool(np.allclose(X_new[:, :, [0, -1]], X[:3, :, [0, -1]]))  # ends stay in place
    True
    """

    benchmark_name = "time_warp"
    benchmark_budget = {}

    _min_timepoints = 3

    def __init__(self, *, sigma=0.2, n_knots=4, channel_wise=True, random_state=None):
        self.sigma = sigma
        self.n_knots = n_knots
        self.channel_wise = channel_wise
        self.random_state = random_state

    _parameter_constraints = {
        "sigma": _POSITIVE,
        "n_knots": [Interval(Integral, 1)],
        "channel_wise": [Boolean()],
    }

    @classmethod
    def get_test_params(cls):
        """Tiny settings for the shared checks (see ``tsaugment.utils.estimator_checks``)."""
        return {"n_knots": 2}

    def _augment(self, X, rng):
        n, c, t = X.shape
        n_curves = c if self.channel_wise else 1
        curves = _smooth_random_curves(rng, (n, n_curves), t, self.n_knots, self.sigma)
        speed = np.maximum(curves, _MIN_SPEED)
        warped = np.cumsum(speed, axis=-1) - speed[..., :1]
        warped *= (t - 1) / warped[..., -1:]
        steps = np.arange(t)
        out = np.empty_like(X)
        for i in range(n):
            for j in range(c):
                out[i, j] = np.interp(steps, warped[i, j % n_curves], X[i, j])
        return out
