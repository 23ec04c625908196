"""Package attributes imported on first use (PEP 562).

Importing a package then loads only what is asked for: the classic augmenters and the
generator contract load without torch.
"""

from __future__ import annotations

import importlib

__all__ = ["lazy_exports"]


def lazy_exports(package: str, exports: dict[str, str]):
    """``__getattr__`` and ``__dir__`` for a package whose names live in submodules.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    exports : dict of str to str
        Public name -> module (relative to ``package``) that defines it.

    Returns
    -------
    __getattr__, __dir__ : callables
        To assign at the package's top level.
    """
    namespace = importlib.import_module(package).__dict__

    def __getattr__(name: str):
        if name in exports:
            value = getattr(importlib.import_module(exports[name], package), name)
            namespace[name] = value  # later look-ups skip this function
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__():
        return sorted({*namespace, *exports})

    return __getattr__, __dir__
