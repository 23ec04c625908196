"""Base classes: the public generator contract and the plumbing generators share.

A generator subclasses :class:`BaseGenerator`, declares its hyperparameters in
``__init__`` (stored unchanged, keyword-only) and implements four hooks that work on
data already validated and scaled to [0, 1] (float32, shape
``(n_cases, n_channels, n_timepoints)``):

- ``_fit_scaled(X, y_codes)``: train; ``y_codes`` is ``None`` or int class codes
  ``0..n_classes_-1``. A generator with a network builds it with ``_build_model()``
  and stores it as ``self.model_`` (so that :meth:`BaseGenerator.load` can rebuild it).
- ``_sample_scaled(n_samples, y_codes, rng)``: ``n_samples`` new series.
- ``_transform_scaled(X, y_codes, rng)``: one variant per series, same order.
- ``_build_model()``: the untrained ``torch.nn.Module`` from parameters and fitted
  metadata (``n_channels_``, ``n_timepoints_``, ``n_classes_``).

The base does the rest: validation with clear errors (hyperparameters from the
class's ``_parameter_constraints``), labels of any hashable type, per-channel min-max
scaling and its inverse, the random state (``seed_`` and a numpy generator for
sampling), the not-fitted error and ``save`` / ``load``. This module needs no torch:
a generator that trains torch networks also subclasses
:class:`tsaugment._training.TorchEstimatorMixin` (device, a torch seed for training
that never touches torch's global seed, optimisers, batches, chunked inference,
phase timings), listed before :class:`BaseGenerator`.
"""

from __future__ import annotations

import contextlib

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ._params import validate_params
from ._scaling import ChannelMinMaxScaler
from ._validation import (
    check_fitted_X,
    check_X,
    check_y,
    float_dtype_of,
    seed_from_random_state,
)

__all__ = ["BaseGenerator", "PersistenceMixin"]


def __getattr__(name):
    # TorchEstimatorMixin lives in _training (it needs torch); this module stays
    # torch-free for the classic augmenters, so the old import path resolves lazily.
    if name in ("TorchEstimatorMixin", "TorchEstimator"):
        from . import _training

        return getattr(_training, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class PersistenceMixin:
    """``save`` / ``load`` of a fitted estimator (see :mod:`tsaugment._persistence`)."""

    def _after_load(self) -> None:
        """Hook run on a freshly loaded estimator (a torch estimator moves its network)."""

    def save(self, path) -> None:
        """Save the fitted estimator to one file that runs no code when loaded.

        Parameters
        ----------
        path : str or os.PathLike
            File to write (a zip of JSON, ``.npz`` and torch weights).
        """
        from ._persistence import save_estimator

        check_is_fitted(self)
        save_estimator(self, path)

    @classmethod
    def load(cls, path):
        """Load an estimator written by :meth:`save`.

        Parameters
        ----------
        path : str or os.PathLike

        Returns
        -------
        estimator : fitted estimator of this class

        Raises
        ------
        ValueError
            If the file is corrupt, not a tsaugment file, or holds another class.
        """
        from ._persistence import load_estimator

        return load_estimator(path, expected_class=cls)


class BaseGenerator(PersistenceMixin, TransformerMixin, BaseEstimator):
    """Base class of all tsaugment generators.

    Subclasses implement the hooks listed in the module docstring. A generator that
    trains torch networks also subclasses
    :class:`tsaugment._training.TorchEstimatorMixin`, listed first (device, torch
    seeding, batches, optimisers, chunked inference); this class itself needs no
    torch. Class attributes that subclasses may change:

    - ``_min_timepoints``: shortest series the model accepts;
    - ``_min_class_size``: fewest series per class when fitted with labels (1: a
      class of one series is learnt, as UCR's Fungi and DiatomSizeReduction need;
      :func:`tsaugment.utils.estimator_checks.check_generator_one_series_class`
      tests it);
    - ``_scales_data``: ``False`` hands the hooks the data on its own scale, in
      float64 (float32 would round ``1e8 + x`` to steps of 8), for augmenters defined
      on the data's own units;
    - ``_parameter_constraints``: what each hyperparameter may be, checked at the
      start of ``fit`` (see :mod:`tsaugment._params`).
    """

    _min_timepoints = 2
    _min_class_size = 1
    _scales_data = True
    _parameter_constraints: dict = {}

    # -- public API -------------------------------------------------------------------
    def fit(self, X, y=None):
        """Learn the distribution of ``X`` (per class when ``y`` is given).

        Parameters
        ----------
        X : array-like of shape (n_cases, n_channels, n_timepoints) or (n_cases, n_timepoints)
            Training series.
        y : array-like of shape (n_cases,), optional
            Labels of any hashable type. With labels the generator learns
            class-conditional generation.

        Returns
        -------
        self : object
            The fitted generator.
        """
        dtype = float_dtype_of(X)
        X = check_X(X, min_cases=2, min_timepoints=self._min_timepoints)
        self._check_params()
        self.n_channels_, self.n_timepoints_ = X.shape[1], X.shape[2]
        self.dtype_ = dtype
        y_codes = None
        if y is None:
            self.classes_ = None
            self.class_prior_ = None
            self.n_classes_ = 0
        else:
            y = check_y(y, X.shape[0], min_class_size=self._min_class_size)
            self.classes_, y_codes, counts = np.unique(y, return_inverse=True, return_counts=True)
            self.class_prior_ = counts / counts.sum()
            self.n_classes_ = len(self.classes_)
        self.scaler_ = ChannelMinMaxScaler().fit(X) if self._scales_data else _identity_scaler(X)
        self._init_random_state()
        with self._fit_context():
            self._fit_scaled(self._to_model_scale(X), y_codes)
        return self

    def sample(self, n_samples=1, *, y=None):
        """Draw new series from the fitted distribution.

        Parameters
        ----------
        n_samples : int, default=1
            Number of series; exactly this many are returned.
        y : label or array-like of shape (n_samples,), optional
            Wanted labels (one for all, or one per series). Without it the labels
            follow the training class frequencies. Only for a generator fitted with
            labels.

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_channels, n_timepoints)
            On the scale of the training data, in its float dtype.
        y_new : ndarray of shape (n_samples,) or None
            Labels of the series (same type as the training labels), ``None`` for a
            generator fitted without labels.
        """
        check_is_fitted(self)
        if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)):
            raise TypeError(f"n_samples must be an int, got {type(n_samples).__name__}.")
        if n_samples < 1:
            raise ValueError(f"n_samples must be at least 1, got {n_samples}.")
        y_codes = self._label_codes(n_samples, y, draw=True)
        with self._inference_context():
            X_new = self._sample_scaled(int(n_samples), y_codes, self._rng_)
        return self._finish(X_new, self.dtype_), self._labels(y_codes)

    def transform(self, X, y=None):
        """Make one synthetic variant of each series, same shape and order.

        Parameters
        ----------
        X : array-like of shape (n_cases, n_channels, n_timepoints) or (n_cases, n_timepoints)
            Series laid out as in ``fit``.
        y : array-like of shape (n_cases,), optional
            Their labels. Needed by a generator fitted with labels, so that each
            variant keeps the class of its original.

        Returns
        -------
        X_new : ndarray of shape (n_cases, n_channels, n_timepoints)
            Variants on the caller's scale, in ``X``'s float dtype.
        """
        dtype = float_dtype_of(X)
        X = check_fitted_X(self, X, min_timepoints=self._min_timepoints)
        if y is not None:
            y = check_y(y, X.shape[0])  # checked even when the fit had no labels
        if self.classes_ is not None and y is None:
            raise ValueError(
                f"{type(self).__name__} was fitted with labels: pass y to transform "
                "so that each variant keeps the class of its original."
            )
        y_codes = None
        if y is not None and self.classes_ is not None:
            y_codes = self._label_codes(X.shape[0], y, draw=False)
        with self._inference_context():
            X_new = self._transform_scaled(self._to_model_scale(X), y_codes, self._rng_)
        return self._finish(X_new, dtype)

    def fit_transform(self, X, y=None):
        """Fit, then return one variant per series (see :meth:`transform`).

        Parameters
        ----------
        X : array-like of shape (n_cases, n_channels, n_timepoints) or (n_cases, n_timepoints)
        y : array-like of shape (n_cases,), optional

        Returns
        -------
        X_new : ndarray of shape (n_cases, n_channels, n_timepoints)
        """
        return self.fit(X, y).transform(X, y)

    # -- hooks ------------------------------------------------------------------------
    def _init_random_state(self) -> None:
        """Resolve ``random_state`` at the start of ``fit``: ``seed_`` and ``_rng_``."""
        self.seed_ = seed_from_random_state(self.random_state)
        self._rng_ = np.random.default_rng(self.seed_)

    def _fit_context(self):
        """Context of the training hook (a torch estimator seeds torch in it)."""
        return contextlib.nullcontext()

    def _inference_context(self):
        """Context of the sampling hooks (a torch estimator turns gradients off)."""
        return contextlib.nullcontext()

    def _check_params(self) -> None:
        """Validate hyperparameters at the start of ``fit``.

        Checks what the class declares in ``_parameter_constraints`` (see
        :mod:`tsaugment._params`); override to add checks across parameters.
        """
        validate_params(self)

    def _fit_scaled(self, X: np.ndarray, y_codes: np.ndarray | None) -> None:
        raise NotImplementedError

    def _sample_scaled(self, n_samples, y_codes, rng) -> np.ndarray:
        raise NotImplementedError

    def _transform_scaled(self, X, y_codes, rng) -> np.ndarray:
        raise NotImplementedError

    def _build_model(self):
        raise NotImplementedError

    # -- helpers ----------------------------------------------------------------------
    def _label_codes(self, n_samples: int, y, *, draw: bool) -> np.ndarray | None:
        """Turn requested labels into class codes (or draw them by class frequency)."""
        if self.classes_ is None:
            if y is not None:
                raise ValueError(
                    f"{type(self).__name__} was fitted without labels; it cannot "
                    "sample given labels. Fit it with y for class-conditional samples."
                )
            return None
        if y is None:
            if not draw:
                return None
            return self._rng_.choice(self.n_classes_, size=n_samples, p=self.class_prior_)
        y_arr = np.asarray(y)
        if y_arr.ndim == 0:
            values = [y_arr.item()] * n_samples
        elif y_arr.ndim == 1 and y_arr.shape[0] == n_samples:
            values = y_arr.tolist()
        else:
            raise ValueError(
                f"y must be one label or {n_samples} labels (one per series), got shape "
                f"{y_arr.shape}."
            )
        lookup = {c: i for i, c in enumerate(self.classes_.tolist())}
        unknown = sorted({str(v) for v in values if v not in lookup})
        if unknown:
            raise ValueError(
                f"unknown label(s) {unknown}; the generator knows {self.classes_.tolist()}."
            )
        return np.array([lookup[v] for v in values], dtype=np.int64)

    def _to_model_scale(self, X) -> np.ndarray:
        """What the hooks get: [0, 1] float32, or float64 on the data's own scale."""
        if self._scales_data:
            return self.scaler_.transform(X)
        return np.asarray(X, dtype=np.float64)

    def _labels(self, y_codes):
        return None if y_codes is None else self.classes_[y_codes]

    def _finish(self, X_scaled, dtype) -> np.ndarray:
        """Check generated data and map it back to the caller's scale."""
        X_scaled = np.asarray(X_scaled)
        if not np.isfinite(X_scaled).all():
            raise FloatingPointError(
                f"{type(self).__name__} produced non-finite values; the model has "
                "diverged. Refit with a smaller lr or another random_state."
            )
        return self.scaler_.inverse_transform(X_scaled, dtype=dtype)

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "scaler_")


def _identity_scaler(X) -> ChannelMinMaxScaler:
    """A scaler that leaves every channel as it is."""
    scaler = ChannelMinMaxScaler(eps=0.0)
    scaler.min_ = np.zeros(X.shape[1])
    scaler.range_ = np.ones(X.shape[1])
    return scaler
