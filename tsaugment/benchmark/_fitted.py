"""Fitted generators shared, within one process, by cells that would fit the same one.

A grid with ``"<name>"`` and ``"<name>+label"`` fits the generator of a data set and
seed twice with the same parameters, seeds and training series: the label filter acts
only after the fit. Cells run data set by data set, seed by seed, so the two cells of a
pair run one after the other in a worker, and the second can take a copy of the
first's fitted generator. The copy is made right after the fit, before anything is
sampled, so the second cell starts from exactly the state a fresh fit would leave
(on the same device and torch thread count, which the key holds).
"""

from __future__ import annotations

import copy
import hashlib
import sys
from collections import OrderedDict

import numpy as np

from ._config import canonical

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
        """A copy of the fitted generator and its fit time, or None."""
        saved = self._fits.get(_key(generator, X, y))
        if saved is None:
            return None
        fitted, fit_time = saved
        return copy.deepcopy(fitted), fit_time

    def save(self, generator, X, y, fitted, fit_time) -> None:
        """Keep a copy of ``fitted``, the fit of ``generator`` on ``(X, y)``."""
        key = _key(generator, X, y)
        self._fits[key] = (copy.deepcopy(fitted), float(fit_time))
        self._fits.move_to_end(key)
        while len(self._fits) > self.capacity:
            self._fits.popitem(last=False)


def _key(generator, X, y) -> str:
    torch = sys.modules.get("torch")  # not imported: no torch generator to fit
    threads = torch.get_num_threads() if torch is not None else None
    params = generator.get_params(deep=True)
    placed = {k: v for k, v in params.items() if k.split("__")[-1] in ("random_state", "device")}
    digest = hashlib.sha1(np.ascontiguousarray(X).tobytes())
    digest.update(np.asarray(y).astype(str).tobytes())
    parts = (canonical(generator), canonical(placed), threads, X.shape)
    return canonical(parts) + digest.hexdigest()
