"""Augmenting a training set: a sampler for pipelines and a classifier meta-estimator.

:class:`Augmenter` is an imbalanced-learn sampler: in ``imblearn.pipeline.Pipeline`` its
``fit_resample`` runs at fit time only, and prediction passes through it untouched.
:class:`AugmentedClassifier` packs generator and classifier into one scikit-learn
classifier, for plain ``sklearn.pipeline.Pipeline``, ``cross_val_score`` and
``GridSearchCV``.

How many synthetic series, and of which class
---------------------------------------------
With ``n`` training series and ``ratio`` synthetic series per original, the total is
``N = floor(ratio * n + 0.5)`` (``ratio * n`` rounded half up). It is split among the
classes (in the order of ``np.unique(y)``) by

- ``strategy="proportional"``: class ``c`` with ``n_c`` series gets its share
  ``N * n_c / n`` rounded down, and the series left over go one each to the classes
  with the largest remainders (ties: class order). Class proportions are kept to
  within one series, and the total is exactly ``N``.
- ``strategy="balance"``: the smaller classes are topped up first. While ``N`` does
  not cover the gap to the largest class, the smallest classes are raised together to
  a common level (the highest ``L`` with ``sum(max(0, L - n_c)) <= N``; the few left
  over go one each, in class order, to the classes at that level). Once every class has
  as many series as the largest one, the rest is split equally among the classes
  (left-overs one each, in class order). ``ratio=(n_max * k - n) / n`` balances the
  classes exactly.

One rule for hold out, augment, fit
-----------------------------------
:func:`fit_augmented` is the one place where a classifier is trained on augmented
data: :class:`AugmentedClassifier` and the benchmark grid both call it. It holds the
classifier's validation series out of the originals (:func:`hold_out_validation`),
fits the generator on the rest and adds its series (:class:`Augmenter`), and fits the
classifier with the held-out series as ``validation_data``. Seeding: with an int
``random_state`` a ``numpy.random.RandomState(random_state)`` draws, in this order,
(1) the :class:`Augmenter`'s seed, which seeds every ``random_state`` of the
generator's clone and the order of originals of ``method="transform"``, and (2) one
seed per ``random_state`` of the classifier's clone (nested ones too, in sorted order
of their names). Draw (1) is made with or without a generator, so that a baseline
(no generator) and an augmented fit of the same ``random_state`` train the classifier
from the same seed and validate on the same real series. With ``random_state=None``
the estimators keep their own settings.

Why :class:`Augmenter` does not subclass ``imblearn.base.BaseSampler``: that base
validates ``X`` as a 2D table (time series are 3D) and imposes the
``sampling_strategy`` parameter and its semantics (target counts per class), while
augmentation is defined by a ratio of synthetic to original series. imbalanced-learn's
Pipeline only asks a step for ``fit_resample`` and no ``transform``, so the protocol
is implemented directly on ``sklearn.base.BaseEstimator``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ._params import Integral, Interval, Options, Real, validate_params
from ._validation import check_X, check_X_y, check_y
from .classifiers import as_sklearn_classifier
from .filtering import resolve_filter

__all__ = [
    "Augmenter",
    "AugmentedClassifier",
    "AugmentedFit",
    "fit_augmented",
    "hold_out_validation",
    "synthetic_counts",
]

_STRATEGIES = ("proportional", "balance")
_METHODS = ("sample", "transform")


def _largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    """Split ``total`` into integers proportional to ``weights`` (Hamilton's method)."""
    shares = total * weights / weights.sum()
    counts = np.floor(shares).astype(np.int64)
    left = total - int(counts.sum())
    if left:
        order = np.argsort(-(shares - counts), kind="stable")  # ties: class order
        counts[order[:left]] += 1
    return counts


def synthetic_counts(class_counts, ratio: float, strategy: str = "proportional") -> np.ndarray:
    """Number of synthetic series per class (the rule in the module docstring).

    Parameters
    ----------
    class_counts : array-like of int, shape (n_classes,)
        Series per class in the training data.
    ratio : float
        Synthetic series per original series (>= 0).
    strategy : {"proportional", "balance"}, default="proportional"

    Returns
    -------
    counts : ndarray of int, shape (n_classes,)
        Sums to ``floor(ratio * sum(class_counts) + 0.5)``.

    Examples
    --------
    >>> synthetic_counts([10, 30], 0.5).tolist()
    [5, 15]
    >>> synthetic_counts([10, 30], 0.5, "balance").tolist()
    [20, 0]
    >>> synthetic_counts([10, 30], 1.0, "balance").tolist()
    [30, 10]
    """
    n_c = np.asarray(class_counts, dtype=np.int64)
    total = int(np.floor(ratio * n_c.sum() + 0.5))
    if total == 0:
        return np.zeros_like(n_c)
    if strategy == "proportional":
        return _largest_remainder(total, n_c.astype(np.float64))
    gap = n_c.max() - n_c
    if total >= gap.sum():
        rest = total - int(gap.sum())
        return gap + _largest_remainder(rest, np.ones(len(n_c)))
    # water-filling: the highest common level L the budget reaches
    low, high = int(n_c.min()), int(n_c.max())
    while low < high:
        mid = (low + high + 1) // 2
        if np.maximum(0, mid - n_c).sum() <= total:
            low = mid
        else:
            high = mid - 1
    counts = np.maximum(0, low - n_c)
    left = total - int(counts.sum())
    at_level = np.flatnonzero(n_c <= low)
    counts[at_level[:left]] += 1
    return counts


_AUGMENT_CONSTRAINTS = {
    "ratio": [Interval(Real, 0)],
    "strategy": [Options(_STRATEGIES)],
    "method": [Options(_METHODS)],
    "filter_threshold": [None, Interval(Real, 0, 1, closed="right")],
    "max_draws": [Interval(Integral, 1)],
}


def _seed_random_states(estimator, rng) -> None:
    """Give every ``random_state`` parameter (nested ones included) a seed from ``rng``."""
    params = estimator.get_params(deep=True)
    keys = sorted(k for k in params if k == "random_state" or k.endswith("__random_state"))
    if keys:
        estimator.set_params(**{k: int(rng.randint(np.iinfo(np.int32).max)) for k in keys})


def _seed_classifier(classifier, random_state) -> int | None:
    """Seed ``classifier`` as :func:`fit_augmented` does; return the augmenter's seed.

    With ``random_state`` None nothing is seeded and None is returned. Otherwise the
    augmenter's seed is drawn first (even when no generator will use it), then the
    classifier's ``random_state`` parameters, so that a plain classifier seeded here
    gets the same seeds as the classifier of an augmented fit with that random_state.
    """
    if random_state is None:
        return None
    rs = check_random_state(random_state)
    augmenter_seed = int(rs.randint(np.iinfo(np.int32).max))
    _seed_random_states(classifier, rs)
    return augmenter_seed


def _check_generator(generator) -> None:
    missing = [m for m in ("fit", "sample", "transform") if not hasattr(generator, m)]
    if missing:
        raise TypeError(
            f"generator must be a tsaugment generator (fit, sample, transform); "
            f"{type(generator).__name__} lacks {missing}."
        )


class Augmenter(BaseEstimator):
    """Add synthetic series to a training set (an imbalanced-learn sampler).

    Parameters
    ----------
    generator : tsaugment generator
        Cloned and fitted on the training data in ``fit_resample``; the object passed
        is never fitted or changed.
    ratio : float, default=1.0
        Synthetic series per original series (0 adds none).
    strategy : {"proportional", "balance"}, default="proportional"
        How the synthetic series are shared among the classes: in the classes'
        proportions, or to the smaller classes first (see the module docstring for
        the exact rule and :func:`synthetic_counts`).
    method : {"sample", "transform"}, default="sample"
        ``"sample"`` draws new series with ``generator.sample(n, y=labels)``;
        ``"transform"`` makes variants of originals of each class with
        ``generator.transform`` (originals visited in a random order, cycling through
        them when a class needs more variants than it has series).
    random_state : int, RandomState instance or None, default=None
        Seeds the order of the originals in ``method="transform"`` and, when not
        None, every ``random_state`` of the generator's clone (the generator's own
        setting is used when None).
    filter : None, "label", "realism", "label+realism" or a filter object, default=None
        None keeps every synthetic series. ``"label"`` keeps only those that a fast
        classifier fitted on the originals assigns to their intended class
        (:class:`~tsaugment.filtering.LabelFilter`); ``"realism"`` only those that lie
        inside the k-nearest-neighbour ball of an original of their class
        (:class:`~tsaugment.filtering.RealismFilter`); ``"label+realism"`` those that
        pass both (:class:`~tsaugment.filtering.CombinedFilter`). Each draws more until
        each class has its quota or ``max_draws`` rounds are drawn (a class left short
        gets fewer series and an :class:`~tsaugment.filtering.UnfilledClassWarning`
        naming it). A filter object is cloned and used with its own settings.
    filter_threshold : float in (0, 1] or None, default=None
        With ``filter="label"``: the classifier's least confidence in the intended
        class (None: its predicted class suffices).
    max_draws : int, default=10
        With a filter: the most rounds of drawing.

    Attributes
    ----------
    generator_ : tsaugment generator
        The fitted clone (after ``fit`` or ``fit_resample``).
    classes_ : ndarray of shape (n_classes,)
    n_synthetic_ : ndarray of int, shape (n_classes,)
        Synthetic series made per class by the last ``fit_resample`` (after
        filtering: fewer than asked for a class the filter could not fill).
    acceptance_rate_ : ndarray of shape (n_classes,)
        Share of drawn series the filter accepted per class in the last
        ``fit_resample`` (1.0 without a filter; NaN for a class with none drawn).
    n_drawn_ : ndarray of int, shape (n_classes,)
        Synthetic series drawn per class (more than ``n_synthetic_`` with a filter).
    filter_ : LabelFilter, RealismFilter, CombinedFilter or None
        The fitted filter of the last ``fit_resample``.
    fit_time_ : float
        Seconds spent fitting the generator.
    sample_time_ : float
        Seconds spent making the synthetic series in the last ``fit_resample``.

    Examples
    --------
    >>> import numpy as np
    >>> from tsaugment import Augmenter, JitterAugmenter
    >>> X = np.random.default_rng(0).normal(size=(6, 1, 20))
    >>> y = np.array(["a", "a", "a", "a", "b", "b"])
    >>> X_res, y_res = Augmenter(JitterAugmenter(), ratio=1.0, strategy="balance",
    ...                          random_state=0).fit_resample(X, y)
    >>> X_res.shape, np.unique(y_res, return_counts=True)[1].tolist()
    ((12, 1, 20), [6, 6])
    """

    _parameter_constraints = _AUGMENT_CONSTRAINTS

    def __init__(
        self,
        generator,
        *,
        ratio=1.0,
        strategy="proportional",
        method="sample",
        random_state=None,
        filter=None,
        filter_threshold=None,
        max_draws=10,
    ):
        self.generator = generator
        self.ratio = ratio
        self.strategy = strategy
        self.method = method
        self.random_state = random_state
        self.filter = filter
        self.filter_threshold = filter_threshold
        self.max_draws = max_draws

    @classmethod
    def get_test_params(cls):
        """Tiny settings for the shared checks (``tsaugment.utils.estimator_checks``)."""
        from .generators import JitterAugmenter

        return {"generator": JitterAugmenter(sigma=0.05), "ratio": 0.5}

    def fit(self, X, y):
        """Validate the data and fit a clone of the generator on it.

        Parameters
        ----------
        X : array-like of shape (n_cases, n_channels, n_timepoints) or (n_cases, n_timepoints)
        y : array-like of shape (n_cases,)

        Returns
        -------
        self : Augmenter
        """
        self._fit(check_X(X), y)
        return self

    def _fit(self, X, y):
        validate_params(self)
        _check_generator(self.generator)
        y = check_y(y, X.shape[0])
        self._rs_ = check_random_state(self.random_state)
        generator = clone(self.generator)
        if self.random_state is not None:
            _seed_random_states(generator, self._rs_)
        # a fitted generator shared between fits that would fit the same one (the
        # benchmark's filtered and unfiltered cells); its seeding above still draws
        # from self._rs_, so what follows is as if it had been fitted here
        cache = getattr(self, "_generator_cache", None)
        cached = None if cache is None else cache.load(generator, X, y)
        if cached is None:
            start = time.perf_counter()
            self.generator_ = generator.fit(X, y)
            self.fit_time_ = time.perf_counter() - start
            if cache is not None:
                cache.save(generator, X, y, self.generator_, self.fit_time_)
        else:
            self.generator_, self.fit_time_ = cached
        self.classes_, self._class_counts_ = np.unique(y, return_counts=True)
        return y

    def fit_resample(self, X, y):
        """Fit the generator and return the originals followed by synthetic series.

        Parameters
        ----------
        X : array-like of shape (n_cases, n_channels, n_timepoints) or (n_cases, n_timepoints)
            Training series (2D is univariate).
        y : array-like of shape (n_cases,)
            Their labels, of any hashable type.

        Returns
        -------
        X_res : ndarray of shape (n_cases + n_synthetic, n_channels, n_timepoints)
            ``X`` (as a 3D array) first, then the synthetic series grouped by class in
            the order of ``classes_``.
        y_res : ndarray of shape (n_cases + n_synthetic,)
            ``y`` then the synthetic series' labels, of the same type.
        """
        X = check_X(X)
        y = self._fit(X, y)
        counts = synthetic_counts(self._class_counts_, self.ratio, self.strategy)
        self.n_synthetic_ = counts
        self.acceptance_rate_ = np.where(counts > 0, 1.0, np.nan)
        self.n_drawn_ = counts
        self.filter_ = resolve_filter(self.filter, self.filter_threshold, self.max_draws)
        self.sample_time_ = 0.0
        if counts.sum() == 0:
            return X, y
        start = time.perf_counter()
        if self.filter_ is None:
            labels = np.repeat(self.classes_, counts)
            X_new = self._draw(labels, X, y)
        else:
            if self.random_state is not None:
                _seed_random_states(self.filter_, self._rs_)
            self.filter_.fit(X, y)
            X_new, labels = self.filter_.fill(
                lambda wanted: self._draw(wanted, X, y), self.classes_, counts
            )
            self.n_synthetic_ = np.array([np.sum(labels == c) for c in self.classes_])
            self.acceptance_rate_ = self.filter_.acceptance_rate_
            self.n_drawn_ = self.filter_.n_drawn_
        X_new = np.asarray(X_new, dtype=X.dtype)
        self.sample_time_ = time.perf_counter() - start
        return np.concatenate([X, X_new]), np.concatenate([y, labels.astype(y.dtype)])

    def _draw(self, labels, X, y) -> np.ndarray:
        """Synthetic series for the given labels (one per label, in their order)."""
        if self.method == "sample":
            return self.generator_.sample(len(labels), y=labels)[0]
        picks = []
        for label in self.classes_:
            m = int(np.sum(labels == label))
            members = self._rs_.permutation(np.flatnonzero(y == label))
            picks.append(members[np.arange(m) % len(members)])
        idx = np.concatenate(picks)
        X_new = self.generator_.transform(X[idx], y[idx])
        order = np.argsort(np.argsort(labels, kind="stable"), kind="stable")
        return np.asarray(X_new)[order]


def hold_out_validation(classifier, X, y, *, min_kept_per_class=1):
    """Set aside the classifier's validation series before the data are augmented.

    A classifier that picks its weights on a validation split of its training data
    (one with ``validation_split(y)`` and ``fit(X, y, validation_data=...)``, such as
    :class:`tsaugment.ResNetClassifier` with ``selection="validation"``; at its
    default it holds nothing out) must not find synthetic variants of its
    validation series among its training series: the validation loss would then be a
    training loss. So the split is made on the originals, the generator is fitted on
    the rest, and the held-out originals are passed to ``fit``. Baseline and
    augmented runs of the same seed then validate on the same real series.

    Only the classifier object itself is asked: a Pipeline or a search wrapping
    such a classifier gets nothing held out.

    Parameters
    ----------
    classifier : estimator
        The classifier about to be fitted (its ``random_state`` fixes the split).
    X : array-like of shape (n_cases, n_channels, n_timepoints) or (n_cases, n_timepoints)
        The original training series.
    y : array-like of shape (n_cases,)
        Their labels.
    min_kept_per_class : int, default=1
        Fewest series of a class to keep for training (the generator's own
        ``_min_class_size``; 1 for every generator of the package). A class the split
        would leave with fewer keeps all its series, and the validation set goes
        without it.

    Returns
    -------
    X_train : ndarray of shape (n_train, n_channels, n_timepoints)
        The series to augment and train on (all of ``X`` when nothing is held out).
    y_train : ndarray of shape (n_train,)
    fit_params : dict
        ``{"validation_data": (X_val, y_val)}`` with ``X_val`` of shape
        ``(n_cases - n_train, n_channels, n_timepoints)``, or empty for a classifier
        without a validation split (or when its split cannot be made).

    Examples
    --------
    >>> from tsaugment import ResNetClassifier
    >>> from tsaugment.augment import hold_out_validation
    >>> from tsaugment.datasets import load_ucr
    >>> X, y = load_ucr("GunPoint", split="train")
    >>> resnet = ResNetClassifier(selection="validation", random_state=0)
    >>> X_train, y_train, params = hold_out_validation(resnet, X, y)
    >>> X_train.shape, params["validation_data"][0].shape
    ((40, 1, 150), (10, 1, 150))
    """
    X, y = check_X_y(X, y)
    split = getattr(classifier, "validation_split", None)
    if split is None:
        return X, y, {}
    train_idx, val_idx = split(y)
    if val_idx is None:
        return X, y, {}
    classes, kept = np.unique(y[train_idx], return_counts=True)
    short = set(classes[kept < min_kept_per_class]) | (set(np.unique(y)) - set(classes))
    if short:
        back = np.isin(y[val_idx], list(short))
        train_idx = np.sort(np.concatenate([train_idx, val_idx[back]]))
        val_idx = val_idx[~back]
        if len(val_idx) == 0:
            return X, y, {}
    return X[train_idx], y[train_idx], {"validation_data": (X[val_idx], y[val_idx])}


@dataclass
class AugmentedFit:
    """What :func:`fit_augmented` fitted and how long each part took.

    Attributes
    ----------
    classifier : classifier
        The fitted clone of the classifier.
    generator : generator or None
        The fitted clone of the generator (None without one, or when the synthetic
        series came from ``synthetic_cache``).
    n_train : int
        Original series the classifier trained on (the rest validated it).
    n_synthetic : ndarray of int, shape (n_classes,)
        Synthetic series added per class, classes in sorted order.
    generator_fit_time, sample_time, classifier_time : float
        Seconds spent fitting the generator, making the synthetic series and fitting
        the classifier (the first two as recorded by the cache for a cached set).
    acceptance_rate : ndarray of shape (n_classes,) or None
        Accepted / drawn per class with a filter (None for a cached set), 1.0 without.
    n_drawn : ndarray of int, shape (n_classes,) or None
        Synthetic series drawn per class (None for a cached set).
    X_synthetic : ndarray of shape (n_synthetic, n_channels, n_timepoints) or None
        The synthetic series the classifier trained on (None without a generator).
    y_synthetic : ndarray of shape (n_synthetic,) or None
    """

    classifier: object
    generator: object
    n_train: int
    n_synthetic: np.ndarray
    generator_fit_time: float = 0.0
    sample_time: float = 0.0
    classifier_time: float = 0.0
    acceptance_rate: np.ndarray | None = None
    n_drawn: np.ndarray | None = None
    X_synthetic: np.ndarray | None = None
    y_synthetic: np.ndarray | None = None


def fit_augmented(
    generator,
    classifier,
    X,
    y,
    *,
    ratio=1.0,
    strategy="proportional",
    method="sample",
    random_state=None,
    synthetic_cache=None,
    filter=None,
    filter_threshold=None,
    max_draws=10,
    generator_cache=None,
    choose_budget=None,
) -> AugmentedFit:
    """Hold out the classifier's validation series, augment the rest, fit the classifier.

    The one rule behind :class:`AugmentedClassifier` and the benchmark grid; the
    seeding rule is in the module docstring.

    Parameters
    ----------
    generator : tsaugment generator or None
        Cloned and fitted on the originals the classifier trains on; None trains on
        the originals alone (the baseline).
    classifier : scikit-learn or sktime classifier
        Cloned (sktime classifiers are wrapped) and fitted.
    X : array-like of shape (n_cases, n_channels, n_timepoints) or (n_cases, n_timepoints)
    y : array-like of shape (n_cases,)
    ratio, strategy, method :
        As in :class:`Augmenter`.
    random_state : int, RandomState instance or None, default=None
        Seeds the clones (see the module docstring); None keeps their own settings.
    filter, filter_threshold, max_draws :
        As in :class:`Augmenter` (the label or realism filter on the synthetic series).
    synthetic_cache : object, optional
        Reuses synthetic sets: ``synthetic_cache.load(X_train, y_train)`` returns
        ``(X_syn, y_syn, fit_time, sample_time)`` or None, and
        ``synthetic_cache.save(X_train, y_train, X_syn, y_syn, fit_time,
        sample_time)`` stores a freshly made set (the benchmark's files).
    generator_cache : object, optional
        Reuses fitted generators: ``generator_cache.load(generator, X_train, y_train)``
        returns ``(fitted_generator, fit_time)`` or None for the unfitted, seeded
        ``generator``, and ``generator_cache.save(generator, X_train, y_train,
        fitted_generator, fit_time)`` stores a fresh fit. The cache must hand out
        copies (sampling may advance a generator's state). The benchmark uses it so
        that ``"<name>"`` and its filtered cells (``"<name>+label"`` ...) fit the
        generator once.
    choose_budget : callable, optional
        ``choose_budget(generator, X_own, y_own)`` returns the generator to use, given
        the series it will be fitted on (the validation series held out): called only
        when a synthetic set is made, not when one is read from ``synthetic_cache``.
        The benchmark's ``--budget fidelity`` chooses the training budget with it.

    Returns
    -------
    result : AugmentedFit

    Examples
    --------
    >>> from tsaugment import JitterAugmenter, ResNetClassifier
    >>> from tsaugment.augment import fit_augmented
    >>> from tsaugment.datasets import load_ucr
    >>> X, y = load_ucr("GunPoint", split="train")
    >>> fit = fit_augmented(JitterAugmenter(), ResNetClassifier(n_epochs=1), X[:20], y[:20],
    ...                     ratio=1.0, random_state=0)
    >>> fit.n_train, int(fit.n_synthetic.sum())  # nothing held out at the default selection
    (20, 20)
    """
    X, y = check_X_y(X, y)
    classifier = clone(as_sklearn_classifier(classifier))
    augmenter_seed = _seed_classifier(classifier, random_state)
    X_own, y_own, fit_params = hold_out_validation(
        classifier, X, y, min_kept_per_class=getattr(generator, "_min_class_size", 1)
    )
    classes = np.unique(y_own)
    result = AugmentedFit(classifier, None, len(X_own), np.zeros(len(classes), dtype=np.int64))
    X_fit, y_fit = X_own, y_own
    if generator is not None:
        saved = None if synthetic_cache is None else synthetic_cache.load(X_own, y_own)
        if saved is None:
            if choose_budget is not None:
                generator = choose_budget(generator, X_own, y_own)
            augmenter = Augmenter(
                generator,
                ratio=ratio,
                strategy=strategy,
                method=method,
                random_state=augmenter_seed,
                filter=filter,
                filter_threshold=filter_threshold,
                max_draws=max_draws,
            )
            augmenter._generator_cache = generator_cache
            X_fit, y_fit = augmenter.fit_resample(X_own, y_own)
            result.generator = augmenter.generator_
            result.acceptance_rate = augmenter.acceptance_rate_
            result.n_drawn = augmenter.n_drawn_
            fit_time, sample_time = augmenter.fit_time_, augmenter.sample_time_
            if synthetic_cache is not None:
                n = len(X_own)
                synthetic_cache.save(X_own, y_own, X_fit[n:], y_fit[n:], fit_time, sample_time)
        else:
            X_syn, y_syn, fit_time, sample_time = saved
            X_fit = np.concatenate([X_own, np.asarray(X_syn, dtype=X_own.dtype)])
            y_fit = np.concatenate([y_own, np.asarray(y_syn).astype(y_own.dtype)])
        result.generator_fit_time, result.sample_time = fit_time, sample_time
        result.X_synthetic, result.y_synthetic = X_fit[len(X_own) :], y_fit[len(X_own) :]
        synthetic = y_fit[len(X_own) :]
        result.n_synthetic = np.array([np.sum(synthetic == c) for c in classes], dtype=np.int64)
    start = time.perf_counter()
    result.classifier = classifier.fit(X_fit, y_fit, **fit_params)
    result.classifier_time = time.perf_counter() - start
    return result


class _DelegatingClassifierMixin:
    """``predict`` and ``predict_proba`` of a meta-classifier that hands ``X`` to a fitted one.

    The fitted classifier is the attribute named by ``_delegate`` (set in ``fit``);
    the meta-classifier counts as fitted once it exists. Used by
    :class:`AugmentedClassifier` and :class:`tsaugment.AutoAugmentedClassifier`.
    """

    _delegate = "classifier_"

    def predict(self, X):
        """Labels predicted by the fitted classifier.

        Parameters
        ----------
        X : array-like of shape (n_cases, n_channels, n_timepoints) or (n_cases, n_timepoints)

        Returns
        -------
        y_pred : ndarray of shape (n_cases,)
        """
        check_is_fitted(self)
        return getattr(self, self._delegate).predict(check_X(X))

    def predict_proba(self, X):
        """Class probabilities from the fitted classifier.

        Parameters
        ----------
        X : array-like of shape (n_cases, n_channels, n_timepoints) or (n_cases, n_timepoints)

        Returns
        -------
        proba : ndarray of shape (n_cases, n_classes)
            Columns in the order of ``classes_``.
        """
        check_is_fitted(self)
        return getattr(self, self._delegate).predict_proba(check_X(X))

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, self._delegate)


class AugmentedClassifier(_DelegatingClassifierMixin, ClassifierMixin, BaseEstimator):
    """A classifier trained on original plus synthetic series.

    ``fit`` augments the training data with an :class:`Augmenter` and fits the
    classifier on the result (:func:`fit_augmented`, the rule the benchmark uses
    too); ``predict``, ``predict_proba`` and ``score`` use the
    fitted classifier only (the generator is never called after ``fit``). A
    classifier that validates on a split of its training data (ResNetClassifier) gets
    that split from the originals, held out before augmenting (see
    :func:`hold_out_validation`): the generator never sees those series and the
    ratio applies to the rest.

    Parameters
    ----------
    generator : tsaugment generator
        Cloned and fitted in ``fit``.
    classifier : scikit-learn or sktime classifier
        Cloned and fitted in ``fit`` on numpy3D data. sktime classifiers are wrapped
        in :class:`~tsaugment.classifiers.SktimeClassifier` automatically; their
        parameters stay reachable as ``classifier__<name>``.
    ratio, strategy, method, filter, filter_threshold, max_draws :
        As in :class:`Augmenter` (``filter="label"`` keeps only synthetic series that
        a fast classifier of the originals assigns to their class, ``"realism"`` only
        those close to an original of their class, ``"label+realism"`` both).
    random_state : int, RandomState instance or None, default=None
        When not None, seeds every ``random_state`` parameter of the generator's and
        the classifier's clones (and the order of originals in
        ``method="transform"``), so that the whole fit is reproducible (the rule is
        in the module docstring).

    Attributes
    ----------
    generator_ : tsaugment generator
        The fitted clone of ``generator``.
    classifier_ : scikit-learn classifier
        The fitted clone of ``classifier`` (wrapped if it came from sktime).
    classes_ : ndarray of shape (n_classes,)
    n_synthetic_ : ndarray of int, shape (n_classes,)
        Synthetic series added per class.
    acceptance_rate_ : ndarray of shape (n_classes,)
        Share of drawn synthetic series the filter accepted per class (1.0 without
        a filter).

    Examples
    --------
    >>> from sklearn.model_selection import cross_val_score
    >>> from tsaugment import AugmentedClassifier, JitterAugmenter, ResNetClassifier
    >>> from tsaugment.datasets import load_ucr
    >>> X, y = load_ucr("GunPoint", split="train")
    >>> clf = AugmentedClassifier(JitterAugmenter(), ResNetClassifier(n_epochs=2), ratio=0.5)
    >>> cross_val_score(clf, X[:20], y[:20], cv=2).shape
    (2,)
    """

    _parameter_constraints = _AUGMENT_CONSTRAINTS

    def __init__(
        self,
        generator,
        classifier,
        *,
        ratio=1.0,
        strategy="proportional",
        method="sample",
        random_state=None,
        filter=None,
        filter_threshold=None,
        max_draws=10,
    ):
        self.generator = generator
        self.classifier = classifier
        self.ratio = ratio
        self.strategy = strategy
        self.method = method
        self.random_state = random_state
        self.filter = filter
        self.filter_threshold = filter_threshold
        self.max_draws = max_draws

    @classmethod
    def get_test_params(cls):
        """Tiny settings for the shared checks (``tsaugment.utils.estimator_checks``)."""
        from .classifiers import ResNetClassifier
        from .generators import JitterAugmenter

        return {
            "generator": JitterAugmenter(sigma=0.05),
            "classifier": ResNetClassifier(n_epochs=1, batch_size=8, device="cpu"),
            "ratio": 0.5,
        }

    def fit(self, X, y):
        """Augment ``(X, y)`` and fit the classifier on the result.

        Parameters
        ----------
        X : array-like of shape (n_cases, n_channels, n_timepoints) or (n_cases, n_timepoints)
        y : array-like of shape (n_cases,)
            Labels of any hashable type.

        Returns
        -------
        self : AugmentedClassifier
        """
        validate_params(self)
        _check_generator(self.generator)
        result = fit_augmented(
            self.generator,
            self.classifier,
            X,
            y,
            ratio=self.ratio,
            strategy=self.strategy,
            method=self.method,
            random_state=self.random_state,
            filter=self.filter,
            filter_threshold=self.filter_threshold,
            max_draws=self.max_draws,
        )
        self.generator_ = result.generator
        self.n_synthetic_ = result.n_synthetic
        self.acceptance_rate_ = result.acceptance_rate
        self.classifier_ = result.classifier
        self.classes_ = np.asarray(self.classifier_.classes_)
        return self
