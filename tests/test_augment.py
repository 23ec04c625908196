"""Augmenter and AugmentedClassifier: counts, labels, pipelines and model selection."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from imblearn.pipeline import make_pipeline as imb_make_pipeline
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sktime.classification.kernel_based import RocketClassifier

from tsaugment import (
    AugmentedClassifier,
    Augmenter,
    JitterAugmenter,
    ResNetClassifier,
    ScalingAugmenter,
)
from tsaugment.augment import fit_augmented, hold_out_validation, synthetic_counts
from tsaugment.classifiers import SktimeClassifier, as_sklearn_classifier
from tsaugment.datasets import load_ucr
from tsaugment.utils.estimator_checks import make_test_data as make_data

CALLS: Counter = Counter()


class SpyJitter(JitterAugmenter):
    """Counts calls across clones (clones are new instances of the same class)."""

    def fit(self, X, y=None):
        CALLS["fit"] += 1
        return super().fit(X, y)

    def sample(self, n_samples=1, *, y=None):
        CALLS["sample"] += 1
        return super().sample(n_samples, y=y)

    def transform(self, X, y=None):
        CALLS["transform"] += 1
        return super().transform(X, y)


@pytest.fixture(scope="module")
def gunpoint():
    X_train, y_train = load_ucr("GunPoint", split="train")
    X_test, y_test = load_ucr("GunPoint", split="test")
    return X_train[:24], y_train[:24], X_test[:40], y_test[:40]


def minirocket():
    return RocketClassifier(rocket_transform="minirocket", num_kernels=84, random_state=0)


def tiny_resnet(**params):
    return ResNetClassifier(n_epochs=2, device="cpu", random_state=0, **params)


# -- counts -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "ratio", "strategy", "expected"),
    [
        ([10, 30], 0.5, "proportional", [5, 15]),
        ([3, 4], 1.0, "proportional", [3, 4]),
        ([1, 1, 1], 1 / 3, "proportional", [1, 0, 0]),  # 1 left over: class order
        ([2, 5], 0.5, "proportional", [1, 3]),  # 3.5 -> 4 in all; 1.0 + 2.5: remainder
        ([10, 30], 0.5, "balance", [20, 0]),
        ([10, 30], 1.0, "balance", [30, 10]),
        ([2, 5, 9], 0.5, "balance", [6, 2, 0]),  # 8 in all: level 7 (5 + 2), 1 left to class 0
        ([2, 5, 9], 1.0, "balance", [9, 6, 1]),  # 16: gaps 7 + 4, then 5 as 2, 2, 1
        ([4, 4], 0.0, "balance", [0, 0]),
    ],
)
def test_synthetic_counts_are_exact(counts, ratio, strategy, expected):
    result = synthetic_counts(counts, ratio, strategy)
    assert result.tolist() == expected
    assert result.sum() == int(np.floor(ratio * sum(counts) + 0.5))


def test_fit_resample_originals_then_synthetic_with_string_labels():
    X, y = make_data(n_per_class=5, labels=("cat", "dog"))
    y = y[2:]  # 3 cats, 5 dogs
    X = X[2:]
    generator = JitterAugmenter()
    X_res, y_res = Augmenter(generator, ratio=1.5, random_state=0).fit_resample(X, y)
    assert not hasattr(generator, "classes_"), "the user's generator was fitted"
    assert len(X_res) == len(y_res) == 8 + 12
    np.testing.assert_array_equal(X_res[:8], X)
    np.testing.assert_array_equal(y_res[:8], y)
    assert y_res.dtype.kind == "U"
    assert Counter(y_res[8:].tolist()) == {"cat": 5, "dog": 7}  # 4.5 + 7.5: tie, class order
    assert Counter(y_res[8:].tolist()) == dict(zip(["cat", "dog"], synthetic_counts([3, 5], 1.5)))


def test_balance_equalises_classes():
    X, y = make_data(n_per_class=8)
    keep = np.r_[0:2, 8:16]  # 2 "a", 8 "b"
    X, y = X[keep], y[keep]
    ratio = (8 * 2 - 10) / 10
    X_res, y_res = Augmenter(ScalingAugmenter(), ratio=ratio, strategy="balance").fit_resample(X, y)
    assert Counter(y_res.tolist()) == {"a": 8, "b": 8}


def test_transform_method_cycles_through_originals():
    X, y = make_data(n_per_class=4)
    aug = Augmenter(JitterAugmenter(sigma=0.1), ratio=2.5, method="transform", random_state=0)
    X_res, y_res = aug.fit_resample(X[:, 0, :], y)  # 2D input: univariate, 3D output
    assert X_res.shape == (8 + 20, 1, 16)
    assert Counter(y_res[8:].tolist()) == {"a": 10, "b": 10}
    # each variant is close to one original of its class (jitter of one series)
    for x_new, label in zip(X_res[8:], y_res[8:]):
        same = X[y == label, :1]
        dist = np.abs(same - x_new).mean(axis=(1, 2))
        other = np.abs(X[y != label, :1] - x_new).mean(axis=(1, 2))
        assert dist.min() < other.min()
    again = Augmenter(JitterAugmenter(sigma=0.1), ratio=2.5, method="transform", random_state=0)
    np.testing.assert_array_equal(again.fit_resample(X[:, 0, :], y)[0], X_res)


def test_ratio_zero_returns_the_originals():
    X, y = make_data()
    X_res, y_res = Augmenter(JitterAugmenter(), ratio=0).fit_resample(X, y)
    np.testing.assert_array_equal(X_res, X)
    np.testing.assert_array_equal(y_res, y)


@pytest.mark.parametrize(
    ("params", "error", "message"),
    [
        ({"ratio": -1}, ValueError, "ratio"),
        ({"ratio": np.inf}, ValueError, "ratio"),
        ({"strategy": "equal"}, ValueError, "strategy"),
        ({"method": "mix"}, ValueError, "method"),
        ({"generator": object()}, TypeError, "generator"),
    ],
)
def test_bad_parameters(params, error, message):
    X, y = make_data()
    aug = Augmenter(JitterAugmenter()).set_params(**params)
    with pytest.raises(error, match=message):
        aug.fit_resample(X, y)


# -- pipelines on GunPoint ---------------------------------------------------------------


def test_augmented_classifier_in_sklearn_pipeline_never_generates_at_predict(gunpoint):
    X, y, X_test, y_test = gunpoint
    CALLS.clear()
    pipe = make_pipeline(AugmentedClassifier(SpyJitter(), tiny_resnet(), ratio=0.5))
    pipe.fit(X, y)
    assert CALLS == {"fit": 1, "sample": 1}
    fitted = pipe[-1]
    assert isinstance(fitted.classifier_, ResNetClassifier)
    assert fitted.n_synthetic_.sum() == 12  # half of the 24: training-loss selection holds none out
    pred = pipe.predict(X_test)
    proba = pipe.predict_proba(X_test)
    pipe.score(X_test, y_test)
    assert CALLS == {"fit": 1, "sample": 1}, "the generator ran at predict time"
    assert set(pred) <= {"1", "2"} and pred.dtype.kind == "U"
    assert proba.shape == (40, 2)


class RecordingJitter(JitterAugmenter):
    """Keeps, across clones, the series each fit was given."""

    fitted_on: list = []

    def fit(self, X, y=None):
        RecordingJitter.fitted_on.append(np.asarray(X))
        return super().fit(X, y)


def test_augmented_classifier_holds_resnet_validation_out_before_augmenting(gunpoint):
    X, y, _, _ = gunpoint
    RecordingJitter.fitted_on.clear()
    resnet = tiny_resnet(selection="validation")
    clf = AugmentedClassifier(RecordingJitter(), resnet, ratio=1.0, random_state=0)
    clf.fit(X, y)
    assert clf.classifier_.monitor_ == "validation"
    assert clf.n_synthetic_.sum() == 19  # 24 originals, 5 of them held out for validation
    (generator_saw,) = RecordingJitter.fitted_on
    X_val, y_val = hold_out_validation(clf.classifier_, X, y)[2]["validation_data"]
    assert len(generator_saw) == 19 and len(X_val) == 5 and set(y_val) == {"1", "2"}
    seen = {x.tobytes() for x in generator_saw}
    assert not any(x.tobytes() in seen for x in X_val)  # the generator never saw them
    assert hold_out_validation(minirocket(), X, y)[2] == {}  # no split of its own
    # the default selects on the training loss: nothing is held out, all is augmented
    assert hold_out_validation(tiny_resnet(), X, y)[2] == {}


def test_validation_hold_out_leaves_a_generator_two_series_per_class():
    X = np.random.default_rng(0).normal(size=(20, 1, 8))
    y = np.array(["a"] * 2 + ["b"] * 2 + ["c"] * 16)
    resnet = ResNetClassifier(selection="validation", random_state=0)
    _, y_kept, params = hold_out_validation(resnet, X, y, min_kept_per_class=2)
    counts = dict(zip(*np.unique(y_kept, return_counts=True)))
    assert counts["a"] == 2 and counts["b"] == 2  # not split: too few to lose one
    assert set(params["validation_data"][1]) == {"c"}
    _, y_plain, _ = hold_out_validation(resnet, X, y)
    assert len(y_plain) < len(y_kept)  # without the minimum, a or b would lose one


def test_augmented_classifier_adapts_sktime_minirocket(gunpoint):
    X, y, X_test, y_test = gunpoint
    clf = AugmentedClassifier(JitterAugmenter(), minirocket(), ratio=1.0, random_state=0)
    pipe = make_pipeline(clf).fit(X, y)
    assert isinstance(pipe[-1].classifier_, SktimeClassifier)
    assert clf.classifier.is_fitted is False  # the user's classifier is untouched
    assert pipe.score(X_test, y_test) > 0.7


def test_imblearn_pipeline_with_augmenter(gunpoint):
    X, y, X_test, y_test = gunpoint
    CALLS.clear()
    pipe = imb_make_pipeline(Augmenter(SpyJitter(), ratio=1.0, random_state=0), tiny_resnet())
    pipe.fit(X, y)
    assert CALLS == {"fit": 1, "sample": 1}
    assert len(pipe[-1].history_["train"]["loss"]) == 2
    pred = pipe.predict(X_test)
    assert CALLS == {"fit": 1, "sample": 1}, "the sampler ran at predict time"
    assert pred.dtype.kind == "U"
    rocket = imb_make_pipeline(
        Augmenter(JitterAugmenter(), ratio=1.0, random_state=0), as_sklearn_classifier(minirocket())
    ).fit(X, y)
    assert rocket.score(X_test, y_test) > 0.7


def test_cross_val_score_and_grid_search_over_generator_and_ratio(gunpoint):
    X, y, _, _ = gunpoint
    clf = AugmentedClassifier(JitterAugmenter(), minirocket(), ratio=0.5, random_state=0)
    scores = cross_val_score(clf, X, y, cv=2, error_score="raise")
    assert scores.shape == (2,) and np.all((scores >= 0) & (scores <= 1))
    grid = GridSearchCV(
        clf,
        {"generator__sigma": [0.01, 0.2], "ratio": [0.0, 1.0], "classifier__num_kernels": [84]},
        cv=2,
        error_score="raise",
    ).fit(X, y)
    assert len(grid.cv_results_["params"]) == 4
    best = grid.best_estimator_
    assert best.generator_.sigma == grid.best_params_["generator__sigma"]
    assert best.n_synthetic_.sum() == round(grid.best_params_["ratio"] * len(X))
    # the imblearn route too: a sampler parameter searched inside its pipeline
    pipe = imb_make_pipeline(
        Augmenter(JitterAugmenter(), random_state=0), as_sklearn_classifier(minirocket())
    )
    search = GridSearchCV(pipe, {"augmenter__generator__sigma": [0.01, 0.2]}, cv=2).fit(X, y)
    assert search.best_params_["augmenter__generator__sigma"] in (0.01, 0.2)


def test_random_state_makes_the_whole_fit_reproducible():
    X, y = make_data()
    a = AugmentedClassifier(JitterAugmenter(), tiny_resnet(), random_state=5).fit(X, y)
    b = clone(a).fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    assert a.generator.random_state is None  # the user's objects keep their settings


def test_fit_augmented_is_the_rule_of_augmented_classifier_and_seeds_baselines_alike():
    X, y = make_data(n_per_class=8)
    resnet = ResNetClassifier(n_epochs=1, batch_size=8, selection="validation", device="cpu")
    clf = AugmentedClassifier(JitterAugmenter(), resnet, ratio=1.0, random_state=3).fit(X, y)
    fit = fit_augmented(JitterAugmenter(), resnet, X, y, ratio=1.0, random_state=3)
    np.testing.assert_array_equal(clf.predict_proba(X), fit.classifier.predict_proba(X))
    assert fit.n_synthetic.tolist() == clf.n_synthetic_.tolist() and fit.n_train == 12
    assert fit.classifier_time > 0 and fit.generator_fit_time >= 0
    # the baseline of the same random_state: same classifier seed, same held-out series
    base = fit_augmented(None, resnet, X, y, random_state=3)
    assert base.generator is None and base.n_synthetic.sum() == 0 and base.n_train == 12
    assert base.classifier.random_state == fit.classifier.random_state
    assert resnet.random_state is None  # the user's object keeps its settings
