"""The shared suite of checks, run over every tsaugment estimator.

The checks live in :mod:`tsaugment.utils.estimator_checks` (a generator written
outside the package runs the same ones, see ``tests/test_estimator_checks.py``).
Estimators are discovered (``tsaugment.utils.all_estimators``), never listed by hand:
a new estimator joins the suite by existing. Each provides tiny settings through the
classmethod ``get_test_params()``.
"""

from __future__ import annotations

from tsaugment.utils import all_estimators
from tsaugment.utils.estimator_checks import (
    get_test_params,
    make_test_data,
    parametrize_with_checks,
)

ALL = all_estimators()
make_data = make_test_data  # the name older test files import from here


def test_discovery_finds_estimators_of_every_kind():
    names = [name for name, _ in ALL]
    assert names == sorted(set(names))
    for kind in ("generator", "classifier", "sampler"):
        assert all_estimators(kind), f"no {kind} found"
    for name, cls in ALL:
        assert hasattr(cls, "get_test_params"), (
            f"{name}: define the classmethod get_test_params (a private _get_test_params "
            "is only read as a fallback, for estimators outside the package)"
        )


@parametrize_with_checks([cls(**get_test_params(cls)) for _, cls in ALL])
def test_estimator(estimator, check):
    check(estimator)
