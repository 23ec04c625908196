"""Generators: estimators with ``fit`` / ``sample`` / ``transform``.

Imported on first use, so that the classic augmenters load without torch.
"""

from __future__ import annotations

import importlib

# public name -> module that defines it
_EXPORTS = {
    "AAEGenerator": "._aae",
    "AvatarGenerator": "._avatar",
    "JitterAugmenter": "._classic",
    "LatentVAEAugmenter": "._vae",
    "MagnitudeWarpAugmenter": "._classic",
    "ScalingAugmenter": "._classic",
    "TimeGANGenerator": "._timegan",
    "WindowSliceAugmenter": "._classic",
    "WindowWarpAugmenter": "._classic",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name], __name__), name)
        globals()[name] = value  # later look-ups skip this function
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted({*globals(), *_EXPORTS})
