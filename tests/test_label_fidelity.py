"""Label fidelity metrics and the label filter of Augmenter / AugmentedClassifier."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.base import BaseEstimator, clone
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from tsaugment import AugmentedClassifier, Augmenter
from tsaugment.filtering import LabelFilter, UnfilledClassWarning
from tsaugment.metrics import LabelFidelityClassifier, label_fidelity, trts_score, tstr_score


def flatten(X):
    return X.reshape(len(X), -1)


def knn(k=1):
    return make_pipeline(FunctionTransformer(flatten), KNeighborsClassifier(k))


def two_classes(n=10, length=6, seed=0):
    """Two well separated classes (series shorter than 9: the 1-NN check, fast)."""
    rng = np.random.default_rng(seed)
    X = np.concatenate([rng.normal(0, 0.3, (n, 1, length)), rng.normal(4, 0.3, (n, 1, length))])
    return X, np.repeat(np.array(["lo", "hi"]), n)


class MislabellingGenerator(BaseEstimator):
    """Draws series near their class mean, except a share drawn from the other class.

    ``bad`` maps a label to the share of its series drawn wrongly (default 0).
    """

    def __init__(self, bad=None, random_state=None):
        self.bad = bad
        self.random_state = random_state

    def fit(self, X, y=None):
        self.means_ = {c: X[y == c].mean(axis=0) for c in np.unique(y)}
        self.rng_ = np.random.default_rng(self.random_state)
        self.n_sampled_ = 0
        return self

    def sample(self, n_samples=1, *, y=None):
        bad = self.bad or {}
        labels = list(self.means_)
        out = []
        for label in y:
            wrong = self.rng_.random() < bad.get(label, 0.0)
            other = [c for c in labels if c != label][0]
            mean = self.means_[other if wrong else label]
            out.append(mean + self.rng_.normal(0, 0.1, mean.shape))
        self.n_sampled_ += len(y)
        return np.stack(out), np.asarray(y)

    def transform(self, X, y=None):
        return X + self.rng_.normal(0, 0.1, X.shape)


# --- metrics ---------------------------------------------------------------------


def test_label_fidelity_perfect_and_wrong_labels():
    X, y = two_classes()
    perfect = label_fidelity(X, y, X + 0.05, y)
    assert perfect.score == 1.0 and perfect.per_class == {"hi": 1.0, "lo": 1.0}
    wrong = label_fidelity(X, y, X, y[::-1])
    assert wrong.score == 0.0 and wrong.per_class == {"hi": 0.0, "lo": 0.0}
    half = label_fidelity(X, y, X, np.where(np.arange(20) % 2 == 0, y, y[::-1]))
    assert half.score == 0.5


def test_label_fidelity_per_class_and_custom_classifier():
    X, y = two_classes()
    y_syn = y.copy()
    y_syn[:5] = "hi"  # five "lo" series labelled "hi"
    result = label_fidelity(X, y, X, y_syn, classifier=knn(1))
    assert result.per_class["lo"] == 1.0
    assert result.per_class["hi"] == pytest.approx(10 / 15)
    assert result.score == pytest.approx(15 / 20)
    assert trts_score(X, y, X, y_syn) == pytest.approx(result.score)


def test_tstr_score():
    X, y = two_classes()
    assert tstr_score(X, y, X + 0.05, y) == 1.0
    assert tstr_score(X, y, X, y[::-1]) == 0.0
    with pytest.raises(ValueError, match="at least two classes"):
        tstr_score(X, y, X[:3], y[:3])


def test_label_fidelity_bad_input():
    X, y = two_classes()
    with pytest.raises(ValueError, match="labels"):
        label_fidelity(X, y, X, np.repeat("other", 20))
    with pytest.raises(ValueError, match="X_syn"):
        label_fidelity(X, y, X[:, :, :4], y)


def test_label_fidelity_classifier_minirocket_path():
    rng = np.random.default_rng(1)
    t = np.linspace(0, 1, 30)
    X = np.concatenate(
        [np.sin(8 * t) + rng.normal(0, 0.1, (8, 1, 30)), t + rng.normal(0, 0.1, (8, 1, 30))]
    )
    y = np.repeat([0, 1], 8)
    clf = LabelFidelityClassifier(num_kernels=84, random_state=0).fit(X, y)
    assert clf.method_ == "minirocket_ridge"
    proba = clf.predict_proba(X)
    assert proba.shape == (16, 2) and np.allclose(proba.sum(axis=1), 1.0)
    assert clf.score(X, y) == 1.0
    pickle.loads(pickle.dumps(clf)).predict(X)


# --- filter ----------------------------------------------------------------------


def test_filter_keeps_only_accepted_and_meets_quota():
    X, y = two_classes()
    gen = MislabellingGenerator(bad={"lo": 0.5, "hi": 0.2}, random_state=0)
    aug = Augmenter(gen, ratio=1.0, filter="label", random_state=0)
    X_res, y_res = aug.fit_resample(X, y)
    assert len(X_res) == 40
    X_syn, y_syn = X_res[20:], y_res[20:]
    # every kept series is near its own class mean
    assert np.all(np.abs(X_syn.mean(axis=(1, 2)) - np.where(y_syn == "hi", 4, 0)) < 1)
    assert aug.n_synthetic_.tolist() == [10, 10]  # classes_ = ["hi", "lo"]
    rate = dict(zip(aug.classes_, aug.acceptance_rate_))
    assert 0.2 < rate["lo"] < 0.9 and 0.5 < rate["hi"] <= 1.0
    assert aug.filter_.n_drawn_.sum() > 20


def test_unfiltered_keeps_everything():
    X, y = two_classes()
    aug = Augmenter(MislabellingGenerator(bad={"lo": 1.0}), ratio=1.0, random_state=0)
    X_res, _ = aug.fit_resample(X, y)
    assert len(X_res) == 40 and np.all(aug.acceptance_rate_ == 1.0)


def test_filter_warns_naming_unfillable_class():
    X, y = two_classes()
    aug = Augmenter(MislabellingGenerator(bad={"lo": 1.0}), ratio=1.0, filter="label", max_draws=3)
    with pytest.warns(UnfilledClassWarning, match="class 'lo' got 0 of its 10") as caught:
        X_res, y_res = aug.fit_resample(X, y)
    assert caught[0].filename == __file__  # the user's line, not the draw loop's
    assert list(y_res[20:]) == ["hi"] * 10
    rate = dict(zip(aug.classes_, aug.acceptance_rate_))
    assert rate["lo"] == 0.0 and rate["hi"] == 1.0
    assert aug.filter_.n_rounds_ == 3


def test_filter_threshold_and_transform_method():
    X, y = two_classes()
    flt = LabelFilter(knn(3), threshold=1.0, max_draws=4)
    aug = Augmenter(MislabellingGenerator(), ratio=0.5, method="transform", filter=flt)
    X_res, y_res = aug.fit_resample(X, y)
    assert len(X_res) == 30 and aug.n_synthetic_.tolist() == [5, 5]
    assert flt.get_params()["threshold"] == 1.0  # the object passed is not fitted
    assert not hasattr(flt, "classifier_")


def test_filter_bad_parameters():
    X, y = two_classes()
    for bad, match in [
        ({"filter": "labels"}, "filter must be"),
        ({"filter": "label", "filter_threshold": 1.5}, "threshold"),
        ({"filter": "label", "max_draws": 0}, "max_draws"),
    ]:
        with pytest.raises(ValueError, match=match):
            Augmenter(MislabellingGenerator(), **bad).fit_resample(X, y)


def test_augmented_classifier_records_acceptance_and_clones():
    X, y = two_classes()
    clf = AugmentedClassifier(
        MislabellingGenerator(bad={"hi": 0.5}),
        knn(1),
        filter="label",
        random_state=0,
    )
    clf.fit(X, y)
    assert clf.acceptance_rate_.shape == (2,) and clf.acceptance_rate_[0] < 1.0
    assert clf.n_synthetic_.tolist() == [10, 10]
    assert clone(clf).get_params()["filter"] == "label"
    pickle.loads(pickle.dumps(clf)).predict(X)


@pytest.mark.parametrize("params", [{"threshold": 1.5}, {"threshold": "0.5"}, {"max_draws": 0}])
def test_label_filter_parameters_are_declared_with_one_message_style(params):
    from tsaugment.filtering import LabelFilter

    X = np.random.default_rng(0).normal(size=(8, 1, 12))
    y = np.repeat(["a", "b"], 4)
    with pytest.raises(ValueError, match=f"LabelFilter: {next(iter(params))} must be"):
        LabelFilter(**params).fit(X, y)
