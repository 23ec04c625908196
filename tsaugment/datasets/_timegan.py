"""The TimeGAN benchmark data: Sines and Stocks, prepared as the reference code does."""

from __future__ import annotations

from importlib import resources

import numpy as np

__all__ = ["make_sines", "load_stocks"]


def make_sines(n_samples=10000, seq_len=24, n_channels=5, random_state=None):
    """Generate TimeGAN's sine benchmark.

    For every series and channel, a frequency ``f`` and a phase ``p`` are drawn from
    U(0, 0.1) and the channel is ``sin(f * t + p)`` for ``t = 0 .. seq_len - 1``,
    rescaled from [-1, 1] to [0, 1] by ``(x + 1) / 2``, as in the TimeGAN code.

    Parameters
    ----------
    n_samples : int, default=10000
        Number of series.
    seq_len : int, default=24
        Length of every series.
    n_channels : int, default=5
        Channels (independent sines) per series.
    random_state : None, int or numpy.random.Generator, default=None
        Seed of the draw.

    Returns
    -------
    X : ndarray of shape (n_samples, n_channels, seq_len), float64, in [0, 1]

    Examples
    --------
    >>> from tsaugment.datasets import make_sines
    >>> make_sines(n_samples=3, random_state=0).shape
    (3, 5, 24)
    """
    for name, value in (("n_samples", n_samples), ("seq_len", seq_len), ("n_channels", n_channels)):
        if int(value) != value or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}.")
    rng = np.random.default_rng(random_state)
    freq = rng.uniform(0, 0.1, size=(n_samples, n_channels, 1))
    phase = rng.uniform(0, 0.1, size=(n_samples, n_channels, 1))
    t = np.arange(seq_len, dtype=np.float64)
    return (np.sin(freq * t + phase) + 1.0) * 0.5


def load_stocks(seq_len=24):
    """Load TimeGAN's Google stock benchmark as overlapping windows.

    The bundled CSV (Open, High, Low, Close, Adj_Close, Volume; 3,685 daily rows) is
    prepared as TimeGAN's ``real_data_loading`` does: rows reversed, each column
    min-max scaled to [0, 1] (dividing by ``max - min + 1e-7``), then cut into windows
    of ``seq_len`` rows with stride 1. The file is in chronological order (2004 first),
    so after TimeGAN's reversal every window runs backwards in time, newest day first
    (the Diffusion-TS code keeps the file's order; ``X[..., ::-1]`` gives its windows).
    The windows are returned in the reversed file's order; shuffle them where order
    matters.

    Parameters
    ----------
    seq_len : int, default=24
        Window length.

    Returns
    -------
    X : ndarray of shape (3685 - seq_len, 6, seq_len), float64, in [0, 1]
        With the default, 3,661 windows. Channels in the order above.

    Examples
    --------
    >>> from tsaugment.datasets import load_stocks
    >>> load_stocks().shape
    (3661, 6, 24)
    """
    if int(seq_len) != seq_len or seq_len < 1:
        raise ValueError(f"seq_len must be a positive integer, got {seq_len!r}.")
    source = resources.files("tsaugment.datasets").joinpath("data/stock_data.csv")
    with resources.as_file(source) as path:
        data = np.loadtxt(path, delimiter=",", skiprows=1)
    if seq_len >= len(data):
        raise ValueError(f"seq_len must be below {len(data)} (the number of rows).")
    data = data[::-1]
    data = (data - data.min(axis=0)) / (data.max(axis=0) - data.min(axis=0) + 1e-7)
    windows = np.lib.stride_tricks.sliding_window_view(data, seq_len, axis=0)
    # sliding_window_view gives (n_windows, n_channels, seq_len); TimeGAN stops one
    # window short of the end (range(0, len(data) - seq_len)).
    return np.ascontiguousarray(windows[: len(data) - seq_len])
