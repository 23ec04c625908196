"""The UCR augmentation benchmark: grid runner, results store and report."""

from ._grid import BACKENDS, Cell, run_benchmark, run_cell, synthetic_path
from ._registry import (
    AUGMENTERS,
    BUDGETS,
    CLASSIFIERS,
    make_augmenter,
    make_classifier,
    resolve_budget,
)
from ._report import nemenyi_cd, summarise, write_report
from ._store import ResultsStore

__all__ = [
    "AUGMENTERS",
    "BACKENDS",
    "BUDGETS",
    "CLASSIFIERS",
    "Cell",
    "ResultsStore",
    "make_augmenter",
    "make_classifier",
    "nemenyi_cd",
    "resolve_budget",
    "run_benchmark",
    "run_cell",
    "summarise",
    "synthetic_path",
    "write_report",
]
