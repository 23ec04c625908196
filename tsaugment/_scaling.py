"""Per-channel min-max scaling, as TimeGAN and AVATAR apply before training."""

from __future__ import annotations

import numpy as np

__all__ = ["ChannelMinMaxScaler"]


class ChannelMinMaxScaler:
    """Scale each channel to [0, 1] over all series and time points, and back.

    TimeGAN's reference code divides by ``max - min + 1e-7``; the same small constant
    keeps constant channels finite here.

    Parameters
    ----------
    eps : float, default=1e-7
        Added to the range of every channel.

    Attributes
    ----------
    min_ : ndarray of shape (n_channels,)
    range_ : ndarray of shape (n_channels,)
        ``max - min + eps`` per channel.
    """

    def __init__(self, eps: float = 1e-7):
        self.eps = eps

    def fit(self, X: np.ndarray) -> ChannelMinMaxScaler:
        """Learn the per-channel minimum and range.

        Parameters
        ----------
        X : ndarray of shape (n_cases, n_channels, n_timepoints)

        Returns
        -------
        self
        """
        X64 = np.asarray(X, dtype=np.float64)
        self.min_ = X64.min(axis=(0, 2))
        self.range_ = X64.max(axis=(0, 2)) - self.min_ + self.eps
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        """Scale to [0, 1] (float32, the networks' dtype).

        Parameters
        ----------
        X : ndarray of shape (n_cases, n_channels, n_timepoints)

        Returns
        -------
        X_scaled : ndarray of shape (n_cases, n_channels, n_timepoints), float32
        """
        out = (np.asarray(X, dtype=np.float64) - self.min_[:, None]) / self.range_[:, None]
        return out.astype(np.float32)

    def inverse_transform(self, X: np.ndarray, dtype=np.float64) -> np.ndarray:
        """Map scaled values back to the original scale.

        Parameters
        ----------
        X : ndarray of shape (n_cases, n_channels, n_timepoints)
        dtype : numpy dtype, default=float64
            Dtype of the result (the caller's).

        Returns
        -------
        X_original : ndarray of shape (n_cases, n_channels, n_timepoints)
        """
        out = np.asarray(X, dtype=np.float64) * self.range_[:, None] + self.min_[:, None]
        return out.astype(dtype, copy=False)
