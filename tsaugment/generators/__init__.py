"""Generators: estimators with ``fit`` / ``sample`` / ``transform``."""

from ._classic import (
    JitterAugmenter,
    MagnitudeWarpAugmenter,
    ScalingAugmenter,
    WindowSliceAugmenter,
    WindowWarpAugmenter,
)

__all__ = [
    "JitterAugmenter",
    "MagnitudeWarpAugmenter",
    "ScalingAugmenter",
    "WindowSliceAugmenter",
    "WindowWarpAugmenter",
]
