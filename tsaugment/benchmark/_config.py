"""A short, deterministic fingerprint of the configuration a benchmark cell runs with.

A cell's key names its data set, augmenter, classifier, seed, ratio, budget and
overrides, not the estimators' defaults: after an upgrade that changes one (a
classifier's training protocol, a generator's budget mapping) the same key would run
another experiment. The results file records, per row, a fingerprint of the cell's
estimators as built (after budget resolution and overrides) and of the package
version, and a resumed run counts a row as done only when the fingerprint matches.
Computing it builds the estimators and reads their parameters; nothing is fitted.
"""

from __future__ import annotations

import hashlib

import numpy as np

__all__ = ["canonical", "data_fingerprint", "fingerprint", "IGNORED_PARAMS"]

# parameters that say where or how loudly a cell runs, not what it computes (a cell's
# key does not name its device either), and random_state, which the benchmark sets
# from the cell's seed (in its key): so the fingerprint is the same for every seed and
# data set of a method, and tells apart rows of different protocols in one file
IGNORED_PARAMS = frozenset({"device", "verbose", "n_jobs", "random_state"})


def canonical(value) -> str:
    """A text that names ``value`` the same way in every process and on every machine.

    An estimator (anything with ``get_params``) is written as its class name and its
    parameters (``deep=False``, sorted, estimators inside them written the same way,
    :data:`IGNORED_PARAMS` left out); containers element by element; floats by
    ``repr``; arrays by shape, dtype and a hash of their bytes; classes and functions
    by module and name; any other object by its ``repr`` unless that holds a memory
    address, then by its type.

    Parameters
    ----------
    value : object

    Returns
    -------
    text : str

    Examples
    --------
    >>> from tsaugment import JitterAugmenter
    >>> canonical(JitterAugmenter(sigma=0.05))
    'JitterAugmenter(sigma=0.05)'
    """
    if hasattr(value, "get_params") and not isinstance(value, type):
        params = value.get_params(deep=False)
        inner = ",".join(
            f"{k}={canonical(v)}" for k, v in sorted(params.items()) if k not in IGNORED_PARAMS
        )
        return f"{type(value).__name__}({inner})"
    if isinstance(value, dict):
        items = sorted((canonical(k), canonical(v)) for k, v in value.items())
        return "{" + ",".join(f"{k}:{v}" for k, v in items) + "}"
    if isinstance(value, (list, tuple)):
        inner = ",".join(canonical(v) for v in value)
        return f"[{inner}]" if isinstance(value, list) else f"({inner})"
    if isinstance(value, np.ndarray):
        digest = hashlib.sha1(np.ascontiguousarray(value).tobytes()).hexdigest()[:12]
        return f"array({value.shape},{value.dtype},{digest})"
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, type) or callable(value):
        name = getattr(value, "__qualname__", type(value).__qualname__)
        return f"{getattr(value, '__module__', '')}.{name}"
    text = repr(value)
    return type(value).__qualname__ if " at 0x" in text else text


def fingerprint(parts: dict) -> str:
    """The first 12 hex digits of the SHA-1 of ``canonical(parts)``.

    Parameters
    ----------
    parts : dict
        What the configuration consists of (estimators, settings, the version).

    Returns
    -------
    fingerprint : str

    Examples
    --------
    >>> from tsaugment import JitterAugmenter
    >>> a = fingerprint({"augmenter": JitterAugmenter(sigma=0.05)})
    >>> a == fingerprint({"augmenter": JitterAugmenter(sigma=0.05)}), len(a)
    (True, 12)
    >>> a == fingerprint({"augmenter": JitterAugmenter(sigma=0.1)})
    False
    """
    return hashlib.sha1(canonical(parts).encode("utf-8")).hexdigest()[:12]


def data_fingerprint(X, y) -> str:
    """SHA-1 hex digest of the training series' bytes and their labels (as text)."""
    digest = hashlib.sha1(np.ascontiguousarray(X).tobytes())
    digest.update(np.asarray(y).astype(str).tobytes())
    return digest.hexdigest()
