"""Names the benchmark and the command line know: augmenters, classifiers, budgets.

The augmenters are not listed here: every generator class of the package declares its
name and how a budget maps onto its parameters, and the catalogue is read off the
classes (:func:`tsaugment.utils.all_estimators`)::

    class TimeWarpAugmenter(BaseGenerator):
        benchmark_name = "time_warp"   # the name in `tsaugment benchmark --augmenters`
        benchmark_budget = {}          # param -> budget key, or param -> callable(settings)

so a new generator reaches :data:`AUGMENTERS`, the command line's choices and every
script by existing. A generator written outside the package joins with
:func:`register`. Budgets scale the generators only: every classifier trains at its
default protocol in every budget; for quick runs its parameters are overridden
explicitly (``classifier_params``, ``tsaugment benchmark --set resnet.n_epochs=2``).
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from .._warnings import warn
from ..filtering import FILTERS

__all__ = [
    "AUGMENTERS",
    "CLASSIFIERS",
    "BUDGETS",
    "make_augmenter",
    "make_classifier",
    "parse_settings",
    "register",
    "unregister",
    "resolve_budget",
    "budget_search",
    "fidelity_budget",
    "has_budget",
    "check_names",
    "AUTO",
    "FILTER_SUFFIXES",
    "split_filter",
    "is_auto",
    "auto_search_classifier",
]

# Augmenter names beyond the catalogue (issue 20): "auto" chooses per cell by
# cross-validation (see tsaugment.selection); "auto:<classifier>" does so with that
# catalogue classifier scoring the candidates in place of the cell's (a cheap stand-in
# for a costly one); "<name>+label" is <name> with the label filter
# (tsaugment.filtering.LabelFilter) on its synthetic series, "<name>+realism" with the
# realism filter (tsaugment.filtering.RealismFilter), "<name>+label+realism" with both.
AUTO = "auto"
AUTO_SEPARATOR = ":"
# "+<filter>" for each filter name, longest first: "vae+label+realism" is vae with both
FILTER_SUFFIXES = {f"+{name}": name for name in sorted(FILTERS, key=len, reverse=True)}


def is_auto(name: str) -> bool:
    """Whether an augmenter name asks for the automatic choice (``auto`` or ``auto:X``).

    Examples
    --------
    >>> is_auto("auto"), is_auto("auto:rocket"), is_auto("jitter")
    (True, True, False)
    """
    return name == AUTO or name.startswith(AUTO + AUTO_SEPARATOR)


def auto_search_classifier(name: str):
    """The classifier that scores ``name``'s candidates: ``"rocket"`` for ``"auto:rocket"``.

    None for ``"auto"`` (the cell's own classifier scores them).

    Examples
    --------
    >>> auto_search_classifier("auto:rocket"), auto_search_classifier("auto")
    ('rocket', None)
    """
    if not is_auto(name):
        raise ValueError(f"{name!r} is not an automatic choice ('auto' or 'auto:<classifier>').")
    return None if name == AUTO else name[len(AUTO) + len(AUTO_SEPARATOR) :]


def split_filter(name: str) -> tuple[str, str | None]:
    """The generator and the filter an augmenter name asks for.

    Parameters
    ----------
    name : str

    Returns
    -------
    base : str
    filter : {"label", "realism", "label+realism"} or None

    Examples
    --------
    >>> split_filter("vae+label"), split_filter("aae+label+realism"), split_filter("jitter")
    (('vae', 'label'), ('aae', 'label+realism'), ('jitter', None))
    """
    for suffix, kind in FILTER_SUFFIXES.items():
        if name.endswith(suffix):
            return name[: -len(suffix)], kind
    return name, None


# Settings per budget, generator keys only. "iterations": optimiser steps per phase of
# the adversarial generators (papers: 8,000 AVATAR, 50,000 TimeGAN); "epochs": passes
# over the data of the epoch-trained generators (the VAE's method: 400). "search":
# the budget is chosen per cell from the data (see fidelity_budget); the generator is
# built at the listed settings first, so what the search does not set keeps them.
BUDGETS = {
    "smoke": {"iterations": 5, "epochs": 2},
    "small": {"iterations": 300, "epochs": 100},
    "medium": {"iterations": 2000, "epochs": 400},
    "full": {"iterations": 8000, "epochs": 400},
    "fidelity": {"iterations": 300, "epochs": 100, "search": "fidelity"},
}


@dataclass(frozen=True)
class Entry:
    """One name of the catalogue.

    Parameters
    ----------
    name : str
        The name on the command line.
    target : type or str
        The class, or ``"module:Class"`` imported when first built (so that a missing
        optional extra only fails the entry that needs it).
    budget : mapping
        Parameter name to a budget key (``"iterations"``, ``"epochs"``) or to a
        callable ``settings -> value``.
    fixed : mapping
        Parameters set to these values whatever the budget.
    summary : str
        One line for help texts.
    """

    name: str
    target: object
    budget: Mapping = field(default_factory=dict)
    fixed: Mapping = field(default_factory=dict)
    summary: str = ""

    def load(self) -> type:
        """The class, imported if it was given by path."""
        if isinstance(self.target, type):
            return self.target
        module_name, _, class_name = self.target.partition(":")
        try:
            return getattr(importlib.import_module(module_name), class_name)
        except (ImportError, AttributeError) as err:
            raise ValueError(
                f"{self.name!r} needs {self.target.replace(':', '.')}, which cannot be "
                f"imported here ({err}). Install the extra it needs or choose another."
            ) from err


def _summary(cls) -> str:
    doc = (cls.__doc__ or "").strip().splitlines()
    return doc[0].rstrip(".") if doc else cls.__name__


def _entry_of(cls) -> Entry:
    name = getattr(cls, "benchmark_name", None)
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(
            f"{cls.__name__} needs a class attribute benchmark_name (an identifier such "
            f"as 'time_warp'), got {name!r}."
        )
    budget = dict(getattr(cls, "benchmark_budget", {}) or {})
    for param, source in budget.items():
        if not (callable(source) or isinstance(source, str)):
            raise ValueError(
                f"{cls.__name__}.benchmark_budget[{param!r}] must be a budget key or a "
                f"callable(settings), got {source!r}."
            )
    return Entry(name, cls, budget, {}, _summary(cls))


_REGISTERED: dict[str, Entry] = {}


def register(cls, *, replace: bool = False) -> type:
    """Add a generator class to the catalogue (for classes outside tsaugment).

    The package's own generators are found without it. The class declares
    ``benchmark_name`` and ``benchmark_budget`` as the package's do; it is returned
    unchanged, so ``register`` also works as a class decorator. With a parallel or
    cluster backend the registered classes are sent to the workers with the cells.

    Parameters
    ----------
    cls : type
        A generator class (``fit`` / ``sample`` / ``transform``).
    replace : bool, default=False
        Replace an entry of the same name instead of refusing it.

    Returns
    -------
    cls : type

    Examples
    --------
    >>> from tsaugment import JitterAugmenter
    >>> from tsaugment.benchmark import AUGMENTERS, register
    >>> class LoudJitter(JitterAugmenter):
    ...     '''Jitter with ten times the noise.'''
    ...     benchmark_name = "loud_jitter"
    ...     def __init__(self, *, sigma=0.3, random_state=None):
    ...         super().__init__(sigma=sigma, random_state=random_state)
    >>> _ = register(LoudJitter)
    >>> "loud_jitter" in AUGMENTERS
    True
    >>> unregister("loud_jitter")
    """
    entry = _entry_of(cls)
    if entry.name in _REGISTERED and _REGISTERED[entry.name].target is cls:
        return cls  # already there (a worker is handed the classes with every cell)
    known = AUGMENTERS.get(entry.name)
    if known is not None and known.target is not cls and not replace:
        raise ValueError(
            f"the augmenter name {entry.name!r} is taken by {known.target!r}; pass "
            "replace=True or choose another benchmark_name."
        )
    _REGISTERED[entry.name] = entry
    AUGMENTERS._refresh()
    return cls


def unregister(name: str) -> None:
    """Remove a generator added with :func:`register` from the catalogue.

    Parameters
    ----------
    name : str
        Its ``benchmark_name``.
    """
    if name not in _REGISTERED:
        raise ValueError(f"{name!r} was not added with register(); added: {sorted(_REGISTERED)}.")
    del _REGISTERED[name]
    AUGMENTERS._refresh()


def registered_classes() -> list:
    """The classes added with :func:`register` (sent along to parallel workers)."""
    return [entry.target for entry in _REGISTERED.values()]


def _name_of(pair) -> str:
    return str(getattr(pair[1], "benchmark_name", None) or "")


class _Catalogue(Mapping):
    """The augmenters, read off the generator classes on first use."""

    def __init__(self):
        self._entries = None

    def _refresh(self) -> None:
        self._entries = None

    def _load(self) -> dict:
        if self._entries is None:
            from ..utils import all_estimators

            entries = {"none": Entry("none", None, summary="no augmentation (the baseline)")}
            for _, cls in sorted(all_estimators("generator"), key=_name_of):
                if vars(cls).get("benchmark_name") is None:
                    continue  # not a benchmark augmenter (a subclass must name itself)
                entry = _entry_of(cls)
                if entry.name in entries:
                    raise ValueError(
                        f"{cls.__name__} and {entries[entry.name].target.__name__} both "
                        f"declare benchmark_name = {entry.name!r}."
                    )
                entries[entry.name] = entry
            entries.update(_REGISTERED)
            self._entries = entries
        return self._entries

    def __getitem__(self, name):
        return self._load()[name]

    def __iter__(self):
        return iter(self._load())

    def __len__(self):
        return len(self._load())

    def __repr__(self):
        return f"AUGMENTERS({list(self)})"


#: The augmenters by name, ``"none"`` (the baseline) first, read off the classes.
AUGMENTERS = _Catalogue()


def _classifiers() -> dict:
    """The classifiers, kept by hand: sktime's live outside the package."""
    return {
        "resnet": Entry(
            "resnet", "tsaugment.classifiers:ResNetClassifier", summary="ResNet (Wang et al.)"
        ),
        "rocket": Entry(
            "rocket",
            "tsaugment.classifiers:MiniRocketClassifier",
            summary="MiniRocket + ridge (sktime's transform; needs numba)",
        ),
        "knn": Entry(
            "knn",
            "sktime.classification.distance_based:KNeighborsTimeSeriesClassifier",
            fixed={"distance": "euclidean"},
            summary="sktime 1-NN, Euclidean",
        ),
    }


#: The classifiers by name; each trains at its default protocol in every budget.
CLASSIFIERS = _classifiers()


def check_names(kind: str, names) -> list[str]:
    """Check names against a registry; raise a ValueError listing the known ones.

    Parameters
    ----------
    kind : {"augmenter", "classifier"}
    names : iterable of str

    Returns
    -------
    names : list of str

    Examples
    --------
    >>> check_names("classifier", ["knn"])
    ['knn']
    """
    registry = AUGMENTERS if kind == "augmenter" else CLASSIFIERS
    names = list(names)
    if kind == "augmenter":
        unknown = [
            n
            for n in names
            if not is_auto(n)
            and n not in registry
            and (split_filter(n)[0] not in registry or split_filter(n)[0] == "none")
        ]
        if unknown:
            raise ValueError(
                f"unknown augmenter(s) {unknown}; known: {sorted(registry)}, {AUTO!r} (chosen "
                f"per cell by cross-validation), {AUTO}{AUTO_SEPARATOR}<classifier> (chosen "
                "with that classifier scoring the candidates), <name>+label (label-"
                "filtered), <name>+realism (realism-filtered) and <name>+label+realism."
            )
        stand_ins = {auto_search_classifier(n) for n in names if is_auto(n)} - {None}
        unknown = sorted(stand_ins - set(CLASSIFIERS))
        if unknown:
            raise ValueError(
                f"unknown classifier(s) {unknown} after '{AUTO}{AUTO_SEPARATOR}'; known: "
                f"{sorted(CLASSIFIERS)}."
            )
        return names
    unknown = [n for n in names if n not in registry]
    if unknown:
        raise ValueError(f"unknown {kind}(s) {unknown}; known: {sorted(registry)}.")
    return names


def resolve_budget(budget) -> dict:
    """Settings of a named budget, or of a number of adversarial iterations.

    Parameters
    ----------
    budget : {"smoke", "small", "medium", "full", "fidelity"} or int
        A number sets the adversarial iterations per phase and scales the epochs with
        it (``iterations // 20``, between 2 and 400). ``"fidelity"`` chooses each
        learned generator's budget per data set and seed by the held-out label
        fidelity of its samples (:func:`fidelity_budget`); what the search does not
        set stays at ``"small"``'s settings.

    Returns
    -------
    settings : dict
        ``{"iterations": int, "epochs": int}``, and ``"search": "fidelity"`` for the
        budget chosen from the data.

    Examples
    --------
    >>> resolve_budget("small")
    {'iterations': 300, 'epochs': 100}
    >>> resolve_budget(1000)
    {'iterations': 1000, 'epochs': 50}
    """
    if isinstance(budget, str) and budget.isdigit():
        budget = int(budget)
    if isinstance(budget, int) and not isinstance(budget, bool):
        if budget < 1:
            raise ValueError(f"a numeric budget must be positive, got {budget}.")
        return {"iterations": budget, "epochs": max(2, min(400, budget // 20))}
    if budget not in BUDGETS:
        raise ValueError(f"unknown budget {budget!r}; use one of {sorted(BUDGETS)} or a number.")
    return dict(BUDGETS[budget])


def budget_search(settings: dict, seed: int):
    """The unfitted budget search a budget asks for, or None for a fixed budget.

    Parameters
    ----------
    settings : dict
        From :func:`resolve_budget`.
    seed : int

    Returns
    -------
    search : FidelityBudgetSearch or None
        For ``"fidelity"``: :class:`tsaugment.early_stopping.FidelityBudgetSearch` at its
        defaults (10 to 640 passes over the training part, doubling, every budget, a
        quarter held out), ``random_state=seed``, its ``generator`` left to be set.

    Examples
    --------
    >>> budget_search(resolve_budget("small"), 0) is None
    True
    >>> budget_search(resolve_budget("fidelity"), 0).max_passes
    640
    """
    from ..early_stopping import FidelityBudgetSearch

    if settings.get("search") is None:
        return None
    if settings["search"] != "fidelity":
        raise ValueError(f"unknown budget search {settings['search']!r}; known: 'fidelity'.")
    return FidelityBudgetSearch(None, random_state=seed)


def has_budget(generator) -> bool:
    """Whether a budget search can set the generator's training length.

    Parameters
    ----------
    generator : tsaugment generator, estimator or None

    Returns
    -------
    bool
        True for a generator with ``n_iter`` or ``n_epochs`` (the learned ones).

    Examples
    --------
    >>> has_budget(make_augmenter("vae", resolve_budget("small"), 0))
    True
    >>> has_budget(make_augmenter("jitter", resolve_budget("small"), 0)), has_budget(None)
    (False, False)
    """
    from ..early_stopping import budget_parameter

    return budget_parameter(generator) is not None


def fidelity_budget(generator, settings: dict, X, y, seed: int):
    """``generator`` at the budget its budget setting asks for, chosen on ``(X, y)``.

    With a fixed budget, or a generator without ``n_iter`` or ``n_epochs`` (the classic
    augmenters), the generator comes back as it is. With ``"fidelity"``,
    :func:`budget_search` fits it at growing budgets on three quarters of ``(X, y)``
    and keeps the budget whose samples the held-out quarter's classifier puts in their
    class most often; a data set with a class of one series cannot be held out from,
    so it keeps the listed budget (``passes`` None).

    Parameters
    ----------
    generator : tsaugment generator
        Unfitted, as :func:`make_augmenter` built it.
    settings : dict
        From :func:`resolve_budget`.
    X : ndarray of shape (n_cases, n_channels, n_timepoints)
    y : ndarray of shape (n_cases,)
    seed : int

    Returns
    -------
    generator : tsaugment generator
        Unfitted, at the chosen budget.
    passes : float or None
        Passes over all of ``X`` the chosen budget makes; None when nothing was chosen.
    seconds : float
        Time of the search.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).normal(size=(8, 1, 6)); y = np.repeat([0, 1], 4)
    >>> jitter = make_augmenter("jitter", resolve_budget("fidelity"), 0)
    >>> fidelity_budget(jitter, resolve_budget("fidelity"), X, y, 0)[1:]
    (None, 0.0)
    """
    search = budget_search(settings, seed)
    if search is None or not has_budget(generator):
        return generator, None, 0.0
    return run_budget_search(search, generator, X, y)


def run_budget_search(search, generator, X, y):
    """:func:`fidelity_budget`'s search itself, given the search and a learned generator.

    For a caller that has built the search already (the benchmark keys its memory of
    searches by it); returns what :func:`fidelity_budget` returns.
    """
    classes, counts = np.unique(y, return_counts=True)
    if counts.min() < 2:
        warn(
            f"class(es) {classes[counts < 2].tolist()} have a single series: the fidelity "
            f"budget search needs two per class (one to fit, one to judge), so "
            f"{type(generator).__name__} keeps its listed budget.",
            UserWarning,
        )
        return generator, None, 0.0
    start = time.perf_counter()
    search.set_params(generator=generator).fit(X, y)
    return search.best_generator_, float(search.best_passes_), time.perf_counter() - start


def _build(entry: Entry, kind: str, settings: dict, seed: int, params):
    cls = entry.load()
    values = dict(entry.fixed)
    for param, source in entry.budget.items():
        if callable(source):
            values[param] = source(settings)
        elif source in settings:
            values[param] = settings[source]
        else:
            raise ValueError(
                f"{kind} {entry.name!r} maps {param!r} onto the budget key {source!r}, "
                f"which budgets do not have (they have {sorted(settings)})."
            )
    values.update(params or {})
    known = cls().get_params(deep=False)
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ValueError(
            f"{kind} {entry.name!r} ({cls.__name__}) has no parameter(s) {unknown}; "
            f"it has {sorted(known)}."
        )
    estimator = cls(**values)
    if "random_state" in known and "random_state" not in values:
        estimator.set_params(random_state=seed)
    return estimator


def make_augmenter(name: str, settings: dict, seed: int, *, params=None):
    """Build the generator registered as ``name`` (``None`` for ``"none"``).

    A filtered name (``"<name>+label"``, ``"<name>+realism"``,
    ``"<name>+label+realism"``) builds ``<name>``'s generator (the grid adds the filter).

    Parameters
    ----------
    name : str
    settings : dict
        From :func:`resolve_budget`.
    seed : int
        The generator's ``random_state``.
    params : dict, optional
        Other parameters, set after the budget's (``{"device": "cuda"}``).

    Returns
    -------
    generator or None

    Examples
    --------
    >>> make_augmenter("vae", resolve_budget("smoke"), seed=0).n_epochs
    2
    """
    check_names("augmenter", [name])
    if is_auto(name):
        raise ValueError(
            f"{AUTO!r} is a choice among generators, not a generator: use it in the "
            "benchmark grid or through tsaugment.AutoAugmentedClassifier."
        )
    name = split_filter(name)[0]  # the filter is applied where the series are drawn
    if name == "none":
        return None
    return _build(AUGMENTERS[name], "augmenter", settings, seed, params)


def make_classifier(name: str, seed: int = 0, *, params=None):
    """Build the classifier registered as ``name``, adapted to scikit-learn.

    The classifier trains at its default protocol; budgets never change it.

    Parameters
    ----------
    name : str
    seed : int, default=0
        Its ``random_state``, where it takes one.
    params : dict, optional
        Parameters to override, e.g. ``{"n_epochs": 2}`` for a quick ResNet in a
        smoke run (results then measure that classifier, not the default one).

    Returns
    -------
    classifier : scikit-learn compatible classifier

    Examples
    --------
    >>> make_classifier("resnet", 0, params={"n_epochs": 2}).n_epochs
    2
    """
    check_names("classifier", [name])
    clf = _build(CLASSIFIERS[name], "classifier", {}, seed, params)
    from ..classifiers import as_sklearn_classifier

    return as_sklearn_classifier(clf)


def _literal(value: str):
    import ast

    try:
        return ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return value


def parse_settings(items, *, scoped: bool = False) -> dict:
    """Read ``NAME=VALUE`` (or ``SCOPE.NAME=VALUE``) items, values as Python literals.

    Parameters
    ----------
    items : iterable of str
        Such as ``["n_epochs=2", "device='cpu'"]``; a value that is not a literal stays
        text (``device=cpu``).
    scoped : bool, default=False
        Items name a scope first (``resnet.n_epochs=2``): the result is then
        ``{scope: {name: value}}``.

    Returns
    -------
    settings : dict

    Examples
    --------
    >>> parse_settings(["n_epochs=2", "device=cpu"])
    {'n_epochs': 2, 'device': 'cpu'}
    >>> parse_settings(["resnet.n_epochs=2"], scoped=True)
    {'resnet': {'n_epochs': 2}}
    """
    out: dict = {}
    for item in items:
        name, sep, value = str(item).partition("=")
        if not sep or not name:
            raise ValueError(f"settings take NAME=VALUE, got {item!r}.")
        if scoped:
            scope, dot, param = name.partition(".")
            if not dot or not scope or not param:
                raise ValueError(f"settings take SCOPE.NAME=VALUE, got {item!r}.")
            out.setdefault(scope, {})[param] = _literal(value)
        else:
            out[name] = _literal(value)
    return out
