"""Classifiers: ResNet and the adapter that makes sktime classifiers scikit-learn ones."""

from ._resnet import ResNetClassifier

__all__ = ["ResNetClassifier"]
