"""Classifiers: ResNet, MiniRocket and the adapter for sktime classifiers."""

from ._minirocket import MiniRocketClassifier
from ._resnet import ResNetClassifier
from ._sktime import SktimeClassifier, as_sklearn_classifier, is_sktime_estimator

__all__ = [
    "MiniRocketClassifier",
    "ResNetClassifier",
    "SktimeClassifier",
    "as_sklearn_classifier",
    "is_sktime_estimator",
]
