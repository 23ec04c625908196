"""tsaugment: generative time-series augmentation in the scikit-learn style.

Data convention: ``X`` is an array of shape ``(n_cases, n_channels, n_timepoints)``;
a 2D array ``(n_cases, n_timepoints)`` is taken as univariate.

The public names below are imported on first use, so that ``import tsaugment`` (and
the torch-free parts: ``tsaugment.base``, the classic augmenters' module) does not
load torch.
"""

from __future__ import annotations

from ._lazy import lazy_exports
from .generators import __all__ as _generator_names

__version__ = "0.1.0.dev0"

# public name -> module that defines it; every generator is re-exported, so a new one
# is exported once, in tsaugment.generators
_EXPORTS = {
    **dict.fromkeys(_generator_names, ".generators"),
    "ResNetClassifier": ".classifiers",
    "Augmenter": ".augment",
    "AugmentedClassifier": ".augment",
    "AutoAugmentedClassifier": ".selection",
    "CombinedFilter": ".filtering",
    "LabelFilter": ".filtering",
    "RealismFilter": ".filtering",
}

__all__ = ["__version__", *_EXPORTS]

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
