"""The report's plots: gains per data set, and the critical-difference diagram.

Both draw on a bare :class:`matplotlib.figure.Figure`, so that a report never touches
pyplot's global state or the user's backend.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["plot_gain", "plot_critical_difference"]


def plot_gain(gain: pd.DataFrame, path: Path) -> None:
    """Gain per data set and augmenter as a heat map, one panel per classifier.

    Blue is a gain, red a loss (the colour scale is symmetric about 0); "+" and "-"
    mark the data sets where the seeds call it a win or a loss.
    """
    from matplotlib.figure import Figure

    if gain.empty:
        return
    classifiers = sorted(gain["classifier"].unique())
    datasets = sorted(gain["dataset"].unique())
    augmenters = sorted(gain["augmenter"].unique())
    limit = max(float(gain["gain"].abs().max()), 1e-3)
    fig = Figure(
        figsize=(2 + 0.45 * len(augmenters) * len(classifiers), 1.5 + 0.22 * len(datasets))
    )
    axes = fig.subplots(1, len(classifiers), squeeze=False, sharey=True)[0]
    for ax, clf in zip(axes, classifiers):
        group = gain[gain["classifier"] == clf]
        table = group.pivot(index="dataset", columns="augmenter", values="gain")
        table = table.reindex(index=datasets, columns=augmenters)
        image = ax.imshow(table.to_numpy(), cmap="RdBu", vmin=-limit, vmax=limit, aspect="auto")
        marks = group.pivot(index="dataset", columns="augmenter", values="verdict")
        marks = marks.reindex(index=datasets, columns=augmenters)
        for i, j in zip(*np.nonzero(marks.isin(["win", "loss"]).to_numpy())):
            ax.text(j, i, "+" if marks.iat[i, j] == "win" else "-", ha="center", va="center")
        ax.set_xticks(range(len(augmenters)), augmenters, rotation=90, fontsize=8)
        ax.set_yticks(range(len(datasets)), datasets, fontsize=8)
        ax.set_title(clf, fontsize=9)
    fig.colorbar(image, ax=list(axes), label="accuracy gain over the baseline (seed mean)")
    fig.savefig(path, dpi=100, bbox_inches="tight")


def plot_critical_difference(tables: dict, path: Path) -> None:
    """Demšar's critical-difference diagram per classifier (scikit-posthocs).

    Methods joined by a bar are not told apart by the Nemenyi test at alpha = 0.05.
    """
    import scikit_posthocs as sp
    from matplotlib.figure import Figure

    friedman = tables["friedman"].set_index("classifier")
    drawn = [c for c, m in tables["matrices"].items() if m.shape[0] >= 2 and m.shape[1] >= 2]
    if not drawn:
        return
    fig = Figure(
        figsize=(8, 0.5 + (1.2 + 0.25 * len(tables["matrices"][drawn[0]].columns)) * len(drawn))
    )
    axes = fig.subplots(len(drawn), 1, squeeze=False)[:, 0]
    for ax, clf in zip(axes, drawn):
        matrix = tables["matrices"][clf]
        ranks = matrix.rank(axis=1, ascending=False).mean()
        significance = sp.posthoc_nemenyi_friedman(matrix.reset_index(drop=True))
        extra = {"cd": friedman.loc[clf, "cd"]} if "cd" in _diagram_params(sp) else {}
        sp.critical_difference_diagram(ranks, significance, ax=ax, **extra)
        ax.set_title(
            f"{clf}: average ranks over {matrix.shape[0]} data sets "
            f"(CD = {friedman.loc[clf, 'cd']:.2f})",
            fontsize=9,
        )
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def _diagram_params(sp) -> set:
    """Keywords of scikit-posthocs' diagram.

    ``cd``, the bar of the critical difference, came in 2026; older versions draw the
    diagram without it.
    """
    import inspect

    return set(inspect.signature(sp.critical_difference_diagram).parameters)
