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
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.metrics import check_scoring
from sklearn.model_selection import StratifiedKFold
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ._validation import check_X_y
from .augment import AugmentedClassifier, _DelegatingClassifierMixin, _seed_classifier
from .classifiers import as_sklearn_classifier

__all__ = ["AutoAugmentedClassifier", "candidate_name", "default_candidates"]


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

    Choice rule: no augmentation is kept unless a candidate beats it by more than
    ``min_gain``; the default, ``"se"``, asks that the candidate's mean gain over no
    augmentation, paired by fold, exceed one standard error of those per-fold gains
    (the one-standard-error rule of Breiman et al., 1984: prefer the simpler model
    unless the better one is clearly better). Among the candidates that pass, the
    highest mean validation score wins; equal means (to 1e-12) go to the earlier one
    in ``candidates``, then to the smaller ratio (simpler first: list cheap
    augmenters first). Why not simply the best mean: with a dozen candidates scored
    on a few small folds the best mean is often a lucky one (on ECG200 with
    MiniRocket that rule chose an augmenter on all three seeds and lost 3 points on
    the test set; see ``benchmarks/runs/auto_minirocket``).

    Parameters
    ----------
    classifier : scikit-learn or sktime classifier
        Cloned for every fit (sktime classifiers are wrapped automatically).
    candidates : list of (tsaugment generator or None), optional
        Generators to try; ``None`` means no augmentation and is added when missing.
        Default: :func:`default_candidates` (none and the five classic augmenters).
    ratios : tuple of float, default=(0.5, 1.0)
        Synthetic series per original to try with every generator.
    cv : int, default=5
        Stratified folds (lowered to the size of the smallest class when that is
        smaller; at least 2 are needed).
    scoring : str or callable, default="accuracy"
        A scikit-learn scorer name or callable ``scorer(estimator, X, y)``.
    min_gain : "se" or float, default="se"
        How much a generator's mean score must exceed no augmentation's to be chosen:
        one standard error of its per-fold paired gains (``"se"``), or a fixed
        margin (``0.0``: the best mean wins).
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
        no augmentation); one entry per (candidate, ratio), no augmentation first.
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
        candidates=None,
        ratios=(0.5, 1.0),
        cv=5,
        scoring="accuracy",
        min_gain="se",
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
        self.candidates = candidates
        self.ratios = ratios
        self.cv = cv
        self.scoring = scoring
        self.min_gain = min_gain
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
        ratios = tuple(self.ratios)
        if not ratios or any(
            isinstance(r, bool) or not isinstance(r, numbers.Real) or not r > 0 for r in ratios
        ):
            raise ValueError(
                f"ratios must be a non-empty list of numbers > 0, got {self.ratios!r}."
            )
        cv = self.cv
        if isinstance(cv, bool) or not isinstance(cv, numbers.Integral) or cv < 2:
            raise ValueError(f"cv must be an integer >= 2, got {cv!r}.")
        if self.min_gain != "se" and (
            isinstance(self.min_gain, (bool, str))
            or not isinstance(self.min_gain, numbers.Real)
            or not np.isfinite(self.min_gain)
        ):
            raise ValueError(f"min_gain must be 'se' or a finite number, got {self.min_gain!r}.")
        return candidates, ratios

    def _build(self, generator, ratio, seed):
        classifier = clone(as_sklearn_classifier(self.classifier))
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
        _, class_counts = np.unique(y, return_counts=True)
        n_splits = min(self.cv, int(class_counts.min()))
        if n_splits < 2:
            raise ValueError(
                "AutoAugmentedClassifier needs at least 2 series of every class for its "
                f"cross-validation; the smallest class has {int(class_counts.min())}."
            )
        rs = check_random_state(self.random_state)
        folds = list(
            StratifiedKFold(n_splits, shuffle=True, random_state=rs.randint(2**31 - 1)).split(X, y)
        )
        seeds = rs.randint(2**31 - 1, size=len(folds) + 1)
        scorer = check_scoring(as_sklearn_classifier(self.classifier), scoring=self.scoring)
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
                est = self._build(generator, ratio, int(seeds[k])).fit(X[train], y[train])
                times[row, k] = time.perf_counter() - t0
                scores[row, k] = scorer(est, X[val], y[val])
        self.search_time_ = time.perf_counter() - start
        mean = scores.mean(axis=1)
        results = {
            "generator": np.array([candidate_name(g) for _, g, _ in grid]),
            "candidate": np.array([i for i, _, _ in grid]),
            "ratio": np.array([r for _, _, r in grid]),
        }
        for k in range(len(folds)):
            results[f"split{k}_test_score"] = scores[:, k]
        results["mean_test_score"] = mean
        results["std_test_score"] = scores.std(axis=1)
        order = np.argsort(-mean, kind="stable")
        rank = np.empty(len(grid), dtype=np.int64)
        rank[order] = np.arange(1, len(grid) + 1)
        results["rank_test_score"] = rank
        results["mean_fit_time"] = times.mean(axis=1)
        gain = scores - scores[0]  # paired by fold
        results["mean_gain_over_none"] = gain.mean(axis=1)
        results["se_gain_over_none"] = gain.std(axis=1, ddof=1) / np.sqrt(len(folds))
        self.cv_results_ = results
        margin = results["se_gain_over_none"] if self.min_gain == "se" else self.min_gain
        eligible = results["mean_gain_over_none"] > margin + 1e-12
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
            best = self._build(self.best_generator_, self.best_ratio_, int(seeds[-1]))
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
