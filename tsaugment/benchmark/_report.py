"""The benchmark report: accuracy tables, gains, wins/ties/losses, ranks and plots.

Definitions, so that figures mean the same in every report:

- accuracy per data set, augmenter and classifier: mean ± standard deviation over
  seeds (population std);
- gain: augmented minus baseline accuracy, paired by seed, then averaged;
- win / tie / loss of an augmenter on a data set: its seed-averaged gain is above
  ``+tie``, within ``±tie``, or below ``-tie`` (``tie`` = 0.005, half a percentage
  point, unless given);
- ranks: per data set and classifier, the augmenters (baseline included) ranked by
  seed-averaged accuracy (1 = best, ties share the mean rank), averaged over the data
  sets on which every augmenter of that classifier has a result (the Friedman and
  Nemenyi tests need complete blocks: a method missing on a hard data set would
  otherwise be ranked on easier ground); the critical difference is Nemenyi's at
  alpha = 0.05 (Demšar, 2006), over those data sets.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["summarise", "write_report", "nemenyi_cd"]

# Studentized range statistic / sqrt(2) for alpha = 0.05, k = 2..10 (Demšar, 2006).
_Q_ALPHA_05 = [1.960, 2.343, 2.569, 2.728, 2.850, 2.949, 3.031, 3.102, 3.164]


def nemenyi_cd(n_methods: int, n_datasets: int) -> float:
    """Nemenyi critical difference of average ranks at alpha = 0.05.

    Parameters
    ----------
    n_methods : int
        Methods compared (2 to 10).
    n_datasets : int
        Data sets they are ranked on.

    Returns
    -------
    cd : float
    """
    if not 2 <= n_methods <= 10:
        return float("nan")
    q = _Q_ALPHA_05[n_methods - 2]
    return q * np.sqrt(n_methods * (n_methods + 1) / (6.0 * n_datasets))


def summarise(results: pd.DataFrame, tie: float = 0.005) -> dict[str, pd.DataFrame]:
    """Tables of a results frame (see the module docstring for the definitions).

    Parameters
    ----------
    results : pandas.DataFrame
        Rows of :class:`tsaugment.benchmark.ResultsStore` (status "ok" are used).
    tie : float, default=0.005
        Half-width of the tie band for wins/ties/losses.

    Returns
    -------
    tables : dict
        ``"accuracy"`` (mean ± std per data set, classifier, augmenter),
        ``"gain"`` (seed-paired gain per data set), ``"wtl"`` (per classifier and
        augmenter: mean gain, wins, ties, losses), ``"ranks"`` (average ranks over
        the complete data sets, with their number in ``"n_datasets"``), ``"left_out"``
        (per classifier, the data sets left out of the ranks and the augmenters
        missing there).
    """
    ok = results[results["status"] == "ok"].copy()
    ok["accuracy"] = ok["accuracy"].astype(float)
    keys = ["dataset", "classifier", "augmenter"]
    stats = ok.groupby(keys)["accuracy"].agg(["mean", lambda s: s.std(ddof=0), "count"])
    stats.columns = ["mean", "std", "n_seeds"]
    stats = stats.reset_index()

    base = ok[ok["augmenter"] == "none"][["dataset", "classifier", "seed", "accuracy"]]
    paired = ok[ok["augmenter"] != "none"].merge(
        base, on=["dataset", "classifier", "seed"], suffixes=("", "_baseline")
    )
    paired["gain"] = paired["accuracy"] - paired["accuracy_baseline"]
    gain = paired.groupby(keys)["gain"].mean().reset_index()

    def _wtl(group):
        return pd.Series(
            {
                "mean_gain": group["gain"].mean(),
                "wins": int((group["gain"] > tie).sum()),
                "ties": int((group["gain"].abs() <= tie).sum()),
                "losses": int((group["gain"] < -tie).sum()),
                "n_datasets": len(group),
            }
        )

    wtl = (
        gain.groupby(["classifier", "augmenter"])[["gain"]]
        .apply(_wtl)
        .astype({"wins": int, "ties": int, "losses": int, "n_datasets": int})
        .reset_index()
        if len(gain)
        else pd.DataFrame(columns=["classifier", "augmenter", "mean_gain", "wins", "ties"])
    )
    # every augmenter recorded for a classifier, failed or not, must be there
    expected = results.groupby("classifier")["augmenter"].agg(set).to_dict()
    present = stats.groupby(["dataset", "classifier"])["augmenter"].agg(set)
    left_out: dict[str, list[str]] = {}
    complete_blocks = set()
    for (dataset, clf), names in present.items():
        missing = sorted(expected[clf] - names)
        if missing:
            left_out.setdefault(clf, []).append(f"{dataset} (no {', '.join(missing)})")
        else:
            complete_blocks.add((dataset, clf))
    for clf in set(expected) - set(stats["classifier"]):  # no successful cell at all
        left_out[clf] = ["every data set (no successful cell)"]
    complete = [(d, c) in complete_blocks for d, c in zip(stats["dataset"], stats["classifier"])]
    ranks = stats[np.asarray(complete, dtype=bool)].copy()
    ranks["rank"] = ranks.groupby(["dataset", "classifier"])["mean"].rank(ascending=False)
    avg_ranks = (
        ranks.groupby(["classifier", "augmenter"])
        .agg(avg_rank=("rank", "mean"), n_datasets=("dataset", "nunique"))
        .reset_index()
    )
    return {
        "accuracy": stats,
        "gain": gain,
        "wtl": wtl,
        "ranks": avg_ranks,
        "left_out": left_out,
    }


def _accuracy_markdown(stats: pd.DataFrame) -> str:
    """Mean ± std per cell; a cell with fewer seeds than the most any has says how many."""
    most = stats["n_seeds"].max() if len(stats) else 0

    def value(r):
        seeds = f" ({r['n_seeds']} of {most} seeds)" if r["n_seeds"] < most else ""
        return f"{r['mean']:.3f} ± {r['std']:.3f}{seeds}"

    cells = stats.assign(value=stats.apply(value, axis=1) if len(stats) else [])
    table = cells.pivot_table(
        index=["dataset", "classifier"], columns="augmenter", values="value", aggfunc="first"
    )
    order = ["none"] + sorted(c for c in table.columns if c != "none")
    table = table[[c for c in order if c in table.columns]].reset_index()
    return table.to_markdown(index=False)


def write_report(results: pd.DataFrame, output, *, tie: float = 0.005) -> str:
    """Write ``report.md`` and PNG plots to ``output`` and return the Markdown.

    Parameters
    ----------
    results : pandas.DataFrame
        Rows of the results file.
    output : str or os.PathLike
        Folder for ``report.md``, ``gain_per_dataset.png`` and ``ranks.png``.
    tie : float, default=0.005
        Half-width of the tie band.

    Returns
    -------
    markdown : str
    """
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    tables = summarise(results, tie=tie)
    failed = results[results["status"] != "ok"]
    lines = [
        "# tsaugment benchmark report",
        "",
        f"{len(results)} cells recorded, {len(failed)} failed. Accuracy on the test split:",
        f"mean ± std over seeds; gains are paired by seed. Win/tie/loss band: ±{tie:g} accuracy.",
        "",
        "## Accuracy",
        "",
        _accuracy_markdown(tables["accuracy"]),
        "",
        "## Gain over the baseline, wins / ties / losses",
        "",
        tables["wtl"].to_markdown(index=False, floatfmt=".4f") if len(tables["wtl"]) else "-",
        "",
        "## Average ranks (1 = best)",
        "",
    ]
    for clf in sorted(set(tables["ranks"]["classifier"]) | set(tables["left_out"])):
        group = tables["ranks"][tables["ranks"]["classifier"] == clf]
        n_data = int(group["n_datasets"].max()) if len(group) else 0
        cd = nemenyi_cd(len(group), n_data)
        note = (
            f"Nemenyi critical difference {cd:.2f} over {n_data} data sets."
            if n_data >= 2 and np.isfinite(cd)
            else "(a critical difference needs at least 2 data sets and at most 10 methods)"
        )
        missing = tables["left_out"].get(clf, [])
        if missing:
            note += f" Left out of the ranks: {'; '.join(missing)}."
        group = group.drop(columns="n_datasets")
        lines += [
            f"{clf}: {note}",
            "",
            group.sort_values("avg_rank").to_markdown(index=False, floatfmt=".2f"),
            "",
        ]
    if len(failed):
        lines += ["## Failed cells", ""]
        lines += [f"- `{k}`: {e}" for k, e in zip(failed["key"], failed["error"])]
    markdown = "\n".join(lines) + "\n"
    (output / "report.md").write_text(markdown, encoding="utf-8")
    _plot_gain(tables["gain"], output / "gain_per_dataset.png")
    _plot_ranks(tables, output / "ranks.png")
    return markdown


def _plot_gain(gain: pd.DataFrame, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    if gain.empty:
        return
    table = gain.pivot_table(index="dataset", columns=["classifier", "augmenter"], values="gain")
    fig, ax = plt.subplots(figsize=(max(6, 0.6 * len(table) * max(1, table.shape[1] / 3)), 4))
    table.plot.bar(ax=ax, width=0.8)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set(ylabel="accuracy gain over baseline", title="Gain per data set (mean over seeds)")
    ax.legend(fontsize="small", ncol=2)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _plot_ranks(tables: dict, path: Path) -> None:
    """Average ranks per classifier with the Nemenyi critical difference as a bar."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    ranks = tables["ranks"]
    classifiers = sorted(ranks["classifier"].unique())
    if not classifiers:
        return
    fig, axes = plt.subplots(
        len(classifiers), 1, figsize=(7, 1.8 * len(classifiers)), squeeze=False
    )
    for ax, clf in zip(axes[:, 0], classifiers):
        group = ranks[ranks["classifier"] == clf].sort_values("avg_rank")
        n_data = int(group["n_datasets"].max())
        cd = nemenyi_cd(len(group), n_data)
        ax.scatter(group["avg_rank"], np.zeros(len(group)), zorder=3)
        for i, (name, rank) in enumerate(zip(group["augmenter"], group["avg_rank"])):
            ax.annotate(
                name,
                (rank, 0),
                xytext=(0, 8 + 10 * (i % 3)),
                textcoords="offset points",
                ha="center",
                fontsize=8,
            )
        if np.isfinite(cd) and n_data >= 2:
            start = group["avg_rank"].min()
            ax.plot([start, start + cd], [-0.5, -0.5], color="red", linewidth=3)
            ax.annotate(
                f"CD = {cd:.2f}",
                (start, -0.5),
                xytext=(0, -12),
                textcoords="offset points",
                fontsize=8,
                color="red",
            )
        ax.set(xlim=(0.5, len(group) + 0.5), ylim=(-1, 1.5), yticks=[], title=clf)
        ax.set_xlabel("average rank (1 = best)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
