"""The checks every tsaugment estimator passes, as a library.

In the style of scikit-learn's ``parametrize_with_checks`` and imbalanced-learn's
``estimator_checks``: each check takes an estimator instance (tiny settings, see
:func:`get_test_params`) and raises an ``AssertionError`` (or the unexpected error)
when the estimator breaks the contract. The package's test suite runs them over every
estimator it finds; a generator written outside the package runs them the same way::

    from tsaugment.utils.estimator_checks import check_estimator, parametrize_with_checks

    check_estimator(MyGenerator(n_iter=2))          # all checks, here and now

    @parametrize_with_checks([MyGenerator(n_iter=2)])
    def test_my_generator(estimator, check):        # one pytest test per check
        check(estimator)

Which checks run follows what the estimator does: generators (``fit`` / ``sample``
/ ``transform``), classifiers (``predict_proba``), samplers (``fit_resample``).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import re
import tempfile
from functools import partial

import numpy as np
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

__all__ = [
    "check_estimator",
    "parametrize_with_checks",
    "get_test_params",
    "make_test_data",
    "yield_checks",
    "check_clone_and_params_round_trip",
    "check_fit_leaves_params_unchanged_and_returns_self",
    "check_generator_not_fitted_error",
    "check_generator_labelled_fit_sample_transform",
    "check_generator_one_series_class",
    "check_generator_unlabelled_and_univariate",
    "check_generator_same_random_state_same_output",
    "check_generator_pickle_round_trip",
    "check_generator_save_load_round_trip",
    "check_generator_bad_input_errors",
    "check_classifier_contract",
    "check_classifier_same_random_state_same_output",
    "check_sampler_keeps_originals_first",
]


def get_test_params(estimator) -> dict:
    """Tiny parameters for the checks: the estimator's ``get_test_params()``.

    Parameters
    ----------
    estimator : estimator class or instance
        Its class method ``get_test_params()`` gives the settings; an estimator
        without one that still has the older private ``_get_test_params()`` gets
        those, and one with neither gets ``{}`` (its defaults).

    Returns
    -------
    params : dict

    Examples
    --------
    >>> from tsaugment import JitterAugmenter
    >>> get_test_params(JitterAugmenter)
    {'sigma': 0.05}
    """
    cls = estimator if isinstance(estimator, type) else type(estimator)
    for name in ("get_test_params", "_get_test_params"):
        method = getattr(cls, name, None)
        if method is not None:
            return dict(method())
    return {}


def make_test_data(n_per_class=6, n_channels=2, n_timepoints=16, seed=0, labels=("a", "b")):
    """Classes of noisy sines that differ in frequency, labels as strings.

    Parameters
    ----------
    n_per_class : int, default=6
    n_channels : int, default=2
    n_timepoints : int, default=16
    seed : int, default=0
    labels : sequence of str, default=("a", "b")

    Returns
    -------
    X : ndarray of shape (n_per_class * len(labels), n_channels, n_timepoints)
    y : ndarray of shape (n_per_class * len(labels),)

    Examples
    --------
    >>> X, y = make_test_data()
    >>> X.shape, sorted(set(y.tolist()))
    ((12, 2, 16), ['a', 'b'])
    """
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


@contextlib.contextmanager
def _raises(error, match):
    try:
        yield
    except error as err:
        if not re.search(match, str(err)):
            raise AssertionError(f"{error.__name__} {str(err)!r} does not match {match!r}") from err
    else:
        raise AssertionError(f"no {error.__name__} raised (expected one matching {match!r})")


def _fingerprint(est) -> dict:
    return {k: repr(v) for k, v in est.get_params(deep=False).items()}


def _is_generator(est) -> bool:
    return all(hasattr(est, name) for name in ("fit", "sample", "transform"))


def _is_classifier(est) -> bool:
    return hasattr(est, "predict_proba") and hasattr(est, "predict")


def _is_sampler(est) -> bool:
    return hasattr(est, "fit_resample")


# -- every estimator ------------------------------------------------------------------


def check_clone_and_params_round_trip(estimator) -> None:
    """``clone`` and ``set_params(**get_params())`` keep every parameter."""
    params = estimator.get_params(deep=False)
    other = clone(estimator)
    assert _fingerprint(other) == _fingerprint(estimator), "clone changed parameters"
    other.set_params(**params)
    assert _fingerprint(other) == _fingerprint(estimator), "set_params changed parameters"


def check_fit_leaves_params_unchanged_and_returns_self(estimator) -> None:
    """``fit`` returns the estimator and changes none of its parameters."""
    est = clone(estimator)
    before = _fingerprint(est)
    X, y = make_test_data()
    if hasattr(est, "fit"):
        assert est.fit(X, y) is est, "fit must return self"
    else:
        est.fit_resample(X, y)
    assert _fingerprint(est) == before, "fitting changed a parameter"


# -- generators -----------------------------------------------------------------------


def check_generator_not_fitted_error(estimator) -> None:
    """``sample`` and ``transform`` before ``fit`` raise ``NotFittedError``."""
    est = clone(estimator)
    X, _ = make_test_data()
    with _raises(NotFittedError, ""):
        est.sample(2)
    with _raises(NotFittedError, ""):
        est.transform(X)


def check_generator_labelled_fit_sample_transform(estimator) -> None:
    """A labelled fit samples given labels, keeps shapes and dtype, moves no global seed.

    With a fixed ``random_state``, neither torch's nor numpy's global random state
    moves (``random_state=None`` draws from numpy's, as scikit-learn's does).
    """
    import torch

    X, y = make_test_data()
    est = clone(estimator)
    if "random_state" in est.get_params(deep=False):
        est.set_params(random_state=0)
    torch_state = torch.random.get_rng_state().clone()
    numpy_state = np.random.get_state()[1].copy()
    est.fit(X, y)
    X_new, y_new = est.sample(7)
    assert torch.equal(torch.random.get_rng_state(), torch_state), "torch's global seed moved"
    assert np.array_equal(np.random.get_state()[1], numpy_state), "numpy's global seed moved"
    assert X_new.shape == (7, 2, 16), X_new.shape
    assert X_new.dtype == X.dtype, X_new.dtype
    assert np.isfinite(X_new).all(), "non-finite synthetic values"
    assert set(y_new) <= {"a", "b"} and len(y_new) == 7, y_new
    assert y_new.dtype.kind == "U", "labels must come back as they went in"
    X_b, y_b = est.sample(3, y="b")
    assert X_b.shape == (3, 2, 16) and list(y_b) == ["b"] * 3
    X_ab, y_ab = est.sample(2, y=["a", "b"])
    assert list(y_ab) == ["a", "b"]
    Xt = est.transform(X, y)
    assert Xt.shape == X.shape and np.isfinite(Xt).all()
    with _raises(ValueError, "unknown label"):
        est.sample(2, y="zzz")


def check_generator_one_series_class(estimator) -> None:
    """A class of one training series is learnt, sampled and transformed.

    Skipped for a generator whose ``_min_class_size`` asks for more (its fit must then
    refuse such a class: :func:`check_generator_bad_input_errors`).
    """
    if getattr(estimator, "_min_class_size", 1) > 1:
        return
    X, y = make_test_data()
    X_c, _ = make_test_data(n_per_class=1, labels=("c",), seed=1)
    X, y = np.concatenate([X, X_c]), np.concatenate([y, ["c"]])
    est = clone(estimator)
    if "random_state" in est.get_params(deep=False):
        est.set_params(random_state=0)
    try:
        est.fit(X, y)
        X_c_new, y_c_new = est.sample(3, y="c")
        Xt = est.transform(X, y)
    except Exception as err:
        raise AssertionError(
            f"a class of one series failed ({type(err).__name__}: {err}); set "
            "_min_class_size to the fewest series a class needs"
        ) from err
    assert X_c_new.shape == (3, 2, 16) and list(y_c_new) == ["c"] * 3, (X_c_new.shape, y_c_new)
    assert np.isfinite(X_c_new).all(), "non-finite synthetic values for the one-series class"
    assert Xt.shape == X.shape and np.isfinite(Xt).all()


def check_generator_unlabelled_and_univariate(estimator) -> None:
    """A 2D float32 fit without labels gives 3D float32 series and ``y_new=None``."""
    X, _ = make_test_data(n_channels=1)
    X2d = X[:, 0, :].astype(np.float32)
    est = clone(estimator).fit(X2d)
    X_new, y_new = est.sample(4)
    assert y_new is None
    assert X_new.shape == (4, 1, 16) and X_new.dtype == np.float32, (X_new.shape, X_new.dtype)
    assert est.transform(X2d).shape == (len(X2d), 1, 16)
    with _raises(ValueError, "without labels"):
        est.sample(2, y="a")


def check_generator_same_random_state_same_output(estimator) -> None:
    """Two fits with one ``random_state`` sample and transform alike."""
    X, y = make_test_data()
    a = clone(estimator).set_params(random_state=3).fit(X, y)
    b = clone(estimator).set_params(random_state=3).fit(X, y)
    Xa, ya = a.sample(5)
    Xb, yb = b.sample(5)
    np.testing.assert_array_equal(Xa, Xb)
    np.testing.assert_array_equal(ya, yb)
    np.testing.assert_array_equal(a.transform(X, y), b.transform(X, y))


def _assert_samples_alike(est, others) -> None:
    reference = est.sample(4)
    for other in others:
        X_o, y_o = other.sample(4)
        np.testing.assert_allclose(X_o, reference[0], rtol=1e-6, atol=1e-7)
        np.testing.assert_array_equal(y_o, reference[1])


def check_generator_pickle_round_trip(estimator) -> None:
    """A pickled fitted generator samples as the original does."""
    X, y = make_test_data()
    est = clone(estimator).set_params(random_state=0).fit(X, y)
    _assert_samples_alike(est, [pickle.loads(pickle.dumps(est))])


def check_generator_save_load_round_trip(estimator) -> None:
    """``save`` then ``load`` (through the class's own ``load``) samples as the original."""
    X, y = make_test_data()
    est = clone(estimator).set_params(random_state=0).fit(X, y)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "gen.tsaug")
        est.save(path)
        loaded = type(est).load(path)
    _assert_samples_alike(est, [loaded])


def check_generator_bad_input_errors(estimator) -> None:
    """Bad training or transform input raises a ``ValueError`` that names the problem."""
    X, y = make_test_data()
    X_nan = X.copy()
    X_nan[0, 0, 3] = np.nan
    X_inf = X.copy()
    X_inf[1, 1, 1] = np.inf
    cases = [
        (X_nan, y, "NaN"),
        (X[:1], y[:1], "at least 2"),
        (X[..., None], y, "3D"),
        (np.empty((0, 2, 16)), None, "empty"),
        (X, y[:-1], "labels but X has"),
        (X_inf, y, "infinite"),
    ]
    if getattr(estimator, "_min_class_size", 1) > 1:
        y_single = y.astype("<U10")
        y_single[0] = "lonely"
        cases.append((X, y_single, "lonely"))
    for X_bad, y_bad, message in cases:
        with _raises(ValueError, message):
            clone(estimator).fit(X_bad, y_bad)
    fitted = clone(estimator).fit(X, y)
    with _raises(ValueError, "channels"):
        fitted.transform(X[:, :1], y)
    with _raises(ValueError, "length"):
        fitted.transform(X[:, :, :8], y)


# -- classifiers ----------------------------------------------------------------------


def check_classifier_contract(estimator) -> None:
    """Not-fitted error, labels kept, probabilities summing to 1, 2D input, pickling, NaN."""
    X, y = make_test_data()
    est = clone(estimator)
    with _raises(NotFittedError, ""):
        est.predict(X)
    est.fit(X, y)
    pred = est.predict(X)
    assert pred.shape == (len(X),) and set(pred) <= {"a", "b"}, pred
    assert list(est.classes_) == ["a", "b"], est.classes_
    proba = est.predict_proba(X)
    assert proba.shape == (len(X), 2), proba.shape
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    assert 0.0 <= est.score(X, y) <= 1.0
    clone(estimator).fit(X[:, 0, :], y).predict(X[:, 0, :])  # univariate 2D input
    np.testing.assert_allclose(pickle.loads(pickle.dumps(est)).predict_proba(X), proba)
    X_nan = X.copy()
    X_nan[0, 0, 0] = np.nan
    with _raises(ValueError, "NaN"):
        clone(estimator).fit(X_nan, y)


def check_classifier_same_random_state_same_output(estimator) -> None:
    """Two fits with one ``random_state`` predict the same probabilities."""
    if "random_state" not in estimator.get_params(deep=False):
        return
    X, y = make_test_data()
    a = clone(estimator).set_params(random_state=1).fit(X, y)
    b = clone(estimator).set_params(random_state=1).fit(X, y)
    np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X))


# -- samplers -------------------------------------------------------------------------


def check_sampler_keeps_originals_first(estimator) -> None:
    """``fit_resample`` returns the originals first, then series of known labels."""
    X, y = make_test_data()
    X_res, y_res = clone(estimator).fit_resample(X, y)
    assert X_res.ndim == 3 and len(X_res) == len(y_res) >= len(X)
    np.testing.assert_array_equal(X_res[: len(X)], X)
    np.testing.assert_array_equal(y_res[: len(y)], y)
    assert set(y_res) <= set(y)


# -- running them ---------------------------------------------------------------------


def yield_checks(estimator):
    """The checks that apply to ``estimator``, by what it does.

    Parameters
    ----------
    estimator : estimator instance

    Yields
    ------
    check : callable
        Takes the estimator and raises when it fails.

    Examples
    --------
    >>> from tsaugment import JitterAugmenter
    >>> [c.__name__ for c in yield_checks(JitterAugmenter())][:2]
    ['check_clone_and_params_round_trip', 'check_fit_leaves_params_unchanged_and_returns_self']
    """
    yield check_clone_and_params_round_trip
    yield check_fit_leaves_params_unchanged_and_returns_self
    if _is_generator(estimator):
        yield check_generator_not_fitted_error
        yield check_generator_labelled_fit_sample_transform
        yield check_generator_one_series_class
        yield check_generator_unlabelled_and_univariate
        yield check_generator_same_random_state_same_output
        yield check_generator_pickle_round_trip
        yield check_generator_save_load_round_trip
        yield check_generator_bad_input_errors
    if _is_classifier(estimator):
        yield check_classifier_contract
        yield check_classifier_same_random_state_same_output
    if _is_sampler(estimator):
        yield check_sampler_keeps_originals_first


def _check_name(check) -> str:
    return (check.func if isinstance(check, partial) else check).__name__


def check_estimator(estimator, *, generate_only=False):
    """Run every check that applies to ``estimator``.

    Parameters
    ----------
    estimator : estimator instance
        With small settings: each check clones and fits it several times.
    generate_only : bool, default=False
        Return the ``(estimator, check)`` pairs instead of running them.

    Returns
    -------
    checks : list of (estimator, callable) or None
        With ``generate_only``; otherwise nothing, after every check passed.

    Raises
    ------
    AssertionError
        Naming the failed check, from the first one that fails.

    Examples
    --------
    >>> from tsaugment import JitterAugmenter
    >>> check_estimator(JitterAugmenter())
    """
    checks = [(estimator, check) for check in yield_checks(estimator)]
    if generate_only:
        return checks
    for est, check in checks:
        try:
            check(est)
        except AssertionError as err:
            raise AssertionError(f"{type(est).__name__} fails {_check_name(check)}: {err}") from err
    return None


def parametrize_with_checks(estimators):
    """A pytest decorator: one test per estimator and applicable check.

    Parameters
    ----------
    estimators : list of estimator instances

    Returns
    -------
    decorator : ``pytest.mark.parametrize("estimator, check", ...)``
        The test receives ``estimator`` and ``check`` and calls ``check(estimator)``;
        test ids read ``ClassName-check_name``.
    """
    import pytest

    pairs = [pair for est in estimators for pair in check_estimator(est, generate_only=True)]
    ids = [f"{type(est).__name__}-{_check_name(check)}" for est, check in pairs]
    return pytest.mark.parametrize(("estimator", "check"), pairs, ids=ids)
