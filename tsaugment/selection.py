"""Choosing the augmentation per data set: generator (or none) and ratio by cross-validation.

:class:`AutoAugmentedClassifier` scores every candidate generator at every ratio, and
the classifier without augmentation, on the same stratified folds of the training
data, and refits the best on all of it. Inside a fold the generator is fitted on that
fold's training part only (through :class:`tsaugment.AugmentedClassifier`), so the
validation series never shape the synthetic data they are scored against.
"""

from __future__ import annotations

import numbers
import time

import numpy as np
from scipy import stats
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.metrics import check_scoring
from sklearn.model_selection import RepeatedStratifiedKFold
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ._validation import check_X_y
from ._warnings import warn
from .augment import AugmentedClassifier, _DelegatingClassifierMixin, _seed_classifier
from .classifiers import as_sklearn_classifier

__all__ = [
    "AutoAugmentedClassifier",
    "candidate_name",
    "corrected_resampled_t_test",
    "default_candidates",
]


def default_candidates() -> list:
    """No augmentation and the classic augmenters at their default settings.

    Returns
    -------
    candidates : list
        ``[None, JitterAugmenter(), ScalingAugmenter(), MagnitudeWarpAugmenter(),
        WindowWarpAugmenter(), WindowSliceAugmenter()]``: cheap to fit, so the search
        costs about ``n_candidates * n_ratios * cv`` classifier fits.
    """
    from .generators import (
        JitterAugmenter,
        MagnitudeWarpAugmenter,
        ScalingAugmenter,
        WindowSliceAugmenter,
        WindowWarpAugmenter,
    )

    return [
        None,
        JitterAugmenter(),
        ScalingAugmenter(),
        MagnitudeWarpAugmenter(),
        WindowWarpAugmenter(),
        WindowSliceAugmenter(),
    ]


def candidate_name(generator) -> str:
    """Short name of a candidate: ``"none"``, its ``benchmark_name`` or its class name.

    Parameters
    ----------
    generator : tsaugment generator or None

    Returns
    -------
    name : str
    """
    if generator is None:
        return "none"
    return getattr(generator, "benchmark_name", None) or type(generator).__name__


class AutoAugmentedClassifier(_DelegatingClassifierMixin, ClassifierMixin, BaseEstimator):
    """A classifier that picks its augmentation (or none) by cross-validation.

    Every candidate generator at every ratio, and the plain classifier (candidate
    ``None``), is scored on the same stratified folds of the training data (paired
    folds: differences between candidates are not fold noise). In each fold the
    generator is fitted on the fold's training part only and the score is taken on the
    untouched validation part. The candidate with the best mean score wins; the
    winner is refitted on all the training data.

    Choice rule: no augmentation is kept unless a candidate is shown to beat it. The
    default, ``min_gain="test"``, asks that the candidate's per-fold gains over no
    augmentation (paired by fold) pass a one-sided corrected resampled t-test (Nadeau
    and Bengio, 2003: the variance of the mean gain is inflated by the overlap of the
    folds' training parts, ``1 / n_folds + n_validation / n_training``) at level
    ``alpha``, with Holm's correction over every generator at every ratio, so the chance
    of choosing any augmentation that does not help stays below ``alpha`` (under the
    test's assumptions) however many candidates are tried. Among the candidates that
    pass, the highest mean validation score wins; equal means (to 1e-12) go to the
    earlier one in ``candidates``, then to the smaller ratio (simpler first: list cheap
    augmenters first). Two weaker rules are options: ``"se"``, a mean gain above one
    standard error of the per-fold gains (the one-standard-error rule of Breiman et al.,
    1984; the default up to this release), and a fixed margin (``0.0``: the best mean
    wins). Why a test: with a dozen candidates scored on a few small folds the best mean
    is often a lucky one. On ECG200 with MiniRocket, where every classic augmenter loses
    1 to 4 points on the test set, the best-mean rule chose an augmenter on three seeds
    of three and lost 3 points, the one-standard-error rule on two of three and lost 2.3
    (``benchmarks/runs/auto_minirocket``). More folds (``n_repeats``) give the test more
    power at a proportional cost.

    Parameters
    ----------
    classifier : scikit-learn or sktime classifier
        Cloned for every fit (sktime classifiers are wrapped automatically).
    search_classifier : scikit-learn or sktime classifier, optional
        A cheaper stand-in that scores the candidates in the cross-validation, when
        ``classifier`` is too costly to fit ``n_folds * n_candidates`` times (a deep
        network on a CPU); the winner is then refitted with ``classifier``. Default
        None: ``classifier`` scores its own candidates. The choice is only as good as
        the stand-in's preferences are the classifier's: an option beyond the paired
        search, off by default (``benchmarks/runs/resnet4_filtered`` measures it with
        MiniRocket standing in for the ResNet).
    candidates : list of (tsaugment generator or None), optional
        Generators to try; ``None`` means no augmentation and is added when missing.
        Default: :func:`default_candidates` (none and the five classic augmenters).
    ratios : tuple of float, default=(0.5, 1.0)
        Synthetic series per original to try with every generator (in increasing
        order: the rows of ``cv_results_``, and ties).
    cv : int, default=5
        Stratified folds (lowered to the size of the smallest class when that is
        smaller). A class with a single series cannot be validated on: it stays in the
        training part of every fold (a warning says so). When every class has a single
        series there are no folds: no augmentation is chosen, with a warning, and
        ``cv_results_`` has no split scores (means NaN).
    n_repeats : int, default=1
        Repetitions of the stratified ``cv``-fold split, each with other folds
        (``RepeatedStratifiedKFold``): ``cv * n_repeats`` paired scores per candidate.
    scoring : str or callable, default="accuracy"
        A scikit-learn scorer name or callable ``scorer(estimator, X, y)``.
    min_gain : {"test", "se"} or float, default="test"
        When a generator may be chosen over no augmentation: its per-fold paired gains
        pass the corrected resampled t-test at level ``alpha`` with Holm's correction
        over the candidates (``"test"``); its mean gain exceeds one standard error of
        those gains (``"se"``); or it exceeds a fixed margin (``0.0``: the best mean
        wins).
    alpha : float, default=0.05
        Level of the test of ``min_gain="test"`` (family-wise, over every generator
        at every ratio: Holm's correction counts ``n_generators * n_ratios`` tests).
    filter, filter_threshold, max_draws :
        Passed to :class:`tsaugment.AugmentedClassifier` for every candidate (for
        instance ``filter="label"`` to screen learned generators' series).
    strategy, method :
        As in :class:`tsaugment.AugmentedClassifier`.
    refit : bool, default=True
        Refit the winner on all the training data (``False``: only choose, as
        ``GridSearchCV(refit=False)``; the estimator then cannot predict).
    random_state : int, RandomState instance or None, default=None
        Fixes the folds and seeds every clone, so the whole search is reproducible.
    verbose : bool, default=False
        Print each candidate's mean score.

    Attributes
    ----------
    cv_results_ : dict of ndarrays
        As in ``GridSearchCV``: ``"generator"`` (candidate names), ``"candidate"``
        (index into ``candidates``), ``"ratio"`` (0 for no augmentation),
        ``"split<k>_test_score"``, ``"mean_test_score"``, ``"std_test_score"``,
        ``"rank_test_score"``, ``"mean_fit_time"``, ``"mean_gain_over_none"`` and
        ``"se_gain_over_none"`` (mean and standard error of the per-fold gains over
        no augmentation), ``"p_gain_over_none"`` (one-sided p-value of the corrected
        resampled t-test of those gains, before Holm's correction; NaN for no
        augmentation) and ``"eligible"`` (whether the rule lets the row be chosen);
        one entry per (candidate, ratio), no augmentation first.
    best_index_ : int
        Row of ``cv_results_`` chosen.
    best_generator_ : tsaugment generator or None
        The chosen candidate (unfitted, as given; None: no augmentation).
    best_ratio_ : float
        The chosen ratio (0.0 for no augmentation).
    best_score_ : float
        Its mean validation score.
    best_estimator_ : estimator
        The refitted winner (an AugmentedClassifier, or the classifier alone).
    classes_ : ndarray of shape (n_classes,)
    search_time_ : float
        Seconds spent on the cross-validation (the refit excluded).

    Examples
    --------
    >>> from sktime.classification.distance_based import KNeighborsTimeSeriesClassifier
    >>> from tsaugment import JitterAugmenter
    >>> from tsaugment.datasets import load_ucr
    >>> from tsaugment.selection import AutoAugmentedClassifier
    >>> X, y = load_ucr("GunPoint", split="train")
    >>> auto = AutoAugmentedClassifier(
    ...     KNeighborsTimeSeriesClassifier(distance="euclidean"),
    ...     candidates=[None, JitterAugmenter()], ratios=(1.0,), cv=3, random_state=0,
    ... ).fit(X[:30], y[:30])
    >>> auto.cv_results_["ratio"].tolist(), auto.cv_results_["candidate"].tolist()
    ([0.0, 1.0], [0, 1])
    """

    _delegate = "best_estimator_"  # predict and predict_proba use the refitted winner

    def __init__(
        self,
        classifier,
        *,
        search_classifier=None,
        candidates=None,
        ratios=(0.5, 1.0),
        cv=5,
        n_repeats=1,
        scoring="accuracy",
        min_gain="test",
        alpha=0.05,
        filter=None,
        filter_threshold=None,
        max_draws=10,
        strategy="proportional",
        method="sample",
        refit=True,
        random_state=None,
        verbose=False,
    ):
        self.classifier = classifier
        self.search_classifier = search_classifier
        self.candidates = candidates
        self.ratios = ratios
        self.cv = cv
        self.n_repeats = n_repeats
        self.scoring = scoring
        self.min_gain = min_gain
        self.alpha = alpha
        self.filter = filter
        self.filter_threshold = filter_threshold
        self.max_draws = max_draws
        self.strategy = strategy
        self.method = method
        self.refit = refit
        self.random_state = random_state
        self.verbose = verbose

    @classmethod
    def get_test_params(cls):
        """Tiny settings for the shared checks (``tsaugment.utils.estimator_checks``)."""
        from .classifiers import ResNetClassifier
        from .generators import JitterAugmenter

        return {
            "classifier": ResNetClassifier(n_epochs=1, batch_size=8, device="cpu"),
            "candidates": [None, JitterAugmenter(sigma=0.05)],
            "ratios": (0.5,),
            "cv": 2,
        }

    def _check_params(self):
        candidates = default_candidates() if self.candidates is None else list(self.candidates)
        if not any(c is None for c in candidates):
            candidates = [None, *candidates]
        ratios = tuple(self.ratios) if np.iterable(self.ratios) else ()
        if not ratios or any(
            isinstance(r, bool) or not isinstance(r, numbers.Real) or not r > 0 for r in ratios
        ):
            raise ValueError(
                f"ratios must be a non-empty list of numbers > 0, got {self.ratios!r}."
            )
        ratios = tuple(sorted(ratios))  # rows and ties: the smaller ratio first
        cv = self.cv
        if isinstance(cv, bool) or not isinstance(cv, numbers.Integral) or cv < 2:
            raise ValueError(f"cv must be an integer >= 2, got {cv!r}.")
        n_repeats = self.n_repeats
        if (
            isinstance(n_repeats, bool)
            or not isinstance(n_repeats, numbers.Integral)
            or n_repeats < 1
        ):
            raise ValueError(f"n_repeats must be an integer >= 1, got {n_repeats!r}.")
        if self.min_gain not in ("test", "se") and (
            isinstance(self.min_gain, (bool, str))
            or not isinstance(self.min_gain, numbers.Real)
            or not np.isfinite(self.min_gain)
        ):
            raise ValueError(
                f"min_gain must be 'test', 'se' or a finite number, got {self.min_gain!r}."
            )
        alpha = self.alpha
        if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real) or not 0 < alpha < 1:
            raise ValueError(f"alpha must be a number in (0, 1), got {alpha!r}.")
        return candidates, ratios

    def _build(self, classifier, generator, ratio, seed):
        """The candidate as an estimator around a clone of ``classifier``."""
        classifier = clone(as_sklearn_classifier(classifier))
        if generator is None:
            # the same classifier seeds as AugmentedClassifier(random_state=seed) gives
            # its classifier, so candidates differ only by their data
            _seed_classifier(classifier, None if self.random_state is None else seed)
            return classifier
        return AugmentedClassifier(
            generator,
            classifier,
            ratio=ratio,
            strategy=self.strategy,
            method=self.method,
            filter=self.filter,
            filter_threshold=self.filter_threshold,
            max_draws=self.max_draws,
            random_state=None if self.random_state is None else seed,
        )

    def fit(self, X, y):
        """Score every candidate by stratified cross-validation, then refit the best.

        Parameters
        ----------
        X : array-like of shape (n_cases, n_channels, n_timepoints) or (n_cases, n_timepoints)
        y : array-like of shape (n_cases,)

        Returns
        -------
        self : AutoAugmentedClassifier
        """
        candidates, ratios = self._check_params()
        X, y = check_X_y(X, y)
        rs = check_random_state(self.random_state)
        folds = _paired_folds(y, self.cv, self.n_repeats, rs.randint(2**31 - 1))
        seeds = rs.randint(2**31 - 1, size=len(folds) + 1)
        searcher = self.classifier if self.search_classifier is None else self.search_classifier
        scorer = check_scoring(as_sklearn_classifier(searcher), scoring=self.scoring)
        none_index = next(i for i, g in enumerate(candidates) if g is None)
        grid = [(none_index, None, 0.0)] + [
            (i, g, float(r)) for i, g in enumerate(candidates) if g is not None for r in ratios
        ]
        scores = np.empty((len(grid), len(folds)))
        times = np.empty((len(grid), len(folds)))
        start = time.perf_counter()
        for k, (train, val) in enumerate(folds):
            for row, (_, generator, ratio) in enumerate(grid):
                t0 = time.perf_counter()
                est = self._build(searcher, generator, ratio, int(seeds[k])).fit(X[train], y[train])
                times[row, k] = time.perf_counter() - t0
                scores[row, k] = scorer(est, X[val], y[val])
        self.search_time_ = time.perf_counter() - start
        results = {
            "generator": np.array([candidate_name(g) for _, g, _ in grid]),
            "candidate": np.array([i for i, _, _ in grid]),
            "ratio": np.array([r for _, _, r in grid]),
        }
        for k in range(len(folds)):
            results[f"split{k}_test_score"] = scores[:, k]
        gain = scores - scores[0]  # paired by fold
        if folds:
            mean = scores.mean(axis=1)
            results["mean_test_score"] = mean
            results["std_test_score"] = scores.std(axis=1)
            results["mean_fit_time"] = times.mean(axis=1)
            results["mean_gain_over_none"] = gain.mean(axis=1)
            results["se_gain_over_none"] = gain.std(axis=1, ddof=1) / np.sqrt(len(folds))
            overlap = np.mean([len(val) / len(train) for train, val in folds])
            p_values = corrected_resampled_t_test(gain[1:], overlap)
        else:  # nothing to validate on: no scores, and no candidate can pass
            mean = np.full(len(grid), np.nan)
            for name in (
                "mean_test_score",
                "std_test_score",
                "mean_fit_time",
                "mean_gain_over_none",
                "se_gain_over_none",
            ):
                results[name] = mean.copy()
            p_values = np.ones(len(grid) - 1)
        order = np.argsort(-np.nan_to_num(mean, nan=-np.inf), kind="stable")
        rank = np.empty(len(grid), dtype=np.int64)
        rank[order] = np.arange(1, len(grid) + 1)
        results["rank_test_score"] = rank
        results["p_gain_over_none"] = np.concatenate([[np.nan], p_values])
        if self.min_gain == "test":
            eligible = np.concatenate([[False], _holm_rejections(p_values, self.alpha)])
        else:
            margin = results["se_gain_over_none"] if self.min_gain == "se" else self.min_gain
            eligible = results["mean_gain_over_none"] > margin + 1e-12
            eligible[0] = False
        results["eligible"] = eligible
        self.cv_results_ = results
        # best mean among the eligible; ties -> earlier row (list order, smaller ratio)
        best = 0
        for row in np.flatnonzero(eligible):
            if best == 0 or mean[row] > mean[best] + 1e-12:
                best = int(row)
        self.best_index_ = best
        self.best_generator_ = grid[best][1]
        self.best_ratio_ = grid[best][2]
        self.best_score_ = float(mean[best])
        if self.verbose:
            for row in range(len(grid)):
                mark = "*" if row == best else " "
                name = results["generator"][row]
                print(f"{mark} {name:>16s} ratio={grid[row][2]:g}: {mean[row]:.4f}")
        self.classes_ = np.unique(y)
        if self.refit:
            best = self._build(
                self.classifier, self.best_generator_, self.best_ratio_, int(seeds[-1])
            )
            self.best_estimator_ = best.fit(X, y)
            self.classes_ = np.asarray(self.best_estimator_.classes_)
        return self

    @property
    def choice_(self) -> str:
        """The choice as text: ``"none"`` or ``"<generator>@<ratio>"``."""
        if not hasattr(self, "best_index_"):
            check_is_fitted(self)
        if self.best_generator_ is None:
            return "none"
        return f"{candidate_name(self.best_generator_)}@{self.best_ratio_:g}"


def _paired_folds(y, cv: int, n_repeats: int, seed: int) -> list:
    """Stratified (repeated) folds shared by every candidate.

    A class with a single series is kept in the training part of every fold (it
    cannot be validated on); the folds are lowered to the size of the smallest other
    class.
    """
    classes, counts = np.unique(y, return_counts=True)
    single = classes[counts < 2]
    if len(single) == len(classes):
        warn(
            "every class has a single training series: there is nothing to cross-validate "
            "on, so no augmentation is chosen (no candidate can show a gain).",
            UserWarning,
        )
        return []
    if len(single):
        warn(
            f"class(es) {single.tolist()} have a single training series: they stay in the "
            "training part of every cross-validation fold and are never validated on.",
            UserWarning,
        )
    rest = np.flatnonzero(~np.isin(y, single))
    always = np.flatnonzero(np.isin(y, single))
    n_splits = min(cv, int(counts[counts >= 2].min()))
    splitter = RepeatedStratifiedKFold(n_splits=n_splits, n_repeats=n_repeats, random_state=seed)
    return [
        (np.sort(np.concatenate([rest[train], always])), rest[val])
        for train, val in splitter.split(np.zeros(len(rest)), y[rest])
    ]


def corrected_resampled_t_test(gains, overlap: float) -> np.ndarray:
    """One-sided p-values that paired per-fold gains are above zero, corrected for overlap.

    The corrected resampled t-test of Nadeau and Bengio (2003): the per-fold gains of
    a cross-validation are not independent (the folds' training parts overlap), so the
    variance of their mean is taken as ``s**2 * (1 / J + overlap)`` rather than
    ``s**2 / J``, with ``J`` folds, ``s`` the gains' standard deviation and
    ``overlap`` the ratio of validation to training series in a fold (Bouckaert and
    Frank, 2004, for repeated cross-validation).

    Parameters
    ----------
    gains : array-like of shape (n_candidates, n_folds)
        Score of each candidate minus the reference's, per fold.
    overlap : float
        ``n_validation / n_training`` of a fold (0.25 for 5 folds).

    Returns
    -------
    p_values : ndarray of shape (n_candidates,)
        1 where every gain is 0 or below; 0 where every gain is the same positive
        number; NaN where a gain is NaN.

    Raises
    ------
    ValueError
        With fewer than two folds (no estimate of the spread) or a negative overlap.

    Examples
    --------
    >>> from tsaugment.selection import corrected_resampled_t_test
    >>> corrected_resampled_t_test([[0.05, 0.06, 0.04, 0.05, 0.05],
    ...                              [0.10, -0.10, 0.05, -0.05, 0.0]], 0.25).round(4).tolist()
    [0.0002, 0.5]
    """
    gains = np.atleast_2d(np.asarray(gains, dtype=float))
    n_folds = gains.shape[1]
    if gains.ndim != 2 or n_folds < 2:
        raise ValueError(
            f"gains must be of shape (n_candidates, n_folds) with at least two folds, got "
            f"shape {gains.shape}: one fold gives no estimate of the gains' spread."
        )
    if not (np.isfinite(overlap) and overlap >= 0):
        raise ValueError(f"overlap must be a finite number >= 0, got {overlap!r}.")
    mean = gains.mean(axis=1)
    sd = gains.std(axis=1, ddof=1)
    p = np.ones(len(gains))
    for i, (m, s) in enumerate(zip(mean, sd)):
        if s <= 1e-12 * max(1.0, abs(m)):
            p[i] = 0.0 if m > 1e-12 else 1.0
        else:
            t = m / (s * np.sqrt(1.0 / n_folds + overlap))
            p[i] = stats.t.sf(t, df=n_folds - 1)
    return p


def _holm_rejections(p_values, alpha: float) -> np.ndarray:
    """Which hypotheses Holm's step-down procedure rejects at family-wise level alpha.

    A NaN p-value (an undefined score on some fold) counts in the family and is never
    rejected. Rejected are those whose Holm-adjusted p-value
    (:func:`tsaugment.benchmark.holm`) is at most ``alpha``.
    """
    from .benchmark._stats import holm

    p_values = np.nan_to_num(np.asarray(p_values, dtype=float), nan=1.0)
    return holm(p_values) <= alpha
