"""The sktime adapter: why it is needed, and that it makes sktime classifiers sklearn ones."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from imblearn.pipeline import make_pipeline as imb_make_pipeline
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.utils.validation import check_is_fitted
from sktime.classification.dummy import DummyClassifier
from sktime.classification.kernel_based import RocketClassifier

from tsaugment.classifiers import SktimeClassifier, as_sklearn_classifier
from tsaugment.datasets import load_ucr


@pytest.fixture(scope="module")
def gunpoint():
    X, y = load_ucr("GunPoint", split="train")
    return X[:30], y[:30]


def minirocket(num_kernels=84):
    return RocketClassifier(rocket_transform="minirocket", num_kernels=num_kernels, random_state=0)


def test_bare_sktime_classifier_breaks_sklearn_tools(gunpoint):
    """The problem the adapter solves (sktime 1.2 / scikit-learn >= 1.6): if this test
    starts failing, sktime has gained scikit-learn tags and the adapter may go."""
    X, y = gunpoint
    fitted = DummyClassifier().fit(X, y)
    with pytest.raises(AttributeError):
        check_is_fitted(fitted)
    with pytest.raises(AttributeError):
        make_pipeline(DummyClassifier()).fit(X, y)
    with pytest.raises(AttributeError):
        cross_val_score(DummyClassifier(), X, y, cv=2, error_score="raise")


def test_wrapped_minirocket_works_in_sklearn_and_imblearn_tools(gunpoint):
    X, y = gunpoint
    wrapped = SktimeClassifier(minirocket())
    check_is_fitted(wrapped.fit(X, y))
    assert wrapped.estimator.is_fitted is False  # the user's estimator is never fitted
    assert list(wrapped.classes_) == ["1", "2"]
    assert make_pipeline(SktimeClassifier(minirocket())).fit(X, y).predict(X[:4]).dtype.kind == "U"
    assert imb_make_pipeline(SktimeClassifier(minirocket())).fit(X, y).score(X, y) > 0.8
    scores = cross_val_score(SktimeClassifier(minirocket()), X, y, cv=2, error_score="raise")
    assert scores.shape == (2,)
    search = GridSearchCV(
        SktimeClassifier(minirocket()), {"estimator__num_kernels": [84, 168]}, cv=2
    ).fit(X, y)
    assert search.best_params_["estimator__num_kernels"] in (84, 168)
    assert (
        search.best_estimator_.estimator_.num_kernels
        == search.best_params_["estimator__num_kernels"]
    )
    proba = pickle.loads(pickle.dumps(wrapped)).predict_proba(X)
    np.testing.assert_allclose(proba, wrapped.predict_proba(X))


def test_as_sklearn_classifier_wraps_only_sktime_estimators():
    sk = LogisticRegression()
    assert as_sklearn_classifier(sk) is sk
    wrapped = as_sklearn_classifier(DummyClassifier())
    assert isinstance(wrapped, SktimeClassifier)
    assert as_sklearn_classifier(wrapped) is wrapped
    with pytest.raises(TypeError, match="sktime"):
        SktimeClassifier(sk).fit(np.zeros((4, 1, 5)), [0, 0, 1, 1])


def test_nested_params_reach_the_sktime_estimator():
    wrapped = SktimeClassifier(minirocket())
    assert wrapped.get_params()["estimator__num_kernels"] == 84
    wrapped.set_params(estimator__num_kernels=168)
    assert wrapped.estimator.num_kernels == 168
