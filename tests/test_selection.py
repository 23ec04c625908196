"""AutoAugmentedClassifier: paired stratified folds, no leak of validation series, refit."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from tsaugment import AutoAugmentedClassifier, JitterAugmenter, ScalingAugmenter
from tsaugment.selection import default_candidates

FITTED_ON: list = []


class SpyJitter(JitterAugmenter):
    """Records the ids (first time point) of the series every clone is fitted on."""

    def fit(self, X, y=None):
        FITTED_ON.append(np.sort(X[:, 0, 0].astype(int)))
        return super().fit(X, y)


def flatten(X):
    return X.reshape(len(X), -1)


def knn():
    return make_pipeline(FunctionTransformer(flatten), KNeighborsClassifier(1))


def data(n=30, length=12, seed=0):
    rng = np.random.default_rng(seed)
    y = np.repeat(np.array(["a", "b", "c"]), n // 3)
    X = rng.normal(0, 1, (n, 1, length)) + (y == "b")[:, None, None] * 2.0
    X[:, 0, 0] = np.arange(n)  # series id in the first time point
    return X, y


def test_generator_never_sees_its_validation_fold():
    FITTED_ON.clear()
    X, y = data()
    auto = AutoAugmentedClassifier(
        knn(), candidates=[None, SpyJitter(sigma=0.01)], ratios=(0.5, 1.0), cv=3, random_state=0
    ).fit(X, y)
    *fold_fits, refit = FITTED_ON if auto.best_generator_ is not None else (*FITTED_ON, None)
    assert len(fold_fits) == 3 * 2  # 3 folds x 2 ratios
    held_out = [np.setdiff1d(np.arange(30), ids) for ids in fold_fits]
    assert all(len(h) == 10 for h in held_out)
    # the folds' held-out parts partition the data (each series validates once)
    distinct = {tuple(h) for h in held_out}
    assert len(distinct) == 3
    assert np.array_equal(np.sort(np.concatenate([np.array(d) for d in distinct])), np.arange(30))
    if refit is not None:
        assert np.array_equal(refit, np.arange(30))


def test_cv_results_shape_and_choice():
    X, y = data()
    cands = [None, JitterAugmenter(), ScalingAugmenter()]
    auto = AutoAugmentedClassifier(knn(), candidates=cands, ratios=(0.5, 1.0), cv=3, random_state=0)
    auto.fit(X, y)
    res = auto.cv_results_
    assert res["generator"][0] == "none" and res["candidate"].tolist() == [0, 1, 1, 2, 2]
    assert len(res["mean_test_score"]) == 5 and res["ratio"].tolist() == [0, 0.5, 1, 0.5, 1]
    assert all(f"split{k}_test_score" in res for k in range(3))
    best = auto.best_index_
    assert res["mean_test_score"][best] == res["mean_test_score"].max() or best == 0
    assert auto.best_ratio_ == res["ratio"][best]
    assert auto.predict(X).shape == (30,) and auto.predict_proba(X).shape == (30, 3)
    assert pickle.loads(pickle.dumps(auto)).choice_ == auto.choice_
    # deterministic with a fixed random_state
    again = clone(auto).fit(X, y)
    assert np.array_equal(again.cv_results_["mean_test_score"], res["mean_test_score"])


def test_ties_and_min_gain_prefer_none():
    X, y = data()
    # a huge min_gain: nothing can beat no augmentation
    auto = AutoAugmentedClassifier(
        knn(), candidates=[JitterAugmenter()], ratios=(1.0,), cv=3, min_gain=2.0, random_state=0
    ).fit(X, y)
    assert auto.best_generator_ is None and auto.best_ratio_ == 0.0 and auto.choice_ == "none"
    # jitter with sigma 0 copies the originals: 1-NN scores equal -> the tie goes to none
    tie = AutoAugmentedClassifier(
        knn(), candidates=[JitterAugmenter(sigma=1e-12)], ratios=(1.0,), cv=3, random_state=0
    ).fit(X, y)
    scores = tie.cv_results_["mean_test_score"]
    assert scores[0] == pytest.approx(scores[1]) and tie.best_index_ == 0


def test_bad_parameters():
    X, y = data()
    for params, match in [
        ({"ratios": ()}, "ratios"),
        ({"ratios": (0,)}, "ratios"),
        ({"ratios": 0.5}, "ratios"),  # a number, not a list: was a bare TypeError
        ({"cv": 1}, "cv"),
        ({"n_repeats": 0}, "n_repeats"),
        ({"min_gain": "best"}, "min_gain"),
        ({"alpha": 1.0}, "alpha"),
    ]:
        with pytest.raises(ValueError, match=match):
            AutoAugmentedClassifier(knn(), **params).fit(X, y)


def test_one_series_per_class_chooses_no_augmentation_with_a_warning():
    X, y = data()
    with pytest.warns(UserWarning, match="nothing to cross-validate"):
        auto = AutoAugmentedClassifier(knn(), random_state=0).fit(X[[0, 10, 20]], y[[0, 10, 20]])
    assert auto.choice_ == "none" and auto.best_generator_ is None
    assert np.isnan(auto.cv_results_["mean_test_score"]).all()
    assert not auto.cv_results_["eligible"].any()
    assert auto.predict(X[:3]).shape == (3,)


def test_a_class_with_one_series_is_trained_on_in_every_fold():
    X, y = data()
    keep = np.r_[0:20, 20]  # classes a and b with 10 series each, class c with one
    FITTED_ON.clear()
    with pytest.warns(UserWarning, match=r"\['c'\] have a single training series"):
        auto = AutoAugmentedClassifier(
            knn(), candidates=[SpyJitter()], ratios=(1.0,), cv=5, random_state=0
        ).fit(X[keep], y[keep])
    # one jitter fit per fold, and one more for the refit only if jitter was chosen
    assert len(FITTED_ON) == 5 + (auto.best_generator_ is not None)
    assert all(20 in ids for ids in FITTED_ON[:5])  # the single 'c' series: always trained on
    assert set(auto.classes_) == {"a", "b", "c"}


def test_default_candidates():
    cands = default_candidates()
    assert cands[0] is None and len(cands) == 6


class AlternatingScorer:
    """No augmentation scores 0.5 on every fold; augmented fits 0.9, 0.2, 0.9, ..."""

    def __init__(self):
        self.calls = 0

    def __call__(self, estimator, X, y):
        if not hasattr(estimator, "generator"):
            return 0.5
        self.calls += 1
        return 0.9 if self.calls % 2 else 0.2


def test_one_standard_error_rule_keeps_none_for_a_noisy_gain():
    X, y = data()
    params = dict(candidates=[JitterAugmenter()], ratios=(1.0,), cv=3, random_state=0)
    # per-fold gains 0.4, -0.3, 0.4: mean 0.167 < one standard error 0.233
    se = AutoAugmentedClassifier(knn(), scoring=AlternatingScorer(), min_gain="se", **params).fit(
        X, y
    )
    res = se.cv_results_
    assert res["mean_gain_over_none"][1] == pytest.approx(0.5 / 3)
    assert res["se_gain_over_none"][1] == pytest.approx(np.std([0.4, -0.3, 0.4], ddof=1) / 3**0.5)
    assert se.best_index_ == 0
    best_mean = AutoAugmentedClassifier(
        knn(), scoring=AlternatingScorer(), min_gain=0.0, **params
    ).fit(X, y)
    assert best_mean.best_index_ == 1 and best_mean.best_ratio_ == 1.0


class FixedGainScorer:
    """No augmentation scores 0.5; each augmented candidate its own gains, fold by fold."""

    def __init__(self, gains_by_sigma):
        self.gains = gains_by_sigma
        self.calls = {}

    def __call__(self, estimator, X, y):
        if not hasattr(estimator, "generator"):
            return 0.5
        sigma = estimator.generator.sigma
        k = self.calls.get(sigma, 0)
        self.calls[sigma] = k + 1
        return 0.5 + self.gains[sigma][k % len(self.gains[sigma])]


def test_default_rule_needs_a_significant_gain_after_holm():
    X, y = data()
    steady = [0.04, 0.05, 0.06, 0.05, 0.05]  # small, but the same on every fold
    noisy = [0.30, -0.05, 0.25, 0.0, 0.20]  # larger mean, passes the 1-SE rule
    params = dict(ratios=(1.0,), cv=5, random_state=0)
    cands = [JitterAugmenter(sigma=0.01), JitterAugmenter(sigma=0.02)]
    scorer = FixedGainScorer({0.01: steady, 0.02: noisy})
    auto = AutoAugmentedClassifier(knn(), candidates=cands, scoring=scorer, **params).fit(X, y)
    res = auto.cv_results_
    p = res["p_gain_over_none"]
    assert np.isnan(p[0]) and p[1] < 0.001 < 0.025 < p[2]
    assert res["eligible"].tolist() == [False, True, False]
    assert auto.best_index_ == 1  # the steady gain, not the larger noisy one
    # the one-standard-error rule takes the larger, noisy mean
    se = AutoAugmentedClassifier(
        knn(),
        candidates=cands,
        scoring=FixedGainScorer({0.01: steady, 0.02: noisy}),
        min_gain="se",
        **params,
    ).fit(X, y)
    assert se.best_index_ == 2


def test_corrected_t_test_is_stricter_than_the_naive_one():
    from scipy import stats

    from tsaugment.selection import corrected_resampled_t_test

    gains = np.array([[0.02, 0.05, -0.01, 0.04, 0.03]])
    naive = stats.ttest_1samp(gains[0], 0.0, alternative="greater").pvalue
    assert corrected_resampled_t_test(gains, 0.0)[0] == pytest.approx(naive)
    assert corrected_resampled_t_test(gains, 0.25)[0] > naive
    assert corrected_resampled_t_test([[0.0] * 5, [-0.1] * 5], 0.25).tolist() == [1.0, 1.0]


def test_a_candidate_whose_scores_are_nan_is_never_chosen():
    # a scorer that returns NaN on a fold (an undefined metric) gives a NaN p-value:
    # Holm's step-down must not count it as a rejection
    X, y = data()
    scorer = FixedGainScorer({0.01: [np.nan, 0.05, 0.05, 0.05, 0.05]})
    auto = AutoAugmentedClassifier(
        knn(),
        candidates=[JitterAugmenter(sigma=0.01)],
        ratios=(1.0,),
        cv=5,
        scoring=scorer,
        random_state=0,
    ).fit(X, y)
    assert np.isnan(auto.cv_results_["p_gain_over_none"][1])
    assert auto.cv_results_["eligible"].tolist() == [False, False]
    assert auto.best_index_ == 0 and auto.choice_ == "none"


def test_a_tie_between_ratios_goes_to_the_smaller_whatever_their_order():
    X, y = data()
    auto = AutoAugmentedClassifier(
        knn(),
        candidates=[JitterAugmenter(sigma=0.01)],
        ratios=(1.0, 0.5),  # the docstring: equal means go to the smaller ratio
        cv=5,
        scoring=FixedGainScorer({0.01: [0.05]}),
        random_state=0,
    ).fit(X, y)
    assert auto.cv_results_["eligible"].tolist() == [False, True, True]
    assert auto.best_ratio_ == 0.5


def test_corrected_t_test_refuses_what_has_no_variance_estimate():
    from tsaugment.selection import corrected_resampled_t_test

    # one fold: no spread to estimate (t with 0 degrees of freedom); it returned p = 0
    with pytest.raises(ValueError, match="two folds"):
        corrected_resampled_t_test([[0.1]], 0.25)
    with pytest.raises(ValueError, match="overlap"):
        corrected_resampled_t_test([[0.1, 0.2]], -1.0)


class CountingKNN(KNeighborsClassifier):
    """Records the number of series of every fit (clones share the class-level list)."""

    fits: list = []

    def fit(self, X, y):
        CountingKNN.fits.append(len(X))
        return super().fit(X, y)


def test_a_search_classifier_scores_the_candidates_and_the_classifier_is_refitted():
    X, y = data()
    cands = [None, JitterAugmenter(sigma=0.5), ScalingAugmenter()]
    CountingKNN.fits = []
    auto = AutoAugmentedClassifier(
        make_pipeline(FunctionTransformer(flatten), CountingKNN(3)),
        search_classifier=knn(),
        candidates=cands,
        ratios=(1.0,),
        cv=3,
        random_state=0,
    ).fit(X, y)
    # the classifier itself is fitted once, on all the series (originals + synthetic)
    assert len(CountingKNN.fits) == 1 and CountingKNN.fits[0] == 30 * (1 + auto.best_ratio_)
    # the search is the stand-in's own: the same scores and choice as with it alone
    alone = AutoAugmentedClassifier(
        knn(), candidates=cands, ratios=(1.0,), cv=3, random_state=0
    ).fit(X, y)
    for key in ("mean_test_score", "split0_test_score", "eligible"):
        assert np.array_equal(auto.cv_results_[key], alone.cv_results_[key])
    assert auto.choice_ == alone.choice_
    step = auto.best_estimator_
    step = getattr(step, "classifier_", step)  # the AugmentedClassifier's fitted classifier
    assert isinstance(step.steps[-1][1], CountingKNN) and step.steps[-1][1].n_neighbors == 3


def test_warnings_name_the_users_line_on_every_path():
    """Raised deep inside, shown at the caller's line: directly and through a pipeline."""
    X, y = data()
    keep = [0, 10, 20]  # one series per class: nothing to cross-validate on
    direct = AutoAugmentedClassifier(knn(), random_state=0)
    piped = make_pipeline(FunctionTransformer(), AutoAugmentedClassifier(knn(), random_state=0))
    for estimator in (direct, piped):
        with pytest.warns(UserWarning, match="nothing to cross-validate") as caught:
            estimator.fit(X[keep], y[keep])
        assert {w.filename for w in caught} == {__file__}
