"""Keep only synthetic series that still look like their class: label and realism filters.

:class:`LabelFilter` fits a fast classifier on the original series and accepts a
synthetic series when that classifier puts it in its intended class (with at least
``threshold`` confidence, if given). :class:`RealismFilter` accepts a synthetic series
when it lies close to the original series of its class: inside the k-nearest-neighbour
ball of one of them (the realism test of Kynkäänniemi et al., 2019).
:class:`CombinedFilter` accepts what every one of several filters accepts. All share
:meth:`LabelFilter.fill`, which draws synthetic series round after round until every
class has its quota of accepted ones, or ``max_draws`` rounds have been drawn; it
records the acceptance rate per class and warns, naming the class, when a class could
not be filled. :class:`tsaugment.Augmenter` and :class:`tsaugment.AugmentedClassifier`
use them through their ``filter`` parameter.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.utils.validation import check_is_fitted

from ._params import Integral, Interval, Real, validate_params
from ._validation import check_same_layout, check_X, check_X_y, check_y
from ._warnings import warn

__all__ = ["CombinedFilter", "LabelFilter", "RealismFilter", "UnfilledClassWarning"]


class UnfilledClassWarning(UserWarning):
    """A class got fewer accepted synthetic series than its quota."""


def _finite_rows(X, y):
    """Validate synthetic series that may hold NaN or inf; say which rows are finite.

    Returns the series (non-finite values set to 0, so that :func:`check_X` accepts
    them), their labels and the mask of series without a non-finite value: a filter
    rejects the others.
    """
    X = np.asarray(X)
    finite = None
    if X.dtype.kind in "fc" and X.ndim >= 2:
        bad = ~np.isfinite(X)
        finite = ~bad.reshape(len(X), -1).any(axis=1)
        X = np.where(bad, 0, X)
    X = check_X(X)
    if finite is None:
        finite = np.ones(len(X), dtype=bool)
    return X, check_y(y, len(X)), finite


class _DrawLoop(BaseEstimator):
    """What the filters share: input checks, the draw loop and its warning.

    Subclasses define ``fit`` (which sets ``classes_`` and ``layout_``), ``_passes``
    (the check itself, on validated series without NaN or inf) and ``_kind``.
    """

    _kind = "filter"
    _remedy = "Raise max_draws or use another generator."

    def accepts(self, X, y) -> np.ndarray:
        """Which synthetic series pass the filter.

        Parameters
        ----------
        X : array-like of shape (n_syn, n_channels, n_timepoints) or (n_syn, n_timepoints)
            Of the originals' layout; a series with a non-finite value is not accepted.
        y : array-like of shape (n_syn,)
            Their intended labels (a label the filter was not fitted on is not accepted).

        Returns
        -------
        mask : ndarray of bool, shape (n_syn,)
        """
        check_is_fitted(self)
        X, y, mask = _finite_rows(X, y)
        check_same_layout(X, self.layout_)
        if mask.any():
            mask[mask] = self._passes(X[mask], y[mask])
        return mask

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
                warn(
                    f"{self._kind} filter: class {name!r} got {n_kept[i]} of its {counts[i]} "
                    f"synthetic series after {rounds} draws (acceptance rate "
                    f"{self.acceptance_rate_[i]:.2f}); the augmented set has fewer series "
                    f"of that class. {self._remedy}",
                    UnfilledClassWarning,
                )
        X_out = np.concatenate([part for parts in kept for part in parts])
        return X_out, np.repeat(classes, n_kept)

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "classes_")


class LabelFilter(_DrawLoop):
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
    layout_ : tuple of (n_channels, n_timepoints)
        The originals' layout; synthetic series must have it.
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
    _kind = "label"
    _remedy = "Lower the threshold, raise max_draws, or use another generator."

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
        self.layout_ = X.shape[1:]
        return self

    def _passes(self, X, y):
        if self.threshold is None:
            return np.asarray(self.classifier_.predict(X)) == y
        proba = np.asarray(self.classifier_.predict_proba(X))
        column = np.searchsorted(self.classes_, y)
        column = np.minimum(column, len(self.classes_) - 1)
        known = self.classes_[column] == y
        confidence = proba[np.arange(len(y)), column]
        top = proba.argmax(axis=1) == column
        return known & top & (confidence >= self.threshold)


class RealismFilter(_DrawLoop):
    """Accept a synthetic series that lies inside the k-NN ball of a real series of its class.

    The realism test of Kynkäänniemi et al. (2019, "Improved precision and recall
    metric for assessing generative models"), per class and in the series' own space:
    each original series of a class is the centre of a ball whose radius is the
    distance to its ``n_neighbors``-th nearest other series of that class; the balls
    with the largest radii are dropped (the paper keeps those up to the median, so
    that an outlier's large ball does not vouch for anything); a synthetic series is
    accepted when it lies inside one of the kept balls of its intended class. It
    rejects series that a classifier would put in the right class but that lie where
    the class has no data (too large in amplitude, too smooth, between modes), which
    :class:`LabelFilter` lets through.

    Parameters
    ----------
    n_neighbors : int, default=3
        The k of the k-NN radius (the paper's 3). A class with k or fewer series uses
        its farthest other series; a class of one series takes the distance to its
        ``n_neighbors``-th nearest series of the whole training set, so its ball holds
        series of other classes (combine with the label filter there).
    radius_quantile : float in (0, 1] or None, default=0.5
        Keep the balls whose radius is at most this quantile of the class's radii
        (0.5: the paper's median); None or 1 keeps them all (the paper's precision
        metric rather than its realism score). Balls of radius 0 (duplicated
        originals) are left out of the quantile and dropped, unless all are 0.
    metric : str or callable, default="euclidean"
        Distance between flattened series (channels one after another), any metric of
        :func:`sklearn.metrics.pairwise_distances`. Euclidean on the raw series, as
        the series come (UCR series are z-normalised one by one), so amplitude counts.
    max_draws : int, default=10
        Most rounds of drawing in :meth:`fill` (see :class:`LabelFilter`).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    centers_ : list of ndarray, one of shape (n_kept, n_channels * n_timepoints) per class
        The original series whose balls were kept, flattened.
    radii_ : list of ndarray, one of shape (n_kept,) per class
    layout_ : tuple of (n_channels, n_timepoints)
        The originals' layout; synthetic series must have it.
    acceptance_rate_, n_drawn_, n_rounds_ :
        As in :class:`LabelFilter`, for the last :meth:`fill`.

    Examples
    --------
    >>> import numpy as np
    >>> from tsaugment.filtering import RealismFilter
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(0, 1, (20, 1, 8))
    >>> y = np.repeat(["a", "b"], 10)
    >>> flt = RealismFilter().fit(X, y)
    >>> flt.accepts(np.stack([X[0] + 0.01, 3 * X[0]]), np.array(["a", "a"])).tolist()
    [True, False]
    """

    _parameter_constraints = {
        "n_neighbors": [Interval(Integral, 1)],
        "radius_quantile": [None, Interval(Real, 0, 1, closed="right")],
        "max_draws": [Interval(Integral, 1)],
    }
    _kind = "realism"
    _remedy = "Raise radius_quantile or n_neighbors, raise max_draws, or use another generator."

    def __init__(self, *, n_neighbors=3, radius_quantile=0.5, metric="euclidean", max_draws=10):
        self.n_neighbors = n_neighbors
        self.radius_quantile = radius_quantile
        self.metric = metric
        self.max_draws = max_draws

    @classmethod
    def get_test_params(cls):
        """Tiny settings for the shared checks (``tsaugment.utils.estimator_checks``)."""
        return {"n_neighbors": 2, "radius_quantile": None}

    def fit(self, X, y):
        """Compute every original series' k-NN radius within its class.

        Parameters
        ----------
        X : array-like of shape (n_cases, n_channels, n_timepoints) or (n_cases, n_timepoints)
        y : array-like of shape (n_cases,)

        Returns
        -------
        self : RealismFilter
        """
        from sklearn.metrics import pairwise_distances

        validate_params(self)
        X, y = check_X_y(X, y)
        if len(X) < 2:
            raise ValueError(f"RealismFilter needs at least 2 original series, got {len(X)}.")
        flat = X.reshape(len(X), -1).astype(np.float64)
        try:
            pairwise_distances(flat[:1], metric=self.metric)
        except (ValueError, TypeError) as err:
            raise ValueError(
                f"RealismFilter: metric must be a distance that "
                f"sklearn.metrics.pairwise_distances knows, got {self.metric!r}."
            ) from err
        classes = np.unique(y)
        centers, kept_radii = [], []
        for label in classes:
            mine = flat[y == label]
            if len(mine) == 1:  # no neighbour of its class: the whole training set's
                others = np.sort(pairwise_distances(mine, flat, metric=self.metric)[0])[1:]
                radii = others[[min(self.n_neighbors, len(others)) - 1]]
            else:
                dist = pairwise_distances(mine, metric=self.metric)
                np.fill_diagonal(dist, np.inf)
                k = min(self.n_neighbors, len(mine) - 1)
                radii = np.sort(dist, axis=1)[:, k - 1]
            keep = np.ones(len(radii), dtype=bool)
            positive = radii > 0
            if positive.any():  # a duplicated original's ball of radius 0 holds nothing
                keep = positive
            if self.radius_quantile is not None and keep.sum() > 1:
                keep &= radii <= np.quantile(radii[keep], self.radius_quantile)
            centers.append(mine[keep])
            kept_radii.append(radii[keep])
        self.classes_, self.centers_, self.radii_ = classes, centers, kept_radii
        self.layout_ = X.shape[1:]
        return self

    def _passes(self, X, y):
        from sklearn.metrics import pairwise_distances

        flat = X.reshape(len(X), -1).astype(np.float64)
        mask = np.zeros(len(flat), dtype=bool)
        for label, centers, radii in zip(self.classes_, self.centers_, self.radii_):
            rows = np.flatnonzero(y == label)
            if len(rows):
                dist = pairwise_distances(flat[rows], centers, metric=self.metric)
                mask[rows] = (dist <= radii).any(axis=1)
        return mask


class CombinedFilter(_DrawLoop):
    """Accept a synthetic series that every one of several filters accepts.

    The label and realism filters see different faults: the label check passes a
    series that lies off the data on the right side of the class boundary, and the
    realism check, in a space of hundreds of time points where a class has a dozen
    series, passes a series inside a wide ball that reaches into another class.
    ``filter="label+realism"`` asks for both.

    Parameters
    ----------
    filters : list of filter objects or names
        Each (a :class:`LabelFilter` or :class:`RealismFilter`, or ``"label"`` or
        ``"realism"`` for one at its defaults) is cloned and fitted on the originals;
        their own ``max_draws`` are not used, this filter's is.
    max_draws : int, default=10
        Most rounds of drawing in :meth:`fill` (see :class:`LabelFilter`).
    random_state : int, RandomState instance or None, default=None
        When not None, seeds every ``random_state`` parameter of the clones, in
        order, from one generator seeded with it (so the label check of
        ``"label+realism"`` is not seeded as that of ``"label"`` alone).

    Attributes
    ----------
    filters_ : list of fitted filters
    classes_ : ndarray of shape (n_classes,)
    layout_ : tuple of (n_channels, n_timepoints)
    acceptance_rate_, n_drawn_, n_rounds_ :
        As in :class:`LabelFilter`, for the last :meth:`fill`.

    Examples
    --------
    >>> import numpy as np
    >>> from tsaugment.filtering import CombinedFilter, LabelFilter, RealismFilter
    >>> rng = np.random.default_rng(0)
    >>> X = np.concatenate([rng.normal(0, 1, (10, 1, 5)), rng.normal(5, 1, (10, 1, 5))])
    >>> y = np.repeat(["a", "b"], 10)
    >>> flt = CombinedFilter([LabelFilter(), RealismFilter()], random_state=0).fit(X, y)
    >>> # an original, one shifted off the data (still nearer "a" than "b"), a "b"
    >>> flt.accepts(np.stack([X[0], X[0] - 3, X[15]]), np.array(["a", "a", "a"])).tolist()
    [True, False, False]
    """

    _parameter_constraints = {"max_draws": [Interval(Integral, 1)]}

    def __init__(self, filters, *, max_draws=10, random_state=None):
        self.filters = filters
        self.max_draws = max_draws
        self.random_state = random_state

    @property
    def _kind(self):
        return "+".join(f._kind for f in self.filters_)

    @property
    def _remedy(self):
        return " / ".join(f._remedy for f in self.filters_)

    @classmethod
    def get_test_params(cls):
        """Tiny settings for the shared checks (``tsaugment.utils.estimator_checks``)."""
        return {"filters": [RealismFilter(n_neighbors=2)]}

    def fit(self, X, y):
        """Fit a clone of every filter on the original series.

        Parameters
        ----------
        X : array-like of shape (n_cases, n_channels, n_timepoints) or (n_cases, n_timepoints)
        y : array-like of shape (n_cases,)

        Returns
        -------
        self : CombinedFilter
        """
        from sklearn.utils import check_random_state

        from .augment import _seed_random_states

        validate_params(self)
        bad = not isinstance(self.filters, (list, tuple)) or not self.filters
        if bad or any(
            not isinstance(f, str) and not isinstance(f, _DrawLoop) for f in self.filters
        ):
            raise ValueError(
                "CombinedFilter: filters must be a non-empty list of filters (LabelFilter, "
                f"RealismFilter, 'label', 'realism'), got {self.filters!r}."
            )
        X, y = check_X_y(X, y)
        rng = None if self.random_state is None else check_random_state(self.random_state)
        self.filters_ = []
        for flt in self.filters:
            flt = resolve_filter(flt, None, self.max_draws)
            if rng is not None:
                _seed_random_states(flt, rng)
            self.filters_.append(flt.fit(X, y))
        self.classes_ = np.unique(y)
        self.layout_ = X.shape[1:]
        return self

    def _passes(self, X, y):
        mask = np.ones(len(X), dtype=bool)
        for flt in self.filters_:  # each checks only what the ones before it passed
            if mask.any():
                mask[mask] = flt._passes(X[mask], y[mask])
        return mask


FILTERS = ("label", "realism", "label+realism")


def resolve_filter(filter, threshold, max_draws):
    """The filter an augmenter's ``filter`` parameter asks for (or None).

    Parameters
    ----------
    filter : None, "label", "realism", "label+realism" or a filter object
        ``"label"`` builds ``LabelFilter(threshold=threshold, max_draws=max_draws)``,
        ``"realism"`` builds ``RealismFilter(max_draws=max_draws)``, and names joined
        by ``"+"`` a :class:`CombinedFilter` of those; an object with ``fit`` and
        ``fill`` (a :class:`LabelFilter`, :class:`RealismFilter` or
        :class:`CombinedFilter` with settings of its own) is cloned.
    threshold : float or None
        The label filter's confidence threshold (must be None without ``"label"``).
    max_draws : int

    Returns
    -------
    LabelFilter, RealismFilter, CombinedFilter, a clone of ``filter``, or None
    """
    expected = (
        "None, 'label', 'realism', 'label+realism' or a filter object (LabelFilter, "
        "RealismFilter, CombinedFilter)"
    )
    if filter is None:
        return None
    if isinstance(filter, str):
        if filter not in FILTERS:
            raise ValueError(f"filter must be {expected}, got {filter!r}.")
        names = filter.split("+")
        if threshold is not None and "label" not in names:
            raise ValueError(
                f"filter_threshold={threshold} is the label filter's confidence "
                f"threshold; filter={filter!r} has none (leave filter_threshold=None)."
            )
        built = [
            LabelFilter(threshold=threshold, max_draws=max_draws)
            if name == "label"
            else RealismFilter(max_draws=max_draws)
            for name in names
        ]
        return built[0] if len(built) == 1 else CombinedFilter(built, max_draws=max_draws)
    if not (hasattr(filter, "fit") and hasattr(filter, "fill")):
        raise TypeError(f"filter must be {expected}, got {type(filter).__name__}.")
    return clone(filter)
