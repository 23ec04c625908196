"""The UCR augmentation benchmark: grid runner, results store and report.

The augmenters it knows are read off the generator classes (their ``benchmark_name``
and ``benchmark_budget``); :func:`register` adds one written outside the package.
"""

from ._auto_report import (
    auto_choices,
    auto_report,
    best_per_dataset,
    filter_effect,
    label_fidelity_table,
)
from ._grid import BACKENDS, Cell, cell_config, run_benchmark, run_cell, synthetic_path
from ._reference import read_reference, reference_check
from ._registry import (
    AUGMENTERS,
    BUDGETS,
    CLASSIFIERS,
    fidelity_budget,
    make_augmenter,
    make_classifier,
    parse_settings,
    register,
    resolve_budget,
    unregister,
)
from ._report import PROTOCOL, summarise, write_report
from ._stats import (
    bootstrap_mean_interval,
    detectable_gain,
    friedman_test,
    holm,
    nemenyi_cd,
    seed_verdict,
    wilcoxon_p,
)
from ._store import ResultsStore

__all__ = [
    "AUGMENTERS",
    "PROTOCOL",
    "BACKENDS",
    "BUDGETS",
    "CLASSIFIERS",
    "Cell",
    "cell_config",
    "auto_choices",
    "auto_report",
    "best_per_dataset",
    "filter_effect",
    "fidelity_budget",
    "label_fidelity_table",
    "bootstrap_mean_interval",
    "detectable_gain",
    "friedman_test",
    "holm",
    "ResultsStore",
    "make_augmenter",
    "make_classifier",
    "nemenyi_cd",
    "parse_settings",
    "register",
    "read_reference",
    "reference_check",
    "resolve_budget",
    "run_benchmark",
    "run_cell",
    "seed_verdict",
    "summarise",
    "synthetic_path",
    "unregister",
    "wilcoxon_p",
    "write_report",
]
