"""Generators: estimators with ``fit`` / ``sample`` / ``transform``."""

from ._aae import AAEGenerator
from ._avatar import AvatarGenerator
from ._classic import (
    JitterAugmenter,
    MagnitudeWarpAugmenter,
    ScalingAugmenter,
    WindowSliceAugmenter,
    WindowWarpAugmenter,
)
from ._timegan import TimeGANGenerator
from ._vae import LatentVAEAugmenter

__all__ = [
    "AAEGenerator",
    "AvatarGenerator",
    "JitterAugmenter",
    "LatentVAEAugmenter",
    "MagnitudeWarpAugmenter",
    "ScalingAugmenter",
    "TimeGANGenerator",
    "WindowSliceAugmenter",
    "WindowWarpAugmenter",
]
