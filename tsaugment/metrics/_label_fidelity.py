"""Label fidelity: whether a synthetic series still belongs to the class it was drawn for.

- :class:`LabelFidelityClassifier`: the fast classifier the checks fit on real series
  (MiniRocket features and a ridge classifier; 1-NN Euclidean where MiniRocket cannot
  run).
- :func:`label_fidelity`: the share of synthetic series that this classifier, fitted
  on the real training series, assigns to their intended class (overall and per class).
- :func:`tstr_score` and :func:`trts_score`: train on synthetic, test on real (Esteban,
  Hyland and Rätsch, 2017) and its reverse.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.linear_model import RidgeClassifierCV
from sklearn.metrics import accuracy_score
from sklearn.neighbors import KNeighborsClassifier

from .._threads import torch_threads_kept
from .._validation import check_fitted_X, check_same_layout, check_X_y, seed_from_random_state

__all__ = [
    "LabelFidelity",
    "LabelFidelityClassifier",
    "label_fidelity",
    "trts_score",
    "tstr_score",
]

_MINIROCKET_MIN_LENGTH = 9  # MiniRocket's kernels have length 9


def _minirocket_available() -> bool:
    try:
        import numba  # noqa: F401
        from sktime.transformations.panel.rocket import MiniRocketMultivariate  # noqa: F401
    except ImportError:
        return False
    return True


class LabelFidelityClassifier(ClassifierMixin, BaseEstimator):
    """The fast classifier of the label checks: MiniRocket features and a ridge classifier.

    Why this one: the label checks fit a classifier on the real training series of a
    small data set, often several times per fit (per draw round, per fold), so it must
    be accurate with tens of series and fit in well under a second. MiniRocket
    (Dempster, Schmidt and Webb, 2021) with ``RidgeClassifierCV`` over
    ``alphas=np.logspace(-3, 3, 10)`` is the authors' setting for small data sets, is
    within a point or two of the best UCR classifiers and fits in a fraction of a
    second after numba's one-off compilation. Where MiniRocket cannot run (numba or
    sktime missing, or series shorter than 9 time points) a 1-nearest-neighbour
    classifier with the Euclidean distance on the flattened series, the classic UCR
    baseline, is used instead; ``method_`` says which.

    Parameters
    ----------
    num_kernels : int, default=10000
        MiniRocket's number of kernels (its default).
    random_state : int, RandomState instance or None, default=None
        Seeds MiniRocket's random biases.

    Attributes
    ----------
    method_ : {"minirocket_ridge", "1nn_euclidean"}
    classes_ : ndarray of shape (n_classes,)

    Examples
    --------
    >>> import numpy as np
    >>> from tsaugment.metrics import LabelFidelityClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = np.concatenate([rng.normal(0, 1, (10, 1, 5)), rng.normal(5, 1, (10, 1, 5))])
    >>> y = np.repeat(["a", "b"], 10)
    >>> clf = LabelFidelityClassifier().fit(X, y)
    >>> clf.method_, clf.score(X, y)
    ('1nn_euclidean', 1.0)
    """

    def __init__(self, *, num_kernels=10000, random_state=None):
        self.num_kernels = num_kernels
        self.random_state = random_state

    @classmethod
    def get_test_params(cls):
        """Tiny settings for the shared checks (``tsaugment.utils.estimator_checks``)."""
        return {"num_kernels": 84}

    def fit(self, X, y):
        """Fit on labelled series.

        Parameters
        ----------
        X : array-like of shape (n_cases, n_channels, n_timepoints) or (n_cases, n_timepoints)
        y : array-like of shape (n_cases,)

        Returns
        -------
        self : LabelFidelityClassifier
        """
        X, y = check_X_y(X, y)
        self.n_timepoints_ = X.shape[2]
        self.n_channels_ = X.shape[1]
        if X.shape[2] >= _MINIROCKET_MIN_LENGTH and _minirocket_available():
            from sktime.transformations.panel.rocket import MiniRocketMultivariate

            self.method_ = "minirocket_ridge"
            with torch_threads_kept():
                self.transform_ = MiniRocketMultivariate(
                    num_kernels=self.num_kernels,
                    random_state=seed_from_random_state(self.random_state),
                ).fit(X)
            self.estimator_ = RidgeClassifierCV(alphas=np.logspace(-3, 3, 10))
        else:
            self.method_ = "1nn_euclidean"
            self.transform_ = None
            self.estimator_ = KNeighborsClassifier(n_neighbors=1)
        self.estimator_.fit(self._features(X), y)
        self.classes_ = self.estimator_.classes_
        return self

    def _features(self, X) -> np.ndarray:
        if self.transform_ is None:
            return X.reshape(len(X), -1)
        with torch_threads_kept():
            return np.asarray(self.transform_.transform(X), dtype=np.float64)

    def predict(self, X):
        """Predicted labels.

        Parameters
        ----------
        X : array-like of shape (n_cases, n_channels, n_timepoints) or (n_cases, n_timepoints)

        Returns
        -------
        y_pred : ndarray of shape (n_cases,)
        """
        X = check_fitted_X(self, X)
        return self.estimator_.predict(self._features(X))

    def predict_proba(self, X):
        """Confidence per class.

        The ridge classifier has no probabilities: its confidence is the softmax of
        its decision values (for two classes, of ``-d`` and ``d``), monotone in the
        decision values but not calibrated. The 1-NN fallback gives 1 to the nearest
        neighbour's class and 0 elsewhere.

        Parameters
        ----------
        X : array-like of shape (n_cases, n_channels, n_timepoints) or (n_cases, n_timepoints)

        Returns
        -------
        proba : ndarray of shape (n_cases, n_classes)
            Columns in the order of ``classes_``; rows sum to 1.
        """
        features = self._features(check_fitted_X(self, X))
        if self.transform_ is None:
            return self.estimator_.predict_proba(features)
        scores = self.estimator_.decision_function(features)
        if scores.ndim == 1:
            scores = np.column_stack([-scores, scores])
        scores = scores - scores.max(axis=1, keepdims=True)
        weights = np.exp(scores)
        return weights / weights.sum(axis=1, keepdims=True)

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "estimator_")


class LabelFidelity(NamedTuple):
    """Result of :func:`label_fidelity`.

    Attributes
    ----------
    score : float
        Share of all synthetic series assigned to their intended class.
    per_class : dict
        Intended label -> share of that class's synthetic series assigned to it.
    """

    score: float
    per_class: dict

    def __str__(self) -> str:
        parts = ", ".join(f"{k!s}: {v:.3f}" for k, v in self.per_class.items())
        return f"{self.score:.4f} ({parts})"


def _check_sets(X_real, y_real, X_syn, y_syn):
    X_real, y_real = check_X_y(X_real, y_real, name="X_real", y_name="y_real")
    X_syn, y_syn = check_X_y(X_syn, y_syn, name="X_syn", y_name="y_syn")
    check_same_layout(X_syn, X_real.shape[1:], name="X_syn", what="X_real")
    unknown = np.setdiff1d(np.unique(y_syn), np.unique(y_real))
    if len(unknown):
        raise ValueError(
            f"y_syn has labels {unknown.tolist()} that y_real does not have; the synthetic "
            "series must be drawn for the real series' classes."
        )
    return X_real, y_real, X_syn, y_syn


def label_classifier(classifier=None, random_state=None):
    """The unfitted classifier of a label check: a clone of ``classifier``, or the default.

    Shared by the label metrics here and :class:`tsaugment.filtering.LabelFilter`.

    Parameters
    ----------
    classifier : scikit-learn or sktime classifier, optional
        Cloned (an sktime one wrapped for scikit-learn). Default:
        :class:`LabelFidelityClassifier`.
    random_state : int, RandomState instance or None, default=None
        Seeds the default classifier.

    Returns
    -------
    classifier : scikit-learn classifier
    """
    if classifier is None:
        return LabelFidelityClassifier(random_state=random_state)
    from ..classifiers import as_sklearn_classifier

    return clone(as_sklearn_classifier(classifier))


def _fitted(classifier, X, y, random_state):
    return label_classifier(classifier, random_state).fit(X, y)


def label_fidelity(X_real, y_real, X_syn, y_syn, *, classifier=None, random_state=None):
    """Share of synthetic series that a classifier of the real series puts in their class.

    A classifier is fitted on the real (training) series; each synthetic series is
    counted as faithful when it predicts the class the series was drawn for. 1 means
    every synthetic series looks like its class to the classifier; chance level is
    about ``1 / n_classes``. The classifier's own errors on real data bound what the
    score can show: compare with its accuracy on held-out real series.

    Parameters
    ----------
    X_real : array-like of shape (n_real, n_channels, n_timepoints) or (n_real, n_timepoints)
        Real training series (those the generator was fitted on, or any labelled real
        series of the same task).
    y_real : array-like of shape (n_real,)
    X_syn : array-like of shape (n_syn, n_channels, n_timepoints) or (n_syn, n_timepoints)
        Synthetic series, same channels and length.
    y_syn : array-like of shape (n_syn,)
        Their intended labels, all among ``y_real``'s.
    classifier : scikit-learn or sktime classifier, optional
        Cloned and fitted on the real series. Default: :class:`LabelFidelityClassifier`.
    random_state : int, RandomState instance or None, default=None
        Seeds the default classifier.

    Returns
    -------
    result : LabelFidelity
        ``result.score`` (float in [0, 1]) and ``result.per_class`` (label -> share,
        for each label present in ``y_syn``, in sorted order).

    Examples
    --------
    >>> import numpy as np
    >>> from tsaugment.metrics import label_fidelity
    >>> rng = np.random.default_rng(0)
    >>> X = np.concatenate([rng.normal(0, 1, (10, 1, 5)), rng.normal(5, 1, (10, 1, 5))])
    >>> y = np.repeat(["a", "b"], 10)
    >>> label_fidelity(X, y, X + 0.1, y).score
    1.0
    >>> label_fidelity(X, y, X, y[::-1]).per_class
    {'a': 0.0, 'b': 0.0}
    """
    X_real, y_real, X_syn, y_syn = _check_sets(X_real, y_real, X_syn, y_syn)
    clf = _fitted(classifier, X_real, y_real, random_state)
    hit = np.asarray(clf.predict(X_syn)) == y_syn
    per_class = {
        label.item() if hasattr(label, "item") else label: float(hit[y_syn == label].mean())
        for label in np.unique(y_syn)
    }
    return LabelFidelity(float(hit.mean()), per_class)


def tstr_score(X_real, y_real, X_syn, y_syn, *, classifier=None, random_state=None):
    """Train on synthetic, test on real: accuracy on real series of a synthetic-trained model.

    The TSTR protocol of Esteban, Hyland and Rätsch (2017): a classifier fitted on the
    synthetic set alone classifies real series; a synthetic set that carries its
    classes scores near the accuracy of a model trained on real data. Use real series
    the generator was *not* fitted on (a test split), or the score rewards a
    generator that copies its training series.

    Parameters
    ----------
    X_real : array-like of shape (n_real, n_channels, n_timepoints) or (n_real, n_timepoints)
        Real series to test on.
    y_real : array-like of shape (n_real,)
    X_syn : array-like of shape (n_syn, n_channels, n_timepoints) or (n_syn, n_timepoints)
        Synthetic series to train on (at least two classes).
    y_syn : array-like of shape (n_syn,)
    classifier : scikit-learn or sktime classifier, optional
        Default: :class:`LabelFidelityClassifier`.
    random_state : int, RandomState instance or None, default=None
        Seeds the default classifier.

    Returns
    -------
    accuracy : float

    Examples
    --------
    >>> import numpy as np
    >>> from tsaugment.metrics import tstr_score
    >>> rng = np.random.default_rng(0)
    >>> X = np.concatenate([rng.normal(0, 1, (10, 1, 5)), rng.normal(5, 1, (10, 1, 5))])
    >>> y = np.repeat(["a", "b"], 10)
    >>> tstr_score(X, y, X + 0.1, y)
    1.0
    """
    X_real, y_real, X_syn, y_syn = _check_sets(X_real, y_real, X_syn, y_syn)
    if len(np.unique(y_syn)) < 2:
        raise ValueError("tstr_score needs synthetic series of at least two classes.")
    clf = _fitted(classifier, X_syn, y_syn, random_state)
    return float(accuracy_score(y_real, clf.predict(X_real)))


def trts_score(X_real, y_real, X_syn, y_syn, *, classifier=None, random_state=None):
    """Train on real, test on synthetic: accuracy on synthetic series of a real-trained model.

    The reverse of :func:`tstr_score` (Esteban et al., 2017). With the same classifier
    it equals ``label_fidelity(...).score``; this form is kept for the literature's
    name.

    Parameters
    ----------
    X_real, y_real, X_syn, y_syn, classifier, random_state :
        As in :func:`label_fidelity`.

    Returns
    -------
    accuracy : float

    Examples
    --------
    >>> import numpy as np
    >>> from tsaugment.metrics import trts_score
    >>> rng = np.random.default_rng(0)
    >>> X = np.concatenate([rng.normal(0, 1, (10, 1, 5)), rng.normal(5, 1, (10, 1, 5))])
    >>> y = np.repeat(["a", "b"], 10)
    >>> trts_score(X, y, X[:3] + 0.1, y[:3])
    1.0
    """
    return label_fidelity(
        X_real, y_real, X_syn, y_syn, classifier=classifier, random_state=random_state
    ).score
