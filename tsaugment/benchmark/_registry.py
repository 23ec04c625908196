"""Names the benchmark and the command line know: augmenters, classifiers, budgets.

Everything is resolved lazily by import path, so a piece that is missing (an optional
extra, say) gives a clear error naming what is needed, and the others still run.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

__all__ = [
    "AUGMENTERS",
    "CLASSIFIERS",
    "BUDGETS",
    "make_augmenter",
    "make_classifier",
    "resolve_budget",
    "check_names",
]

# Settings per budget. "iterations": optimiser steps per phase of the adversarial
# generators (papers: 8,000 AVATAR, 50,000 TimeGAN); "vae_epochs" (method: 400);
# "resnet_epochs" (published: 1,500, early stopping on a validation split);
# "rocket_kernels" (MiniRocket's default: 10,000).
BUDGETS = {
    "smoke": {"iterations": 5, "vae_epochs": 2, "resnet_epochs": 2, "rocket_kernels": 84},
    "small": {"iterations": 300, "vae_epochs": 100, "resnet_epochs": 300, "rocket_kernels": 2000},
    "medium": {
        "iterations": 2000,
        "vae_epochs": 400,
        "resnet_epochs": 600,
        "rocket_kernels": 10000,
    },
    "full": {"iterations": 8000, "vae_epochs": 400, "resnet_epochs": 1500, "rocket_kernels": 10000},
}


@dataclass(frozen=True)
class _Spec:
    target: str  # "module:Class"
    params: tuple  # ((name, budget key or literal), ...)
    summary: str


# (name, budget key) pairs: a str value names a budget entry; literals are tuples.
AUGMENTERS = {
    "none": _Spec("", (), "no augmentation (the baseline)"),
    "jitter": _Spec("tsaugment:JitterAugmenter", (), "Gaussian noise"),
    "scaling": _Spec("tsaugment:ScalingAugmenter", (), "random per-channel scaling"),
    "magnitude_warp": _Spec("tsaugment:MagnitudeWarpAugmenter", (), "smooth magnitude warping"),
    "window_warp": _Spec("tsaugment:WindowWarpAugmenter", (), "window warping"),
    "window_slice": _Spec("tsaugment:WindowSliceAugmenter", (), "window slicing"),
    "vae": _Spec("tsaugment:LatentVAEAugmenter", (("n_epochs", "vae_epochs"),), "VAE latent noise"),
    "timegan": _Spec("tsaugment:TimeGANGenerator", (("n_iter", "iterations"),), "TimeGAN"),
    "avatar": _Spec("tsaugment:AvatarGenerator", (("n_iter", "iterations"),), "AVATAR"),
    "aae": _Spec("tsaugment:AAEGenerator", (("n_iter", "iterations"),), "adversarial AE"),
}

CLASSIFIERS = {
    "resnet": _Spec(
        "tsaugment:ResNetClassifier", (("n_epochs", "resnet_epochs"),), "ResNet (Wang et al.)"
    ),
    "rocket": _Spec(
        "sktime.classification.kernel_based:RocketClassifier",
        (("num_kernels", "rocket_kernels"), ("rocket_transform", ("minirocket",))),
        "sktime MiniRocket (needs numba)",
    ),
    "knn": _Spec(
        "sktime.classification.distance_based:KNeighborsTimeSeriesClassifier",
        (("distance", ("euclidean",)),),
        "sktime 1-NN, Euclidean",
    ),
}


def check_names(kind: str, names) -> list[str]:
    """Check names against a registry; raise a ValueError listing the known ones.

    Parameters
    ----------
    kind : {"augmenter", "classifier"}
    names : iterable of str

    Returns
    -------
    names : list of str
    """
    registry = AUGMENTERS if kind == "augmenter" else CLASSIFIERS
    names = list(names)
    unknown = [n for n in names if n not in registry]
    if unknown:
        raise ValueError(f"unknown {kind}(s) {unknown}; known: {sorted(registry)}.")
    return names


def resolve_budget(budget) -> dict:
    """Settings of a named budget, or of a number of adversarial iterations.

    Parameters
    ----------
    budget : {"smoke", "small", "medium", "full"} or int
        A number sets the adversarial iterations per phase and scales the epoch counts
        with it (VAE and ResNet at least 2 epochs).

    Returns
    -------
    settings : dict
    """
    if isinstance(budget, str) and budget.isdigit():
        budget = int(budget)
    if isinstance(budget, int) and not isinstance(budget, bool):
        if budget < 1:
            raise ValueError(f"a numeric budget must be positive, got {budget}.")
        return {
            "iterations": budget,
            "vae_epochs": max(2, min(400, budget // 20)),
            "resnet_epochs": max(2, min(1500, budget // 5)),
            "rocket_kernels": 10000,
        }
    if budget not in BUDGETS:
        raise ValueError(f"unknown budget {budget!r}; use one of {sorted(BUDGETS)} or a number.")
    return dict(BUDGETS[budget])


def _build(spec: _Spec, name: str, kind: str, settings: dict, seed: int):
    module_name, _, class_name = spec.target.partition(":")
    try:
        cls = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError) as err:
        raise ValueError(
            f"{kind} {name!r} needs {spec.target.replace(':', '.')}, which cannot be "
            f"imported here ({err}). Install the extra it needs or choose another."
        ) from err
    params = {}
    for param, source in spec.params:
        params[param] = source[0] if isinstance(source, tuple) else settings[source]
    if "random_state" in cls().get_params():
        params["random_state"] = seed
    return cls(**params)


def make_augmenter(name: str, settings: dict, seed: int):
    """Build the generator registered as ``name`` (``None`` for ``"none"``).

    Parameters
    ----------
    name : str
    settings : dict
        From :func:`resolve_budget`.
    seed : int

    Returns
    -------
    generator or None
    """
    check_names("augmenter", [name])
    if name == "none":
        return None
    return _build(AUGMENTERS[name], name, "augmenter", settings, seed)


def make_classifier(name: str, settings: dict, seed: int):
    """Build the classifier registered as ``name``, adapted to scikit-learn.

    Parameters
    ----------
    name : str
    settings : dict
        From :func:`resolve_budget`.
    seed : int

    Returns
    -------
    classifier : scikit-learn compatible classifier
    """
    check_names("classifier", [name])
    clf = _build(CLASSIFIERS[name], name, "classifier", settings, seed)
    from ..classifiers import as_sklearn_classifier

    return as_sklearn_classifier(clf)
