"""Utilities: estimator discovery and the shared estimator checks.

:func:`all_estimators` lists the package's estimators; the checks every estimator
passes live in :mod:`tsaugment.utils.estimator_checks`.
"""

from .discovery import all_estimators

__all__ = ["all_estimators"]
