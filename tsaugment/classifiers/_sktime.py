"""Make sktime classifiers usable where scikit-learn expects a classifier.

Why an adapter is needed: sktime's estimators (sktime 1.2 included) derive from
``skbase.BaseObject``, not from ``sklearn.base.BaseEstimator``. Since scikit-learn 1.6
every meta-tool reads an estimator's tags through ``__sklearn_tags__``, which sktime
estimators do not have, so with scikit-learn 1.9

- ``sklearn.utils.validation.check_is_fitted(clf)``, ``cross_val_score(clf, ...)`` and
  ``imblearn.pipeline.make_pipeline(..., clf).fit`` raise ``AttributeError: ... has no
  attribute '__sklearn_tags__'``;
- ``sklearn.pipeline.make_pipeline(clf).fit`` raises ``AttributeError: ... has no
  attribute '_parent_callback_ctx'`` (scikit-learn's callback plumbing; see also
  sktime issue 11173, "fit fails inside a sklearn Pipeline").

:class:`SktimeClassifier` wraps one sktime classifier in a genuine scikit-learn
classifier: it clones the wrapped estimator, fits the clone on numpy3D data and
forwards ``predict`` / ``predict_proba``. Parameters of the wrapped estimator are
reachable as ``estimator__<name>`` (``GridSearchCV``, ``set_params``).
:func:`as_sklearn_classifier` wraps sktime classifiers and returns anything else
unchanged; tsaugment applies it wherever it takes a classifier (for instance
:class:`tsaugment.AugmentedClassifier`). Users who build their own pipelines wrap the
classifier themselves::

    from imblearn.pipeline import make_pipeline
    from sktime.classification.kernel_based import RocketClassifier
    from tsaugment import Augmenter, JitterAugmenter
    from tsaugment.classifiers import SktimeClassifier

    pipe = make_pipeline(
        Augmenter(JitterAugmenter()),
        SktimeClassifier(RocketClassifier(rocket_transform="minirocket")),
    )
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone

from .._validation import check_fitted_X, check_X_y

__all__ = ["SktimeClassifier", "as_sklearn_classifier", "is_sktime_estimator"]


def is_sktime_estimator(obj) -> bool:
    """Whether ``obj`` is an sktime (skbase) estimator rather than a scikit-learn one.

    Parameters
    ----------
    obj : object

    Returns
    -------
    bool
    """
    if isinstance(obj, BaseEstimator):
        return False
    try:
        from skbase.base import BaseObject
    except ImportError:  # pragma: no cover - skbase ships with sktime
        return False
    return isinstance(obj, BaseObject)


def _clone_sktime(estimator):
    """A fresh, unfitted copy with the same parameters (sktime's own ``clone``)."""
    if hasattr(estimator, "clone"):
        return estimator.clone()
    return clone(estimator)


class SktimeClassifier(ClassifierMixin, BaseEstimator):
    """A scikit-learn classifier that fits and runs an sktime classifier.

    Parameters
    ----------
    estimator : sktime classifier
        For instance ``RocketClassifier(rocket_transform="minirocket")`` or
        ``KNeighborsTimeSeriesClassifier()``. It is cloned in ``fit``, never fitted
        itself.

    Attributes
    ----------
    estimator_ : sktime classifier
        The fitted clone.
    classes_ : ndarray of shape (n_classes,)
        Class labels, of the type given to ``fit``, in the order of ``predict_proba``'s
        columns.
    n_channels_, n_timepoints_ : int
        Layout seen in ``fit``.

    Notes
    -----
    ``X`` is validated like everywhere in tsaugment (2D is univariate) and passed to
    the sktime estimator as a numpy3D array. See the module docstring for why the
    adapter is needed.

    Examples
    --------
    >>> from sklearn.model_selection import cross_val_score
    >>> from sktime.classification.dummy import DummyClassifier
    >>> from tsaugment.classifiers import SktimeClassifier
    >>> from tsaugment.datasets import load_ucr
    >>> X, y = load_ucr("GunPoint", split="train")
    >>> clf = SktimeClassifier(DummyClassifier())
    >>> cross_val_score(clf, X, y, cv=2).shape
    (2,)
    """

    def __init__(self, estimator):
        self.estimator = estimator

    @classmethod
    def get_test_params(cls):
        """Tiny settings for the shared checks (``tsaugment.utils.estimator_checks``)."""
        from sktime.classification.dummy import DummyClassifier

        return {"estimator": DummyClassifier(strategy="prior")}

    def fit(self, X, y):
        """Clone the sktime classifier and fit the clone.

        Parameters
        ----------
        X : array-like of shape (n_cases, n_channels, n_timepoints) or (n_cases, n_timepoints)
        y : array-like of shape (n_cases,)
            Labels of any hashable type.

        Returns
        -------
        self : SktimeClassifier
        """
        if not is_sktime_estimator(self.estimator):
            raise TypeError(
                "SktimeClassifier wraps sktime classifiers; got "
                f"{type(self.estimator).__name__}. Use scikit-learn estimators directly."
            )
        X, y = check_X_y(X, y)
        self.n_channels_, self.n_timepoints_ = X.shape[1], X.shape[2]
        self.estimator_ = _clone_sktime(self.estimator).fit(X, y)
        self.classes_ = np.asarray(self.estimator_.classes_)
        return self

    def predict(self, X):
        """Labels predicted by the fitted sktime classifier.

        Parameters
        ----------
        X : array-like of shape (n_cases, n_channels, n_timepoints) or (n_cases, n_timepoints)

        Returns
        -------
        y_pred : ndarray of shape (n_cases,)
        """
        X = self._check_layout(X)
        return np.asarray(self.estimator_.predict(X))

    def predict_proba(self, X):
        """Class probabilities from the fitted sktime classifier.

        Parameters
        ----------
        X : array-like of shape (n_cases, n_channels, n_timepoints) or (n_cases, n_timepoints)

        Returns
        -------
        proba : ndarray of shape (n_cases, n_classes)
            Columns in the order of ``classes_``.
        """
        X = self._check_layout(X)
        return np.asarray(self.estimator_.predict_proba(X), dtype=np.float64)

    def _check_layout(self, X) -> np.ndarray:
        """Validate ``X`` and refuse a channel count or length other than ``fit``'s.

        sktime classifiers do not all check it: MiniRocket then reports "Input X
        contains NaN" and a 1-NN classifier answers with distances over other channels.
        """
        return check_fitted_X(self, X)

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "estimator_")


def as_sklearn_classifier(classifier):
    """Return a classifier that scikit-learn's tools accept.

    Parameters
    ----------
    classifier : scikit-learn or sktime classifier

    Returns
    -------
    classifier : scikit-learn classifier
        ``SktimeClassifier(classifier)`` for an sktime classifier; anything else
        (scikit-learn classifiers, tsaugment's, an already wrapped one) unchanged.
    """
    if is_sktime_estimator(classifier):
        return SktimeClassifier(classifier)
    return classifier
