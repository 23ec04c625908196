"""Generators: estimators with ``fit`` / ``sample`` / ``transform``."""

from ._classic import (
    JitterAugmenter,
    MagnitudeWarpAugmenter,
    ScalingAugmenter,
    WindowSliceAugmenter,
    WindowWarpAugmenter,
)
from ._vae import LatentVAEAugmenter

__all__ = [
    "JitterAugmenter",
    "LatentVAEAugmenter",
    "MagnitudeWarpAugmenter",
    "ScalingAugmenter",
    "WindowSliceAugmenter",
    "WindowWarpAugmenter",
]
