"""Find every public estimator of the package.

The shared test suite runs its checks over them, and the benchmark reads its catalogue
of augmenters off the generator classes found here.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from sklearn.base import BaseEstimator

__all__ = ["all_estimators"]

_SKIP_PACKAGES = ("tsaugment.tests", "tsaugment.benchmark", "tsaugment.cli")


def all_estimators(kind: str | None = None) -> list[tuple[str, type]]:
    """List the public, concrete estimator classes of tsaugment.

    Walks every module of the package, so a new estimator is found as soon as its
    module exists: no list is kept by hand.

    Parameters
    ----------
    kind : {"generator", "classifier", "sampler"} or None, default=None
        Keep only generators (subclasses of ``BaseGenerator``), classifiers
        (``ClassifierMixin``) or samplers (estimators with ``fit_resample``).

    Returns
    -------
    estimators : list of (name, class), sorted by name
    """
    import tsaugment
    from tsaugment.base import BaseGenerator

    found: dict[str, type] = {}
    for info in pkgutil.walk_packages(tsaugment.__path__, prefix="tsaugment."):
        if info.name.startswith(_SKIP_PACKAGES):
            continue
        try:
            module = importlib.import_module(info.name)
        except ImportError:  # an optional extra is not installed
            continue
        for name, obj in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(obj, BaseEstimator)
                and obj.__module__.startswith("tsaugment")
                and not name.startswith("_")
                and not name.startswith("Base")
                and not inspect.isabstract(obj)
            ):
                found[name] = obj
    kinds = {
        None: lambda c: True,
        "generator": lambda c: issubclass(c, BaseGenerator),
        "classifier": lambda c: (
            getattr(c, "_estimator_type", None) == "classifier" or hasattr(c, "predict_proba")
        ),
        "sampler": lambda c: hasattr(c, "fit_resample"),
    }
    if kind not in kinds:
        raise ValueError(f"kind must be one of {list(kinds)}, got {kind!r}.")
    return sorted((n, c) for n, c in found.items() if kinds[kind](c))
