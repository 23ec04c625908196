"""The shared suite of checks that every tsaugment estimator runs through.

Estimators are discovered (``tsaugment.utils.all_estimators``), never listed by hand:
a new estimator joins the suite by existing. Each provides tiny settings through the
classmethod ``_get_test_params()``.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from tsaugment.base import BaseGenerator
from tsaugment.utils import all_estimators

ALL = all_estimators()
GENERATORS = [(n, c) for n, c in ALL if issubclass(c, BaseGenerator)]
CLASSIFIERS = all_estimators("classifier")
SAMPLERS = all_estimators("sampler")


def _ids(pairs):
    return [name for name, _ in pairs]


def make_instance(cls):
    return cls(**cls._get_test_params())


def make_data(n_per_class=6, n_channels=2, n_timepoints=16, seed=0, labels=("a", "b")):
    """Two classes of noisy sines that differ in frequency, labels as strings."""
    rng = np.random.default_rng(seed)
    t = np.arange(n_timepoints)
    X, y = [], []
    for k, label in enumerate(labels):
        freq = 0.2 + 0.3 * k
        for _ in range(n_per_class):
            phase = rng.uniform(0, np.pi, size=(n_channels, 1))
            X.append(np.sin(freq * t + phase) + 0.1 * rng.normal(size=(n_channels, n_timepoints)))
            y.append(label)
    return np.asarray(X), np.asarray(y)


def params_fingerprint(est):
    return {k: repr(v) for k, v in est.get_params(deep=False).items()}


def test_discovery_finds_estimators_of_every_kind():
    names = _ids(ALL)
    assert names == sorted(set(names))
    for name, cls in ALL:
        assert hasattr(cls, "_get_test_params"), f"{name} lacks _get_test_params"


@pytest.mark.parametrize(("name", "cls"), ALL, ids=_ids(ALL))
def test_clone_and_params_round_trip(name, cls):
    est = make_instance(cls)
    params = est.get_params(deep=False)
    est2 = clone(est)
    assert params_fingerprint(est2) == params_fingerprint(est)
    est2.set_params(**params)
    assert params_fingerprint(est2) == params_fingerprint(est)


@pytest.mark.parametrize(("name", "cls"), ALL, ids=_ids(ALL))
def test_fit_leaves_params_unchanged_and_returns_self(name, cls):
    est = make_instance(cls)
    before = params_fingerprint(est)
    X, y = make_data()
    if hasattr(est, "fit"):
        assert est.fit(X, y) is est
    else:
        est.fit_resample(X, y)
    assert params_fingerprint(est) == before


# -- generators -----------------------------------------------------------------------


@pytest.mark.parametrize(("name", "cls"), GENERATORS, ids=_ids(GENERATORS))
def test_generator_not_fitted_error(name, cls):
    est = make_instance(cls)
    X, _ = make_data()
    with pytest.raises(NotFittedError):
        est.sample(2)
    with pytest.raises(NotFittedError):
        est.transform(X)


@pytest.mark.parametrize(("name", "cls"), GENERATORS, ids=_ids(GENERATORS))
def test_generator_labelled_fit_sample_transform(name, cls):
    X, y = make_data()
    torch_state = torch.random.get_rng_state().clone()
    est = make_instance(cls).fit(X, y)
    X_new, y_new = est.sample(7)
    assert torch.equal(torch.random.get_rng_state(), torch_state), "torch's global seed moved"
    assert X_new.shape == (7, 2, 16)
    assert X_new.dtype == X.dtype
    assert np.isfinite(X_new).all()
    assert set(y_new) <= {"a", "b"} and len(y_new) == 7
    assert y_new.dtype.kind == "U"
    X_b, y_b = est.sample(3, y="b")
    assert X_b.shape == (3, 2, 16) and list(y_b) == ["b"] * 3
    X_ab, y_ab = est.sample(2, y=["a", "b"])
    assert list(y_ab) == ["a", "b"]
    Xt = est.transform(X, y)
    assert Xt.shape == X.shape and np.isfinite(Xt).all()
    with pytest.raises(ValueError, match="unknown label"):
        est.sample(2, y="zzz")


@pytest.mark.parametrize(("name", "cls"), GENERATORS, ids=_ids(GENERATORS))
def test_generator_unlabelled_and_univariate(name, cls):
    X, _ = make_data(n_channels=1)
    X2d = X[:, 0, :].astype(np.float32)
    est = make_instance(cls).fit(X2d)
    X_new, y_new = est.sample(4)
    assert y_new is None
    assert X_new.shape == (4, 1, 16) and X_new.dtype == np.float32
    assert est.transform(X2d).shape == (len(X2d), 1, 16)
    with pytest.raises(ValueError, match="without labels"):
        est.sample(2, y="a")


@pytest.mark.parametrize(("name", "cls"), GENERATORS, ids=_ids(GENERATORS))
def test_generator_same_random_state_same_output(name, cls):
    X, y = make_data()
    a = make_instance(cls).set_params(random_state=3).fit(X, y)
    b = make_instance(cls).set_params(random_state=3).fit(X, y)
    Xa, ya = a.sample(5)
    Xb, yb = b.sample(5)
    np.testing.assert_array_equal(Xa, Xb)
    np.testing.assert_array_equal(ya, yb)
    np.testing.assert_array_equal(a.transform(X, y), b.transform(X, y))


@pytest.mark.parametrize(("name", "cls"), GENERATORS, ids=_ids(GENERATORS))
def test_generator_pickle_and_save_load_round_trip(name, cls, tmp_path):
    X, y = make_data()
    est = make_instance(cls).set_params(random_state=0).fit(X, y)
    pickled = pickle.loads(pickle.dumps(est))
    path = tmp_path / "gen.tsaug"
    est.save(path)
    loaded = cls.load(path)
    reference = est.sample(4)
    for other in (pickled, loaded):
        X_o, y_o = other.sample(4)
        np.testing.assert_allclose(X_o, reference[0], rtol=1e-6, atol=1e-7)
        np.testing.assert_array_equal(y_o, reference[1])


@pytest.mark.parametrize(("name", "cls"), GENERATORS, ids=_ids(GENERATORS))
def test_generator_bad_input_errors(name, cls):
    X, y = make_data()
    est = make_instance(cls)
    X_nan = X.copy()
    X_nan[0, 0, 3] = np.nan
    cases = [
        (X_nan, y, "NaN"),
        (X[:1], y[:1], "at least 2"),
        (X[..., None], y, "3D"),
        (np.empty((0, 2, 16)), None, "empty"),
        (X, y[:-1], "labels but X has"),
    ]
    X_inf = X.copy()
    X_inf[1, 1, 1] = np.inf
    cases.append((X_inf, y, "infinite"))
    y_single = y.astype("<U10")
    y_single[0] = "lonely"
    cases.append((X, y_single, "lonely"))
    for X_bad, y_bad, message in cases:
        with pytest.raises(ValueError, match=message):
            clone(est).fit(X_bad, y_bad)
    fitted = clone(est).fit(X, y)
    with pytest.raises(ValueError, match="channels"):
        fitted.transform(X[:, :1], y)
    with pytest.raises(ValueError, match="length"):
        fitted.transform(X[:, :, :8], y)


# -- classifiers ----------------------------------------------------------------------


@pytest.mark.parametrize(("name", "cls"), CLASSIFIERS, ids=_ids(CLASSIFIERS))
def test_classifier_contract(name, cls):
    X, y = make_data()
    est = make_instance(cls)
    with pytest.raises(NotFittedError):
        est.predict(X)
    est.fit(X, y)
    pred = est.predict(X)
    assert pred.shape == (len(X),) and set(pred) <= {"a", "b"}
    assert list(est.classes_) == ["a", "b"]
    proba = est.predict_proba(X)
    assert proba.shape == (len(X), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    assert 0.0 <= est.score(X, y) <= 1.0
    # univariate 2D input is accepted
    make_instance(cls).fit(X[:, 0, :], y).predict(X[:, 0, :])
    # pickling keeps predictions
    np.testing.assert_allclose(pickle.loads(pickle.dumps(est)).predict_proba(X), proba)
    X_nan = X.copy()
    X_nan[0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        make_instance(cls).fit(X_nan, y)


@pytest.mark.parametrize(("name", "cls"), CLASSIFIERS, ids=_ids(CLASSIFIERS))
def test_classifier_same_random_state_same_output(name, cls):
    if "random_state" not in make_instance(cls).get_params(deep=False):
        pytest.skip(f"{name} takes no random_state")
    X, y = make_data()
    a = make_instance(cls).set_params(random_state=1).fit(X, y)
    b = make_instance(cls).set_params(random_state=1).fit(X, y)
    np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X))


# -- samplers -------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "cls"), SAMPLERS, ids=_ids(SAMPLERS))
def test_sampler_keeps_originals_first(name, cls):
    X, y = make_data()
    est = make_instance(cls)
    X_res, y_res = est.fit_resample(X, y)
    assert X_res.ndim == 3 and len(X_res) == len(y_res) >= len(X)
    np.testing.assert_array_equal(X_res[: len(X)], X)
    np.testing.assert_array_equal(y_res[: len(y)], y)
    assert set(y_res) <= set(y)
