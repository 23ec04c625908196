"""The UCR augmentation benchmark: grid runner, results store and report.

The augmenters it knows are read off the generator classes (their ``benchmark_name``
and ``benchmark_budget``); :func:`register` adds one written outside the package.
"""

from ._auto_report import auto_choices, auto_report, best_per_dataset, label_fidelity_table
from ._grid import BACKENDS, Cell, run_benchmark, run_cell, synthetic_path
from ._registry import (
    AUGMENTERS,
    BUDGETS,
    CLASSIFIERS,
    make_augmenter,
    make_classifier,
    parse_settings,
    register,
    resolve_budget,
    unregister,
)
from ._report import nemenyi_cd, summarise, write_report
from ._store import ResultsStore

__all__ = [
    "AUGMENTERS",
    "BACKENDS",
    "BUDGETS",
    "CLASSIFIERS",
    "Cell",
    "auto_choices",
    "auto_report",
    "best_per_dataset",
    "label_fidelity_table",
    "ResultsStore",
    "make_augmenter",
    "make_classifier",
    "nemenyi_cd",
    "parse_settings",
    "register",
    "resolve_budget",
    "run_benchmark",
    "run_cell",
    "summarise",
    "synthetic_path",
    "unregister",
    "write_report",
]
