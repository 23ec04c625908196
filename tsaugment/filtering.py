"""Keep only synthetic series that still look like their class: the label filter.

:class:`LabelFilter` fits a fast classifier on the original series and accepts a
synthetic series when that classifier puts it in its intended class (with at least
``threshold`` confidence, if given). :meth:`LabelFilter.fill` draws synthetic series
round after round until every class has its quota of accepted ones, or
``max_draws`` rounds have been drawn; it records the acceptance rate per class and
warns, naming the class, when a class could not be filled. :class:`tsaugment.Augmenter`
and :class:`tsaugment.AugmentedClassifier` use it through their ``filter`` parameter.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.utils.validation import check_is_fitted

from ._params import Integral, Interval, Real, validate_params
from ._validation import check_X_y

__all__ = ["LabelFilter", "UnfilledClassWarning"]


class UnfilledClassWarning(UserWarning):
    """A class got fewer accepted synthetic series than its quota."""


class LabelFilter(BaseEstimator):
    """Accept a synthetic series when a classifier of the originals puts it in its class.

    Parameters
    ----------
    classifier : scikit-learn or sktime classifier, optional
        Cloned and fitted on the original series. Default:
        :class:`tsaugment.metrics.LabelFidelityClassifier` (MiniRocket and a ridge
        classifier; see there why).
    threshold : float in (0, 1] or None, default=None
        None accepts a series whose predicted class is its intended class. A number
        also asks that the classifier's ``predict_proba`` for the intended class be at
        least ``threshold`` (the default classifier's confidence is a softmax of ridge
        decision values, not a calibrated probability).
    max_draws : int, default=10
        Most rounds of drawing in :meth:`fill`. Round one draws each class's quota;
        each later round draws a class's shortfall divided by its acceptance rate so
        far (at most ten times the shortfall).
    random_state : int, RandomState instance or None, default=None
        Seeds the default classifier.

    Attributes
    ----------
    classifier_ : classifier
        Fitted on the originals.
    classes_ : ndarray of shape (n_classes,)
    acceptance_rate_ : ndarray of shape (n_classes,)
        Accepted / drawn per class in the last :meth:`fill` (NaN for a class with
        nothing to draw).
    n_drawn_ : ndarray of int, shape (n_classes,)
        Series drawn per class in the last :meth:`fill`.
    n_rounds_ : int
        Rounds drawn in the last :meth:`fill`.

    Examples
    --------
    >>> import numpy as np
    >>> from tsaugment.filtering import LabelFilter
    >>> rng = np.random.default_rng(0)
    >>> X = np.concatenate([rng.normal(0, 1, (10, 1, 5)), rng.normal(5, 1, (10, 1, 5))])
    >>> y = np.repeat(["a", "b"], 10)
    >>> flt = LabelFilter().fit(X, y)
    >>> flt.accepts(np.stack([X[0], X[15]]), np.array(["a", "a"])).tolist()
    [True, False]
    """

    _parameter_constraints = {
        "threshold": [None, Interval(Real, 0, 1, closed="right")],
        "max_draws": [Interval(Integral, 1)],
    }

    def __init__(self, classifier=None, *, threshold=None, max_draws=10, random_state=None):
        self.classifier = classifier
        self.threshold = threshold
        self.max_draws = max_draws
        self.random_state = random_state

    @classmethod
    def get_test_params(cls):
        """Tiny settings for the shared checks (``tsaugment.utils.estimator_checks``)."""
        return {"threshold": 0.5}

    def fit(self, X, y):
        """Fit the checking classifier on the original series.

        Parameters
        ----------
        X : array-like of shape (n_cases, n_channels, n_timepoints) or (n_cases, n_timepoints)
        y : array-like of shape (n_cases,)

        Returns
        -------
        self : LabelFilter
        """
        from .metrics._label_fidelity import label_classifier

        validate_params(self)
        X, y = check_X_y(X, y)
        classifier = label_classifier(self.classifier, self.random_state)
        if self.threshold is not None and not hasattr(classifier, "predict_proba"):
            raise ValueError(
                f"threshold={self.threshold} needs a classifier with predict_proba; "
                f"{type(classifier).__name__} has none (use threshold=None)."
            )
        self.classifier_ = classifier.fit(X, y)
        self.classes_ = np.asarray(self.classifier_.classes_)
        return self

    def accepts(self, X, y) -> np.ndarray:
        """Which synthetic series pass the label check.

        Parameters
        ----------
        X : array-like of shape (n_syn, n_channels, n_timepoints) or (n_syn, n_timepoints)
        y : array-like of shape (n_syn,)
            Their intended labels.

        Returns
        -------
        mask : ndarray of bool, shape (n_syn,)
        """
        check_is_fitted(self)
        X, y = check_X_y(X, y)
        if self.threshold is None:
            return np.asarray(self.classifier_.predict(X)) == y
        proba = np.asarray(self.classifier_.predict_proba(X))
        column = np.searchsorted(self.classes_, y)
        column = np.minimum(column, len(self.classes_) - 1)
        known = self.classes_[column] == y
        confidence = proba[np.arange(len(y)), column]
        top = proba.argmax(axis=1) == column
        return known & top & (confidence >= self.threshold)

    def fill(self, draw, classes, counts):
        """Draw synthetic series until each class has its quota of accepted ones.

        Parameters
        ----------
        draw : callable
            ``draw(labels)`` returns synthetic series, an array of shape
            ``(len(labels), n_channels, n_timepoints)``, one per requested label.
        classes : ndarray of shape (n_classes,)
        counts : array-like of int, shape (n_classes,)
            Accepted series wanted per class.

        Returns
        -------
        X_new : ndarray of shape (n_accepted, n_channels, n_timepoints)
            Accepted series grouped by class in the order of ``classes``; a class that
            could not be filled has fewer than its quota (with an
            :class:`UnfilledClassWarning` naming it).
        y_new : ndarray of shape (n_accepted,)
        """
        check_is_fitted(self)
        classes = np.asarray(classes)
        counts = np.asarray(counts, dtype=np.int64)
        kept = [[] for _ in classes]
        n_kept = np.zeros(len(classes), dtype=np.int64)
        drawn = np.zeros(len(classes), dtype=np.int64)
        accepted = np.zeros(len(classes), dtype=np.int64)
        rounds = 0
        for _ in range(self.max_draws):
            short = counts - n_kept
            if not (short > 0).any():
                break
            rate = np.where(drawn > 0, accepted / np.maximum(drawn, 1), 1.0)
            ask = np.where(
                short > 0,
                np.minimum(np.ceil(short / np.maximum(rate, 0.1)), 10 * short),
                0,
            ).astype(np.int64)
            labels = np.repeat(classes, ask)
            X_new = np.asarray(draw(labels))
            ok = self.accepts(X_new, labels)
            rounds += 1
            for i, label in enumerate(classes):
                mine = labels == label
                good = X_new[mine & ok]
                drawn[i] += int(mine.sum())
                accepted[i] += len(good)
                take = good[: max(0, counts[i] - n_kept[i])]
                kept[i].append(take)
                n_kept[i] += len(take)
        self.n_drawn_ = drawn
        self.n_rounds_ = rounds
        with np.errstate(invalid="ignore", divide="ignore"):
            self.acceptance_rate_ = np.where(drawn > 0, accepted / drawn, np.nan)
        for i, label in enumerate(classes):
            if n_kept[i] < counts[i]:
                name = label.item() if isinstance(label, np.generic) else label
                warnings.warn(
                    f"label filter: class {name!r} got {n_kept[i]} of its {counts[i]} "
                    f"synthetic series after {rounds} draws (acceptance rate "
                    f"{self.acceptance_rate_[i]:.2f}); the augmented set has fewer series "
                    "of that class. Lower the threshold, raise max_draws, or use another "
                    "generator.",
                    UnfilledClassWarning,
                    stacklevel=3,
                )
        X_out = np.concatenate([part for parts in kept for part in parts])
        return X_out, np.repeat(classes, n_kept)

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "classifier_")


def resolve_filter(filter, threshold, max_draws):
    """The :class:`LabelFilter` an augmenter's ``filter`` parameter asks for (or None).

    Parameters
    ----------
    filter : None, "label" or LabelFilter
        ``"label"`` builds ``LabelFilter(threshold=threshold, max_draws=max_draws)``;
        a LabelFilter object is cloned and used with its own settings.
    threshold : float or None
    max_draws : int

    Returns
    -------
    LabelFilter or None
    """
    if filter is None:
        return None
    if isinstance(filter, str):
        if filter != "label":
            raise ValueError(f"filter must be None, 'label' or a LabelFilter, got {filter!r}.")
        return LabelFilter(threshold=threshold, max_draws=max_draws)
    if not (hasattr(filter, "fit") and hasattr(filter, "fill")):
        raise TypeError(
            f"filter must be None, 'label' or a LabelFilter, got {type(filter).__name__}."
        )
    return clone(filter)
