"""Evaluation of synthetic time series: the TimeGAN protocol and distribution statistics."""

from ._statistics import autocorrelation_score, correlation_score, distribution_table, mmd

__all__ = ["autocorrelation_score", "correlation_score", "distribution_table", "mmd"]
