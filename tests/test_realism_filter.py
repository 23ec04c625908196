"""The realism filter: k-NN balls of the originals, per class (Kynkäänniemi et al. 2019)."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.base import BaseEstimator, clone

from tsaugment import AugmentedClassifier, Augmenter
from tsaugment.filtering import RealismFilter, UnfilledClassWarning


def flatten(X):
    return X.reshape(len(X), -1)


def two_classes(n=10, length=6, seed=0):
    rng = np.random.default_rng(seed)
    X = np.concatenate([rng.normal(0, 0.3, (n, 1, length)), rng.normal(4, 0.3, (n, 1, length))])
    return X, np.repeat(np.array(["lo", "hi"]), n)


class InflatingGenerator(BaseEstimator):
    """Draws an original of the class plus small noise, times ``scale[label]`` (default 1)."""

    def __init__(self, scale=None, random_state=None):
        self.scale = scale
        self.random_state = random_state

    def fit(self, X, y=None):
        self.X_, self.y_ = X, y
        self.rng_ = np.random.default_rng(self.random_state)
        return self

    def sample(self, n_samples=1, *, y=None):
        scale = self.scale or {}
        out = []
        for label in y:
            mine = self.X_[self.y_ == label]
            base = mine[self.rng_.integers(len(mine))]
            out.append(scale.get(label, 1.0) * (base + self.rng_.normal(0, 0.01, base.shape)))
        return np.stack(out), np.asarray(y)

    def transform(self, X, y=None):
        return X


def test_accepts_series_near_their_class_and_rejects_the_rest():
    X, y = two_classes()
    flt = RealismFilter().fit(X, y)
    near = X + 0.001
    assert flt.accepts(near, y).mean() >= 0.5  # about the kept half of the balls' centres
    assert not flt.accepts(near, y[::-1]).any()  # right place, wrong class
    assert not flt.accepts(X + 1.5, y).any()  # right shape, shifted off the data
    assert [len(c) for c in flt.centers_] == [5, 5]  # balls up to the median radius
    assert all(np.all(r > 0) for r in flt.radii_)


def test_radius_quantile_drops_the_outliers_ball():
    rng = np.random.default_rng(1)
    X = np.concatenate([rng.normal(0, 0.1, (9, 1, 4)), np.full((1, 1, 4), 5.0)])
    y = np.zeros(10, dtype=int)
    beside_outlier = np.full((1, 1, 4), 4.0)
    # the outlier's 3-NN ball reaches back to the cluster and covers the space between
    assert RealismFilter(radius_quantile=None).fit(X, y).accepts(beside_outlier, [0]).all()
    assert not RealismFilter().fit(X, y).accepts(beside_outlier, [0]).any()


def test_small_classes_use_the_neighbours_they_have():
    X, y = two_classes(n=3)
    X = np.concatenate([X, np.full((1, 1, 6), 10.0)])
    y = np.append(y, "single")
    flt = RealismFilter(n_neighbors=3).fit(X, y)
    single = list(flt.classes_).index("single")
    # one series: the distance to its 3rd nearest series of the whole training set
    dist = np.sort(np.linalg.norm(X.reshape(7, -1) - 10.0, axis=1))[1:]
    assert flt.radii_[single] == pytest.approx([dist[2]])
    assert flt.accepts(np.full((1, 1, 6), 10.5), ["single"]).all()


@pytest.mark.parametrize("filter", ["label", "realism", "label+realism"])
def test_non_finite_and_unknown_labels_are_rejected(filter):
    from tsaugment.filtering import resolve_filter

    X, y = two_classes()
    flt = resolve_filter(filter, None, 10).fit(X, y)
    bad = X[[0, 1, 2, 12]].copy()
    bad[0, 0, 0] = np.nan
    bad[1, 0, 0] = np.inf
    assert flt.accepts(bad, y[[0, 1, 2, 12]]).tolist()[:2] == [False, False]
    assert not flt.accepts(X[:2], np.array(["zz", "zz"])).any()


def test_duplicated_originals_do_not_shrink_the_balls_to_nothing():
    rng = np.random.default_rng(2)
    X = np.concatenate([np.zeros((4, 1, 5)), rng.normal(0, 1, (3, 1, 5))])
    flt = RealismFilter().fit(X, np.zeros(7, dtype=int))
    assert np.all(flt.radii_[0] > 0)
    assert flt.accepts(X[4:] + 1e-3, np.zeros(3, dtype=int)).any()


def test_bad_input_and_parameters_get_clear_errors():
    X, y = two_classes()
    flt = RealismFilter().fit(X, y)
    with pytest.raises(ValueError, match="series of length 5, but length 6 was seen in fit"):
        flt.accepts(X[:, :, :5], y)
    with pytest.raises(ValueError, match="X has 2 channels, but 1 were seen in fit"):
        flt.accepts(X.reshape(20, 2, 3), y)
    with pytest.raises(ValueError, match="y"):
        flt.accepts(X, y[:3])
    with pytest.raises(ValueError, match="metric must be a distance"):
        RealismFilter(metric="nope").fit(X, y)
    with pytest.raises(ValueError, match="at least 2 original series"):
        RealismFilter().fit(X[:1], y[:1])
    for params in ({"n_neighbors": 0}, {"radius_quantile": 0}, {"max_draws": 0}):
        with pytest.raises(ValueError, match=f"RealismFilter: {next(iter(params))} must be"):
            RealismFilter(**params).fit(X, y)
    with pytest.raises(ValueError, match="filter='realism' has none"):
        Augmenter(InflatingGenerator(), filter="realism", filter_threshold=0.5).fit_resample(X, y)


def test_augmenter_draws_until_filled_and_warns_for_a_class_it_cannot_fill():
    X, y = two_classes()
    aug = Augmenter(
        InflatingGenerator(scale={"hi": 3.0}),
        ratio=1.0,
        filter="realism",
        max_draws=3,
        random_state=0,
    )
    with pytest.warns(UnfilledClassWarning, match="realism filter: class 'hi' got 0 of its 10"):
        X_res, y_res = aug.fit_resample(X, y)
    assert list(y_res[20:]) == ["lo"] * 10
    rate = dict(zip(aug.classes_, aug.acceptance_rate_))
    assert rate["hi"] == 0.0 and 0.2 < rate["lo"] <= 1.0
    assert aug.filter_.n_rounds_ == 3


def test_augmented_classifier_with_a_realism_filter_object_clones_it():
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    X, y = two_classes()
    flt = RealismFilter(radius_quantile=None)
    knn = make_pipeline(FunctionTransformer(flatten), KNeighborsClassifier())
    clf = AugmentedClassifier(InflatingGenerator(), knn, filter=flt, random_state=0).fit(X, y)
    assert clf.n_synthetic_.tolist() == [10, 10]
    assert not hasattr(flt, "centers_")  # the object passed is not fitted
    assert clone(clf).get_params()["filter"] is not flt
    assert pickle.loads(pickle.dumps(clf)).predict(X).tolist() == clf.predict(X).tolist()


def test_label_and_realism_together_accept_only_what_both_accept():
    from tsaugment.filtering import CombinedFilter, LabelFilter

    X, y = two_classes()
    rng = np.random.default_rng(3)
    candidates = np.concatenate([X + rng.normal(0, 0.05, X.shape), X - 1.0, X[::-1]])
    labels = np.concatenate([y, y, y])
    both = Augmenter(InflatingGenerator(), filter="label+realism", random_state=0)
    both.fit_resample(X, y)
    flt = both.filter_
    assert isinstance(flt, CombinedFilter) and flt._kind == "label+realism"
    label, realism = flt.filters_
    assert isinstance(label, LabelFilter) and isinstance(realism, RealismFilter)
    expected = label.accepts(candidates, labels) & realism.accepts(candidates, labels)
    assert np.array_equal(flt.accepts(candidates, labels), expected)
    assert 0 < expected.sum() < len(expected)
    # seeded: the same fit twice gives the same label checker's seed
    again = Augmenter(InflatingGenerator(), filter="label+realism", random_state=0)
    again.fit_resample(X, y)
    assert again.filter_.filters_[0].random_state == label.random_state is not None


@pytest.mark.parametrize(
    "bad", ["label+label", "realism+label", "realism+labels", "+realism", "Label"]
)
def test_filter_names_are_checked(bad):
    X, y = two_classes()
    with pytest.raises(ValueError, match="filter must be None, 'label', 'realism'"):
        Augmenter(InflatingGenerator(), filter=bad).fit_resample(X, y)


def test_combined_filter_needs_filters():
    from tsaugment.filtering import CombinedFilter

    X, y = two_classes()
    for bad in ([], None, [None], ["label", 3]):
        with pytest.raises(ValueError, match="CombinedFilter: filters must be a non-empty list"):
            CombinedFilter(bad).fit(X, y)


@pytest.mark.parametrize("filter", ["label", "realism", "label+realism"])
def test_every_filter_checks_the_synthetic_series_layout(filter):
    from tsaugment.filtering import resolve_filter

    X, y = two_classes()
    flt = resolve_filter(filter, None, 10).fit(X, y)
    with pytest.raises(ValueError, match="series of length 5, but length 6 was seen in fit"):
        flt.accepts(X[:, :, :5], y)
