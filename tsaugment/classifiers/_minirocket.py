"""MiniRocket with a ridge classifier, as a plain scikit-learn estimator on numpy arrays."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import RidgeClassifierCV
from sklearn.preprocessing import StandardScaler

from .._threads import torch_threads_kept
from .._validation import check_fitted_X, check_X_y

__all__ = ["MiniRocketClassifier"]


class MiniRocketClassifier(ClassifierMixin, BaseEstimator):
    """MiniRocket features, scaled, and a ridge classifier with its penalty chosen by CV.

    The classifier of Dempster, Schmidt and Webb (2021) as sktime composes it in
    ``RocketClassifier(rocket_transform="minirocket")``: sktime's ``MiniRocket``
    transform (``MiniRocketMultivariate`` for several channels),
    ``StandardScaler(with_mean=False)`` and ``RidgeClassifierCV`` over ten penalties
    from 1e-3 to 1e3. It makes the same predictions from the same ``random_state``,
    but passes numpy arrays between the steps: sktime's pipeline checks its
    10,000-column feature table column by column, which made a fit on a small data
    set take 1.7 s instead of 0.05 s (SmoothSubspace, 150 series; one thread, idle
    machine).

    Parameters
    ----------
    num_kernels : int, default=10000
        Number of features (rounded down to a multiple of 84 by MiniRocket; at least
        84).
    max_dilations_per_kernel : int, default=32
        As in sktime's ``MiniRocket`` (at least 1).
    random_state : int or None, default=None
        Seeds MiniRocket's random biases (an int of 32 bits, as sktime takes; a numpy
        integer too).

    Attributes
    ----------
    transform_ : sktime MiniRocket or MiniRocketMultivariate
        The fitted transform.
    scaler_ : sklearn.preprocessing.StandardScaler
    ridge_ : sklearn.linear_model.RidgeClassifierCV
    classes_ : ndarray of shape (n_classes,)
    n_channels_, n_timepoints_ : int
        The layout seen in ``fit``; ``predict`` asks for the same.

    Examples
    --------
    >>> from tsaugment.classifiers import MiniRocketClassifier
    >>> from tsaugment.datasets import load_ucr
    >>> X, y = load_ucr("GunPoint", split="train")
    >>> X_test, y_test = load_ucr("GunPoint", split="test")
    >>> clf = MiniRocketClassifier(random_state=0).fit(X, y)
    >>> clf.score(X_test, y_test) > 0.9
    True
    """

    def __init__(self, num_kernels=10000, max_dilations_per_kernel=32, random_state=None):
        self.num_kernels = num_kernels
        self.max_dilations_per_kernel = max_dilations_per_kernel
        self.random_state = random_state

    @classmethod
    def get_test_params(cls):
        """Small settings for quick checks."""
        return {"num_kernels": 84, "random_state": 0}

    def fit(self, X, y):
        """Fit the transform on ``X``, then the scaler and the ridge on its features.

        Parameters
        ----------
        X : array-like of shape (n_cases, n_channels, n_timepoints) or (n_cases, n_timepoints)
            At least 9 time points (MiniRocket's kernel length).
        y : array-like of shape (n_cases,)

        Returns
        -------
        self : MiniRocketClassifier
        """
        from sktime.transformations.panel.rocket import MiniRocket, MiniRocketMultivariate

        X, y = check_X_y(X, y)
        if X.shape[2] < 9:
            raise ValueError(
                f"MiniRocketClassifier needs series of at least 9 time points; got {X.shape[2]}."
            )
        for name, least in (("num_kernels", 84), ("max_dilations_per_kernel", 1)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < least:
                raise ValueError(f"{name} must be an integer >= {least}, got {value!r}.")
        seed = self.random_state
        if seed is not None and (
            isinstance(seed, bool)
            or not isinstance(seed, (int, np.integer))
            or not -(2**31) <= seed < 2**31
        ):
            raise ValueError(
                f"random_state must be an int of 32 bits or None (sktime's MiniRocket "
                f"takes no generator), got {seed!r}."
            )
        seed = None if seed is None else int(seed)  # sktime seeds from a Python int only
        self.n_channels_, self.n_timepoints_ = X.shape[1], X.shape[2]
        transform = MiniRocket if X.shape[1] == 1 else MiniRocketMultivariate
        with torch_threads_kept():
            self.transform_ = transform(
                num_kernels=self.num_kernels,
                max_dilations_per_kernel=self.max_dilations_per_kernel,
                random_state=seed,
            ).fit(X)
        self.scaler_ = StandardScaler(with_mean=False)
        features = self.scaler_.fit_transform(self._features(X))
        self.ridge_ = RidgeClassifierCV(alphas=np.logspace(-3, 3, 10)).fit(features, y)
        self.classes_ = self.ridge_.classes_
        return self

    def _features(self, X) -> np.ndarray:
        with torch_threads_kept():
            return np.asarray(self.transform_.transform(X), dtype=np.float64)

    def decision_function(self, X):
        """The ridge classifier's decision values.

        Parameters
        ----------
        X : array-like of shape (n_cases, n_channels, n_timepoints) or (n_cases, n_timepoints)

        Returns
        -------
        scores : ndarray of shape (n_cases,) for two classes, else (n_cases, n_classes)
        """
        X = check_fitted_X(self, X)
        return self.ridge_.decision_function(self.scaler_.transform(self._features(X)))

    def predict(self, X):
        """Predicted labels.

        Parameters
        ----------
        X : array-like of shape (n_cases, n_channels, n_timepoints) or (n_cases, n_timepoints)

        Returns
        -------
        y_pred : ndarray of shape (n_cases,)
        """
        X = check_fitted_X(self, X)
        return self.ridge_.predict(self.scaler_.transform(self._features(X)))
