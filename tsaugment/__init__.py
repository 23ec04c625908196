"""tsaugment: generative time-series augmentation in the scikit-learn style.

Data convention: ``X`` is an array of shape ``(n_cases, n_channels, n_timepoints)``;
a 2D array ``(n_cases, n_timepoints)`` is taken as univariate.
"""

__version__ = "0.1.0.dev0"

from .generators import (  # noqa: E402
    AAEGenerator,
    AvatarGenerator,
    JitterAugmenter,
    LatentVAEAugmenter,
    MagnitudeWarpAugmenter,
    ScalingAugmenter,
    TimeGANGenerator,
    WindowSliceAugmenter,
    WindowWarpAugmenter,
)

__all__ = [
    "__version__",
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

from .classifiers import ResNetClassifier  # noqa: E402

__all__ += ["ResNetClassifier"]

from .augment import AugmentedClassifier, Augmenter  # noqa: E402

__all__ += ["Augmenter", "AugmentedClassifier"]
