"""Classifiers: ResNet and the adapter that makes sktime classifiers scikit-learn ones."""

from ._resnet import ResNetClassifier
from ._sktime import SktimeClassifier, as_sklearn_classifier, is_sktime_estimator

__all__ = ["ResNetClassifier", "SktimeClassifier", "as_sklearn_classifier", "is_sktime_estimator"]
