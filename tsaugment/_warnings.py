"""Warnings that point at the user's line, however deep inside tsaugment they arise.

``warnings.warn(..., stacklevel=n)`` with a fixed ``n`` is right for one call path
only: the same warning reached through ``Augmenter.fit_resample``,
``AugmentedClassifier.fit`` or a scikit-learn pipeline would name a line of tsaugment
or of scikit-learn, and a user's ``warnings.filterwarnings(..., module=...)`` would not
match it. :func:`warn` names the first frame outside tsaugment and the libraries that
call into it (scikit-learn, imbalanced-learn, joblib), as pandas does for its own.
(The compiled-loop loader, ``tsaugment.nn._native``, keeps a fixed level: it runs
with the standard library alone, loaded as a file.)
"""

from __future__ import annotations

import sys
import warnings

__all__ = ["warn"]

# modules whose frames are passed over: ours, and the libraries that call our fit
_INTERNAL = ("tsaugment", "sklearn", "imblearn", "joblib")
# frames that start a worker or a program: no user code lies above them
_RUNNERS = ("multiprocessing", "concurrent", "threading", "runpy", "ray", "distributed")


def _external_stacklevel() -> int:
    """The ``stacklevel`` that makes a warning name the caller's first frame outside.

    Counted for a ``warnings.warn`` called in the function that calls this one. Where
    no user code is on the stack (a joblib, Dask or Ray worker), the outermost
    tsaugment frame.
    """
    frame = sys._getframe(1)  # the function about to warn: stacklevel 1
    level = outermost_ours = 1
    while frame is not None:
        top = frame.f_globals.get("__name__", "").partition(".")[0]
        if top == "tsaugment":
            outermost_ours = level
        elif top in _RUNNERS:
            return outermost_ours
        elif top not in _INTERNAL:
            return level
        frame = frame.f_back
        level += 1
    return outermost_ours


def warn(message: str, category: type[Warning] = UserWarning) -> None:
    """``warnings.warn`` attributed to the first frame outside tsaugment.

    Parameters
    ----------
    message : str
    category : Warning subclass, default=UserWarning

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn("a problem")
    >>> str(caught[0].message)
    'a problem'
    """
    warnings.warn(message, category, stacklevel=_external_stacklevel())
