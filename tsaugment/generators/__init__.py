"""Generators: estimators with ``fit`` / ``sample`` / ``transform``.

Imported on first use, so that the classic augmenters load without torch.
"""

from __future__ import annotations

from .._lazy import lazy_exports

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

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
