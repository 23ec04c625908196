"""Classic augmenters: the simple transforms that learned generators must beat.

Jittering, scaling, magnitude warping, window warping and window slicing, as defined
by Um et al. (2017) and benchmarked on 128 UCR data sets by Iwana and Uchida
("An empirical survey of data augmentation for time series classification with
neural networks", PLOS ONE, 2021), with the default parameters of that survey.

They follow the generator API: ``fit`` keeps the training series (and learns each
channel's spread), ``sample(n, y=...)`` transforms randomly chosen training series of
the requested classes, and ``transform`` makes one variant of each given series. They
work on the data's own scale (no min-max scaling), in float64 whatever the input's
float dtype (the result comes back in that dtype): the survey applies them to
z-normalised UCR series, and the additive noise of :class:`JitterAugmenter` is set in
units of each channel's standard deviation so that it means the same on any scale
(on ``1e8 + N(0, 1)`` it moves values by about 0.03, where float32 arithmetic would
round them to steps of 8).
"""

from __future__ import annotations

import numpy as np
from scipy.interpolate import CubicSpline

from .._params import Integral, Interval, Real, check_param
from ..base import BaseGenerator

__all__ = [
    "JitterAugmenter",
    "ScalingAugmenter",
    "MagnitudeWarpAugmenter",
    "WindowWarpAugmenter",
    "WindowSliceAugmenter",
]


_POSITIVE = [Interval(Real, 0, None, closed="neither")]
_FRACTION = [Interval(Real, 0, 1, closed="right")]  # in (0, 1]


def _check_positive(name, value, *, upper=None):
    """Check a number in (0, upper] (kept for augmenters that check by hand)."""
    check_param(name, value, [Interval(Real, 0, upper, closed="right")])


def _resample(series: np.ndarray, length: int) -> np.ndarray:
    """Linearly resample each row of ``series`` (..., m) to ``length`` points."""
    old = np.linspace(0.0, 1.0, series.shape[-1])
    new = np.linspace(0.0, 1.0, length)
    flat = series.reshape(-1, series.shape[-1])
    out = np.stack([np.interp(new, old, row) for row in flat])
    return out.reshape(*series.shape[:-1], length)


def _smooth_random_curves(rng, shape: tuple, n_timepoints: int, n_knots: int, sigma: float):
    """Smooth random curves around 1, as magnitude and time warping draw them.

    A cubic spline through ``n_knots + 2`` evenly spaced knots (both ends included)
    whose values are drawn from ``N(1, sigma**2)`` (Um et al., 2017).

    Returns
    -------
    curves : ndarray of shape (*shape, n_timepoints)
    """
    knots_x = np.linspace(0, n_timepoints - 1, n_knots + 2)
    knots_y = rng.normal(1.0, sigma, size=(*shape, n_knots + 2))
    return CubicSpline(knots_x, knots_y, axis=-1)(np.arange(n_timepoints))


class _ClassicAugmenter(BaseGenerator):
    """Shared part: keep the training series; sample = augment random ones of a class."""

    _scales_data = False

    def _fit_scaled(self, X, y_codes) -> None:
        self.X_train_ = X
        self.y_train_codes_ = np.zeros(len(X), dtype=np.int64) if y_codes is None else y_codes
        self.channel_std_ = X.std(axis=(0, 2)).astype(np.float64)

    def _sample_scaled(self, n_samples, y_codes, rng) -> np.ndarray:
        codes = np.zeros(n_samples, dtype=np.int64) if y_codes is None else y_codes
        idx = np.empty(n_samples, dtype=np.int64)
        for code in np.unique(codes):
            members = np.flatnonzero(self.y_train_codes_ == code)
            where = codes == code
            idx[where] = rng.choice(members, size=int(where.sum()))
        return self._augment(self.X_train_[idx].astype(np.float64), rng)

    def _transform_scaled(self, X, y_codes, rng) -> np.ndarray:
        return self._augment(X.astype(np.float64), rng)

    def _augment(self, X: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        raise NotImplementedError


class JitterAugmenter(_ClassicAugmenter):
    """Jittering: add Gaussian noise to every time point.

    Parameters
    ----------
    sigma : float, default=0.03
        Standard deviation of the noise, in units of each channel's standard
        deviation over the training data (on z-normalised series, the survey's 0.03).
    random_state : int, RandomState instance or None, default=None

    Examples
    --------
    >>> from tsaugment import JitterAugmenter
    >>> from tsaugment.datasets import load_ucr
    >>> X, y = load_ucr("GunPoint", split="train")
    >>> X_new, y_new = JitterAugmenter(random_state=0).fit(X, y).sample(4, y="1")
    >>> X_new.shape, y_new.tolist()
    ((4, 1, 150), ['1', '1', '1', '1'])
    """

    benchmark_name = "jitter"
    benchmark_budget = {}

    def __init__(self, *, sigma=0.03, random_state=None):
        self.sigma = sigma
        self.random_state = random_state

    _parameter_constraints = {"sigma": _POSITIVE}

    @classmethod
    def get_test_params(cls):
        """Tiny settings for the shared checks (``tsaugment.utils.estimator_checks``)."""
        return {"sigma": 0.05}

    def _augment(self, X, rng):
        scale = self.sigma * self.channel_std_[None, :, None]
        return X + scale * rng.standard_normal(X.shape)


class ScalingAugmenter(_ClassicAugmenter):
    """Scaling: multiply each channel of a series by a factor drawn from N(1, sigma²).

    Parameters
    ----------
    sigma : float, default=0.1
        Standard deviation of the factor.
    random_state : int, RandomState instance or None, default=None
    """

    benchmark_name = "scaling"
    benchmark_budget = {}

    def __init__(self, *, sigma=0.1, random_state=None):
        self.sigma = sigma
        self.random_state = random_state

    _parameter_constraints = {"sigma": _POSITIVE}

    @classmethod
    def get_test_params(cls):
        """Tiny settings for the shared checks (``tsaugment.utils.estimator_checks``)."""
        return {"sigma": 0.2}

    def _augment(self, X, rng):
        return X * rng.normal(1.0, self.sigma, size=(X.shape[0], X.shape[1], 1))


class MagnitudeWarpAugmenter(_ClassicAugmenter):
    """Magnitude warping: multiply by a smooth random curve around 1.

    The curve is a cubic spline through ``n_knots + 2`` evenly spaced points whose
    values are drawn from N(1, sigma²), one curve per series and channel.

    Parameters
    ----------
    sigma : float, default=0.2
        Standard deviation of the knot values.
    n_knots : int, default=4
        Interior knots of the spline.
    random_state : int, RandomState instance or None, default=None
    """

    benchmark_name = "magnitude_warp"
    benchmark_budget = {}

    def __init__(self, *, sigma=0.2, n_knots=4, random_state=None):
        self.sigma = sigma
        self.n_knots = n_knots
        self.random_state = random_state

    _parameter_constraints = {"sigma": _POSITIVE, "n_knots": [Interval(Integral, 1)]}

    @classmethod
    def get_test_params(cls):
        """Tiny settings for the shared checks (``tsaugment.utils.estimator_checks``)."""
        return {"n_knots": 2}

    def _augment(self, X, rng):
        n, c, t = X.shape
        return X * _smooth_random_curves(rng, (n, c), t, self.n_knots, self.sigma)


class WindowWarpAugmenter(_ClassicAugmenter):
    """Window warping: stretch or squeeze a random window, then resample to length.

    A window of ``ceil(window_ratio * n_timepoints)`` points (the same for all
    channels of a series) is resampled by a factor drawn from ``scales``, and the
    series is then resampled linearly back to its length.

    Parameters
    ----------
    window_ratio : float, default=0.1
        Window length as a fraction of the series length.
    scales : tuple of float, default=(0.5, 2.0)
        Warping factors to draw from, one per series.
    random_state : int, RandomState instance or None, default=None
    """

    benchmark_name = "window_warp"
    benchmark_budget = {}

    _min_timepoints = 4

    def __init__(self, *, window_ratio=0.1, scales=(0.5, 2.0), random_state=None):
        self.window_ratio = window_ratio
        self.scales = scales
        self.random_state = random_state

    _parameter_constraints = {"window_ratio": _FRACTION}

    def _check_params(self):
        super()._check_params()
        scales = np.asarray(self.scales, dtype=float)
        if scales.ndim != 1 or len(scales) == 0 or (scales <= 0).any():
            raise ValueError(f"scales must be positive factors, got {self.scales!r}.")

    @classmethod
    def get_test_params(cls):
        """Tiny settings for the shared checks (``tsaugment.utils.estimator_checks``)."""
        return {"window_ratio": 0.25}

    def _augment(self, X, rng):
        n, _, t = X.shape
        width = min(max(int(np.ceil(self.window_ratio * t)), 2), t - 2)
        out = np.empty_like(X)
        factors = rng.choice(np.asarray(self.scales, dtype=float), size=n)
        starts = rng.integers(1, t - width, size=n)
        for i in range(n):
            a, b = starts[i], starts[i] + width
            window = _resample(X[i, :, a:b], max(int(round(width * factors[i])), 2))
            warped = np.concatenate([X[i, :, :a], window, X[i, :, b:]], axis=-1)
            out[i] = _resample(warped, t)
        return out


class WindowSliceAugmenter(_ClassicAugmenter):
    """Window slicing: crop a random window and stretch it back to full length.

    Parameters
    ----------
    reduce_ratio : float, default=0.9
        Length of the kept window as a fraction of the series length.
    random_state : int, RandomState instance or None, default=None
    """

    benchmark_name = "window_slice"
    benchmark_budget = {}

    def __init__(self, *, reduce_ratio=0.9, random_state=None):
        self.reduce_ratio = reduce_ratio
        self.random_state = random_state

    _parameter_constraints = {"reduce_ratio": _FRACTION}

    @classmethod
    def get_test_params(cls):
        """Tiny settings for the shared checks (``tsaugment.utils.estimator_checks``)."""
        return {"reduce_ratio": 0.8}

    def _augment(self, X, rng):
        n, _, t = X.shape
        width = max(int(np.ceil(self.reduce_ratio * t)), 2)
        starts = rng.integers(0, t - width + 1, size=n)
        return np.stack([_resample(X[i, :, s : s + width], t) for i, s in enumerate(starts)])
