"""tsaugment: generative time-series augmentation in the scikit-learn style.

Data convention: ``X`` is an array of shape ``(n_cases, n_channels, n_timepoints)``;
a 2D array ``(n_cases, n_timepoints)`` is taken as univariate.
"""

__version__ = "0.1.0.dev0"

__all__ = ["__version__"]
from .generators import AAEGenerator, AvatarGenerator  # noqa: E402

__all__ += ["AAEGenerator", "AvatarGenerator"]
from .generators import TimeGANGenerator  # noqa: E402

__all__ += ["TimeGANGenerator"]
