"""Evaluation of synthetic time series: the TimeGAN protocol and distribution statistics.

- :func:`discriminative_score` and :func:`predictive_score`: TimeGAN's post-hoc GRU
  scores (Yoon et al., 2019), reproduced so that figures compare with published tables.
- :class:`MetricResult`: mean, standard deviation and per-run scores of a repeated metric.
- :func:`distribution_table`, :func:`mmd`, :func:`correlation_score`,
  :func:`autocorrelation_score`: statistics that train nothing.
- :func:`label_fidelity`, :func:`tstr_score`, :func:`trts_score`: whether synthetic
  series still belong to their class (:class:`LabelFidelityClassifier` is the fast
  classifier they fit by default).
"""

from ._common import MetricResult, ScoreWarning
from ._discriminative import discriminative_score
from ._label_fidelity import (
    LabelFidelity,
    LabelFidelityClassifier,
    label_fidelity,
    trts_score,
    tstr_score,
)
from ._predictive import predictive_score
from ._statistics import autocorrelation_score, correlation_score, distribution_table, mmd

__all__ = [
    "LabelFidelity",
    "LabelFidelityClassifier",
    "ScoreWarning",
    "MetricResult",
    "autocorrelation_score",
    "correlation_score",
    "discriminative_score",
    "distribution_table",
    "label_fidelity",
    "mmd",
    "predictive_score",
    "trts_score",
    "tstr_score",
]
