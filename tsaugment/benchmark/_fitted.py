"""Fitted generators shared, within one process, by cells that would fit the same one.

A grid with ``"<name>"`` and ``"<name>+label"`` (or ``"<name>+realism"``) fits the
generator of a data set and seed twice with the same parameters, seeds and training
series: the filter acts only after the fit. Cells run data set by data set, seed by
seed, so the two cells of a pair run one after the other in a worker, and the second
can take a copy of the first's fitted generator. The copy is made right after the fit,
before anything is sampled, so the second cell starts from exactly the state a fresh
fit would leave (on the same device and torch thread count, which the key holds).
"""

from __future__ import annotations

import copy
import sys
from collections import OrderedDict

import numpy as np

from ._config import canonical, data_fingerprint

__all__ = ["FittedGenerators"]


class FittedGenerators:
    """The last ``capacity`` fitted generators, keyed by what determines their fit.

    The ``generator_cache`` of :func:`tsaugment.augment.fit_augmented`. The key is the
    unfitted generator's class and parameters (its seeds and device included), the
    torch thread count, and a hash of the training series and labels.

    Parameters
    ----------
    capacity : int, default=2
        Fitted generators kept (the oldest is dropped first).

    Examples
    --------
    >>> import numpy as np
    >>> from tsaugment import JitterAugmenter
    >>> cache = FittedGenerators()
    >>> X, y = np.zeros((4, 1, 8)), np.array([0, 0, 1, 1])
    >>> gen = JitterAugmenter(random_state=0)
    >>> cache.load(gen, X, y) is None
    True
    >>> cache.save(gen, X, y, JitterAugmenter(random_state=0).fit(X, y), 0.01)
    >>> fitted, fit_time = cache.load(JitterAugmenter(random_state=0), X, y)
    >>> fit_time, cache.load(JitterAugmenter(random_state=1), X, y)
    (0.01, None)
    """

    def __init__(self, capacity: int = 2):
        self.capacity = capacity
        self._fits: OrderedDict[str, tuple] = OrderedDict()

    def load(self, generator, X, y):
        """A copy of the fit of ``generator`` on ``(X, y)`` kept here, or None.

        Parameters
        ----------
        generator : tsaugment generator
            Unfitted, with its seeds set.
        X : ndarray of shape (n_cases, n_channels, n_timepoints)
        y : ndarray of shape (n_cases,)

        Returns
        -------
        fitted_and_time : tuple of (generator, float) or None
            A deep copy of the fitted generator and the seconds its fit took.
        """
        key = _key(generator, X, y)
        saved = None if key is None else self._fits.get(key)
        if saved is None:
            return None
        self._fits.move_to_end(key)
        fitted, fit_time = saved
        return copy.deepcopy(fitted), fit_time

    def save(self, generator, X, y, fitted, fit_time) -> None:
        """Keep a deep copy of ``fitted``, the fit of ``generator`` on ``(X, y)``.

        Nothing is kept for a fit that cannot be told apart from others by its
        parameters: an unseeded one, or one with a function among its parameters.

        Parameters
        ----------
        generator : tsaugment generator
            As it was before the fit (its parameters make the key).
        X : ndarray of shape (n_cases, n_channels, n_timepoints)
        y : ndarray of shape (n_cases,)
        fitted : tsaugment generator
            The fitted generator, before anything was sampled from it.
        fit_time : float
        """
        key = _key(generator, X, y)
        if key is None:
            return
        self._fits[key] = (copy.deepcopy(fitted), float(fit_time))
        self._fits.move_to_end(key)
        while len(self._fits) > self.capacity:
            self._fits.popitem(last=False)


def _key(generator, X, y) -> str | None:
    """What determines the fit, or None when its parameters cannot say (not shared)."""
    params = generator.get_params(deep=True)
    seeds = [v for k, v in params.items() if k.split("__")[-1] == "random_state"]
    if not seeds or any(s is None or not isinstance(s, (int, np.integer)) for s in seeds):
        return None  # unseeded (or seeded by a generator object): each fit is its own
    if any(callable(v) and not hasattr(v, "get_params") for v in params.values()):
        return None  # canonical writes a function by its name only
    # canonical names classes by name: a class redefined in a session is another one
    classes = sorted(
        f"{type(v).__module__}.{type(v).__qualname__}#{id(type(v))}"
        for v in (generator, *params.values())
        if hasattr(v, "get_params")
    )
    torch = sys.modules.get("torch")  # not imported: no torch generator to fit
    threads = torch.get_num_threads() if torch is not None else None
    placed = {k: v for k, v in params.items() if k.split("__")[-1] in ("random_state", "device")}
    X, y = np.asarray(X), np.asarray(y)
    parts = (canonical(generator), canonical(placed), classes, threads, X.shape, X.dtype, y.dtype)
    return canonical(parts) + data_fingerprint(X, y)
