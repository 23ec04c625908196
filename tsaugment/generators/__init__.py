"""Generators: estimators with ``fit`` / ``sample`` / ``transform``.

Each generator lives in its own module and is exported here, once (one line of
``_EXPORTS``): the package's top level re-exports these names, and the benchmark reads
its ``benchmark_name`` off the class. Imported on first use, so that the classic
augmenters load without torch.
"""

from __future__ import annotations

from .._lazy import lazy_exports

# public name -> module that defines it
_EXPORTS = {
    "AAEGenerator": "._aae",
    "AvatarGenerator": "._avatar",
    "DiffusionTSGenerator": "._diffusion_ts",
    "JitterAugmenter": "._classic",
    "LatentVAEAugmenter": "._vae",
    "MagnitudeWarpAugmenter": "._classic",
    "PermutationAugmenter": "._permutation",
    "ScalingAugmenter": "._classic",
    "TimeGANGenerator": "._timegan",
    "TimeWarpAugmenter": "._time_warp",
    "WindowSliceAugmenter": "._classic",
    "WindowWarpAugmenter": "._classic",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
