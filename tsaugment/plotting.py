"""Plots of real against synthetic series (matplotlib; every function returns a Figure).

Nothing here opens a window: figures are created with ``matplotlib.figure.Figure``
directly (no pyplot state), so they work under any backend, in scripts, notebooks and
tests; save them with ``fig.savefig(path)`` or display them in a notebook.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ._validation import check_pair

__all__ = ["plot_embedding", "plot_kde", "plot_samples", "plot_trajectories_3d"]

_REAL, _SYNTH = "tab:red", "tab:blue"


def plot_embedding(X_real, X_synth, method="pca", *, n_samples=1000, random_state=0):
    """2D PCA or t-SNE of real and synthetic series, as in the TimeGAN paper.

    As TimeGAN's visualisation does, up to ``n_samples`` series are drawn from each
    set, each series is averaged over its channels (one vector of ``n_timepoints``
    values), PCA is fitted on the real series (t-SNE on both together), and the two
    sets are drawn in different colours.

    Parameters
    ----------
    X_real, X_synth : array-like of shape (n, n_channels, n_timepoints)
    method : {"pca", "tsne"}, default="pca"
    n_samples : int, default=1000
    random_state : int, default=0

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    from sklearn.decomposition import PCA
    from sklearn.manifold import TSNE

    if method not in ("pca", "tsne"):
        raise ValueError(f"method must be 'pca' or 'tsne', got {method!r}.")
    X_real, X_synth = check_pair(X_real, X_synth, dtype=np.float64)
    rng = np.random.default_rng(random_state)
    n = min(n_samples, len(X_real), len(X_synth))
    real = X_real[rng.permutation(len(X_real))[:n]].mean(axis=1)
    synth = X_synth[rng.permutation(len(X_synth))[:n]].mean(axis=1)
    if method == "pca":
        pca = PCA(n_components=2, random_state=random_state).fit(real)
        emb_real, emb_synth = pca.transform(real), pca.transform(synth)
    else:
        perplexity = float(min(40, max(2, (2 * n - 1) // 3)))
        tsne = TSNE(n_components=2, perplexity=perplexity, init="pca", random_state=random_state)
        both = tsne.fit_transform(np.concatenate([real, synth]))
        emb_real, emb_synth = both[:n], both[n:]
    fig = Figure(figsize=(5, 4.5))
    ax = fig.add_subplot()
    ax.scatter(*emb_real.T, s=8, alpha=0.3, c=_REAL, label="real")
    ax.scatter(*emb_synth.T, s=8, alpha=0.3, c=_SYNTH, label="synthetic")
    name = "PCA" if method == "pca" else "t-SNE"
    ax.set(title=f"{name} of real and synthetic series", xlabel=f"{name} 1", ylabel=f"{name} 2")
    ax.legend()
    fig.tight_layout()
    return fig


def plot_kde(X_real, X_synth, *, channel_names=None, n_points=200):
    """Kernel density of every channel's values, real against synthetic.

    Parameters
    ----------
    X_real, X_synth : array-like of shape (n, n_channels, n_timepoints)
    channel_names : list of str, optional
    n_points : int, default=200
        Grid points of each density curve.

    Returns
    -------
    fig : matplotlib.figure.Figure
        One panel per channel; the title gives the overlap of the two densities
        (the integral of their minimum: 1 for identical distributions).
    """
    from scipy.integrate import trapezoid
    from scipy.stats import gaussian_kde

    X_real, X_synth = check_pair(X_real, X_synth, dtype=np.float64)
    n_channels = X_real.shape[1]
    names = channel_names or [f"channel {c}" for c in range(n_channels)]
    fig = Figure(figsize=(3.2 * min(n_channels, 4), 2.8 * int(np.ceil(n_channels / 4))))
    for c in range(n_channels):
        ax = fig.add_subplot(int(np.ceil(n_channels / 4)), min(n_channels, 4), c + 1)
        real, synth = X_real[:, c].ravel(), X_synth[:, c].ravel()
        grid = np.linspace(min(real.min(), synth.min()), max(real.max(), synth.max()), n_points)
        curves = []
        for values, colour, label in ((real, _REAL, "real"), (synth, _SYNTH, "synthetic")):
            if np.ptp(values) == 0:
                density = np.zeros_like(grid)
            else:
                sample = values[np.random.default_rng(0).permutation(len(values))[:20000]]
                density = gaussian_kde(sample)(grid)
            curves.append(density)
            ax.plot(grid, density, color=colour, label=label)
            ax.fill_between(grid, density, color=colour, alpha=0.15)
        overlap = trapezoid(np.minimum(*curves), grid) if len(grid) > 1 else 1.0
        ax.set(title=f"{names[c]} (overlap {overlap:.2f})", yticks=[])
    fig.axes[0].legend(fontsize="small")
    fig.tight_layout()
    return fig


def plot_samples(X_real, X_synth, *, y_real=None, y_synth=None, n_per_class=5, random_state=0):
    """A grid of real series beside synthetic ones, per class when labels are given.

    Parameters
    ----------
    X_real, X_synth : array-like of shape (n, n_channels, n_timepoints)
    y_real, y_synth : array-like of shape (n,), optional
        Labels; with both, one row per class.
    n_per_class : int, default=5
        Series drawn in each panel.
    random_state : int, default=0

    Returns
    -------
    fig : matplotlib.figure.Figure
        Rows are classes (or one row), columns real and synthetic; all channels of a
        series share a panel, one colour per channel.
    """
    X_real, X_synth = check_pair(X_real, X_synth, dtype=np.float64)
    rng = np.random.default_rng(random_state)
    if y_real is not None and y_synth is not None:
        y_real, y_synth = np.asarray(y_real), np.asarray(y_synth)
        classes = [c for c in np.unique(y_real) if c in set(y_synth.tolist())]
        groups = [(c, np.flatnonzero(y_real == c), np.flatnonzero(y_synth == c)) for c in classes]
    else:
        groups = [(None, np.arange(len(X_real)), np.arange(len(X_synth)))]
    fig = Figure(figsize=(8, 2.2 * len(groups)))
    axes = fig.subplots(len(groups), 2, sharex=True, sharey=True, squeeze=False)
    colours = [f"C{c % 10}" for c in range(X_real.shape[1])]
    for row, (label, idx_real, idx_synth) in enumerate(groups):
        for col, (X, idx, kind) in enumerate(
            ((X_real, idx_real, "real"), (X_synth, idx_synth, "synthetic"))
        ):
            ax = axes[row, col]
            for i in rng.permutation(idx)[:n_per_class]:
                for c in range(X.shape[1]):
                    ax.plot(X[i, c], color=colours[c], alpha=0.6, linewidth=1)
            title = kind if label is None else f"{kind}, class {label}"
            ax.set_title(title, fontsize="small")
    fig.tight_layout()
    return fig


def plot_trajectories_3d(X_real, X_synth, *, channels=(0, 1), n_series=20, random_state=0):
    """Series as 3D trajectories: time against two channels, real and synthetic.

    Parameters
    ----------
    X_real, X_synth : array-like of shape (n, n_channels, n_timepoints)
        At least two channels.
    channels : tuple of two int, default=(0, 1)
    n_series : int, default=20
        Trajectories drawn from each set.
    random_state : int, default=0

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    X_real, X_synth = check_pair(X_real, X_synth, dtype=np.float64)
    if X_real.shape[1] < 2:
        raise ValueError("plot_trajectories_3d needs at least two channels.")
    a, b = channels
    if not (0 <= a < X_real.shape[1] and 0 <= b < X_real.shape[1]):
        raise ValueError(f"channels {channels} out of range for {X_real.shape[1]} channels.")
    rng = np.random.default_rng(random_state)
    t = np.arange(X_real.shape[2])
    fig = Figure(figsize=(10, 4.5))
    for k, (X, colour, title) in enumerate(
        ((X_real, _REAL, "real"), (X_synth, _SYNTH, "synthetic"))
    ):
        ax = fig.add_subplot(1, 2, k + 1, projection="3d")
        for i in rng.permutation(len(X))[:n_series]:
            ax.plot(t, X[i, a], X[i, b], color=colour, alpha=0.5, linewidth=1)
        ax.set(title=title, xlabel="time", ylabel=f"channel {a}", zlabel=f"channel {b}")
    fig.tight_layout()
    return fig
