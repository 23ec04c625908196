"""Per-data-set tables for the automatic choice and for label fidelity.

The main report (``_report.py``) compares augmenters over data sets; these tables say,
for each data set, what ``auto`` chose on every seed and what it gained over the
baseline of the same seed (paired), which single augmenter gained most there, and how
faithful to their labels every augmenter's synthetic series were.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._registry import FILTER_SUFFIXES, is_auto, split_filter
from ._stats import (
    bootstrap_mean_interval,
    paired_gain,
    seed_interval,
    seed_verdict,
    wilcoxon_p,
)

__all__ = [
    "auto_choices",
    "best_per_dataset",
    "filter_effect",
    "label_fidelity_table",
    "auto_report",
]


def _ok(results: pd.DataFrame) -> pd.DataFrame:
    frame = results[results["status"] == "ok"].copy()
    frame["accuracy"] = pd.to_numeric(frame["accuracy"], errors="coerce")
    return frame


def _paired_gains(
    results: pd.DataFrame, augmenter: str, metric: str, reference: str = "none"
) -> pd.DataFrame:
    """Rows ``dataset, classifier, seed, gain``: augmenter minus reference, same seed."""
    frame = _ok(results)
    keys = ["dataset", "classifier", "seed"]
    base = frame[frame["augmenter"] == reference].set_index(keys)[metric]
    aug = frame[frame["augmenter"] == augmenter].set_index(keys)[metric]
    both = pd.concat({"aug": aug, "base": base}, axis=1, join="inner").dropna()
    both["gain"] = paired_gain(both["aug"], both["base"])
    return both.reset_index()


def _summarise_gain(gains: pd.Series, confidence: float) -> dict:
    values = gains.to_numpy(dtype=float)
    low, high = seed_interval(values, confidence)
    return {
        "gain": float(values.mean()),
        "ci_low": low,
        "ci_high": high,
        "wins": int((values > 0).sum()),
        "ties": int((values == 0).sum()),
        "losses": int((values < 0).sum()),
        "n_seeds": len(values),
    }


def _markdown(table: pd.DataFrame, floatfmt) -> str:
    """A table as Markdown, with '-' where a value cannot be given (NaN).

    ``floatfmt``: one format, or a dict of column to format with ``""`` the default.
    """
    table = table.dropna(axis=1, how="all")  # e.g. auto's gain in a run without auto
    if isinstance(floatfmt, dict):
        floatfmt = [floatfmt.get(column, floatfmt[""]) for column in table.columns]
    return (
        table.astype(object)
        .where(table.notna(), None)
        .to_markdown(index=False, floatfmt=floatfmt, missingval="-")
    )


def _auto_names(frame: pd.DataFrame) -> list:
    """The automatic choices in the rows (``auto``, ``auto:rocket``, ...), sorted."""
    return sorted(a for a in frame["augmenter"].unique() if is_auto(a))


def auto_choices(results, *, metric="accuracy", confidence=0.95) -> pd.DataFrame:
    """What ``auto`` chose per data set and seed, and its paired gain over the baseline.

    Parameters
    ----------
    results : pandas.DataFrame
        Benchmark rows (``ResultsStore.read()``), with rows of ``auto`` (or of
        ``auto:<classifier>``) and their ``auto_choice`` and ``selection_time``
        columns.
    metric : str, default="accuracy"
    confidence : float, default=0.95
        Level of the Student-t interval of the mean gain over seeds.

    Returns
    -------
    table : pandas.DataFrame
        One row per data set, classifier and automatic choice (column
        ``augmenter``: ``auto`` or ``auto:<classifier>``): ``choices`` (seed: choice),
        ``gain`` (mean of auto minus baseline, paired by seed), ``ci_low``,
        ``ci_high``, ``wins``/``ties``/``losses`` over seeds, ``n_seeds`` and
        ``selection_s`` (mean seconds the choice added to a fit).

    Examples
    --------
    >>> import pandas as pd
    >>> from tsaugment.benchmark import auto_choices
    >>> rows = pd.DataFrame({
    ...     "dataset": ["D"] * 4, "classifier": ["c"] * 4, "seed": [0, 0, 1, 1],
    ...     "augmenter": ["none", "auto", "none", "auto"], "status": ["ok"] * 4,
    ...     "accuracy": [0.75, 1.0, 0.75, 0.75],
    ...     "auto_choice": ["", "jitter@1", "", "none@0"],
    ...     "selection_time": [None, 3.0, None, 5.0]})
    >>> auto_choices(rows)[["choices", "gain", "wins", "ties"]].to_dict("records")
    [{'choices': '0: jitter@1, 1: none@0', 'gain': 0.125, 'wins': 1, 'ties': 1}]
    """
    frame = _ok(results)
    rows = []
    for name in _auto_names(frame):
        auto = frame[frame["augmenter"] == name]
        gains = _paired_gains(results, name, metric)
        for (dataset, classifier), part in auto.groupby(["dataset", "classifier"], sort=True):
            part = part.sort_values("seed")
            mine = gains[(gains["dataset"] == dataset) & (gains["classifier"] == classifier)]
            rows.append(
                {
                    "dataset": dataset,
                    "classifier": classifier,
                    "augmenter": name,
                    "choices": ", ".join(
                        f"{s}: {c}" for s, c in zip(part["seed"], part["auto_choice"])
                    ),
                    **_summarise_gain(mine["gain"], confidence),
                    "selection_s": float(pd.to_numeric(part["selection_time"]).mean()),
                }
            )
    if not rows:
        return pd.DataFrame()
    return pd.DataFrame(rows).sort_values(["dataset", "classifier", "augmenter"], kind="stable")


def best_per_dataset(results, *, metric="accuracy", confidence=0.95) -> pd.DataFrame:
    """The augmenter with the largest mean paired gain on each data set, and auto's.

    Parameters
    ----------
    results : pandas.DataFrame
    metric : str, default="accuracy"
    confidence : float, default=0.95

    Returns
    -------
    table : pandas.DataFrame
        One row per data set and classifier: ``best`` (an augmenter other than
        ``auto``, or ``"none"`` when every one loses on average), ``best_gain``,
        ``best_ci_low``, ``best_ci_high``, and ``auto_gain`` (NaN without auto);
        ``auto:<classifier>_gain`` for each such choice in the rows.
    """
    frame = _ok(results)
    autos = sorted({"auto", *_auto_names(frame)})
    names = [a for a in frame["augmenter"].unique() if a != "none" and not is_auto(a)]
    per = {a: _paired_gains(results, a, metric) for a in [*names, *autos]}
    rows = []
    for (dataset, classifier), _ in frame.groupby(["dataset", "classifier"], sort=True):
        best, best_summary = "none", {"gain": 0.0, "ci_low": np.nan, "ci_high": np.nan}
        for name in names:
            g = per[name]
            g = g[(g["dataset"] == dataset) & (g["classifier"] == classifier)]["gain"]
            if len(g):
                summary = _summarise_gain(g, confidence)
                if summary["gain"] > best_summary["gain"]:
                    best, best_summary = name, summary
        row = {
            "dataset": dataset,
            "classifier": classifier,
            "best": best,
            "best_gain": best_summary["gain"],
            "best_ci_low": best_summary["ci_low"],
            "best_ci_high": best_summary["ci_high"],
        }
        for name in autos:
            g = per[name]
            g = g[(g["dataset"] == dataset) & (g["classifier"] == classifier)]["gain"]
            row[f"{name}_gain"] = float(g.mean()) if len(g) else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def label_fidelity_table(results) -> pd.DataFrame:
    """Mean label fidelity of each augmenter's synthetic sets, per data set.

    Parameters
    ----------
    results : pandas.DataFrame
        Rows with a ``label_fidelity`` column (NaN for cells without synthetic series).

    Returns
    -------
    table : pandas.DataFrame
        Columns ``dataset``, ``classifier``, then one per augmenter: the mean over
        seeds (``auto``: of the sets it chose; NaN where it chose none).
    """
    frame = _ok(results)
    frame["label_fidelity"] = pd.to_numeric(frame.get("label_fidelity"), errors="coerce")
    frame = frame[frame["augmenter"] != "none"].dropna(subset=["label_fidelity"])
    if frame.empty:
        return pd.DataFrame()
    table = frame.pivot_table(
        index=["dataset", "classifier"],
        columns="augmenter",
        values="label_fidelity",
        aggfunc="mean",
    )
    table.columns.name = None
    return table.reset_index()


def filter_effect(results, *, metric="accuracy", confidence=0.95) -> pd.DataFrame:
    """What a filter changes: ``NAME+label`` (or another filter) against ``NAME``, by seed.

    For every augmenter run both with and without a filter, the difference
    filtered minus unfiltered on the same data set, classifier and seed, averaged
    over seeds per data set and then summarised over the data sets where both ran.

    Parameters
    ----------
    results : pandas.DataFrame
        Rows of the results store (``ok`` rows are used).
    metric : str, default="accuracy"
    confidence : float, default=0.95
        Level of the bootstrap interval over data sets and of the seed intervals
        behind the win / tie / loss counts.

    Returns
    -------
    table : pandas.DataFrame
        One row per augmenter, ``filter`` (``"label"``, ``"realism"`` or
        ``"label+realism"``) and classifier: ``n_datasets``, ``difference`` (mean
        over data sets of the seed-mean difference), ``ci_low``, ``ci_high``
        (bootstrap over data sets), ``wilcoxon_p`` (over data sets), ``wins``,
        ``ties``, ``losses`` (data sets whose seed interval lies above 0, holds 0,
        lies below 0), ``fidelity`` and ``fidelity_filtered`` (mean label fidelity
        of the synthetic sets) and ``acceptance_rate`` (mean accepted / drawn), over
        the same paired cells as the difference.
        Empty when no augmenter was run both ways.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = [dict(dataset=d, classifier="knn", seed=s, augmenter=a, status="ok",
    ...              accuracy=acc + 0.01 * s, label_fidelity=fid, acceptance_rate=rate)
    ...         for d in ("A", "B") for s in (0, 1)
    ...         for a, acc, fid, rate in (("vae", 0.80, 0.6, None),
    ...                                   ("vae+label", 0.82, 0.9, 0.5))]
    >>> table = filter_effect(pd.DataFrame(rows))
    >>> table[["augmenter", "filter", "difference", "wins"]].round(3).to_dict("records")
    [{'augmenter': 'vae', 'filter': 'label', 'difference': 0.02, 'wins': 2}]
    """
    frame = _ok(results)
    names = set(frame["augmenter"].unique())
    rows = []
    runs = sorted(
        (name, suffix, kind)
        for name in names
        if split_filter(name)[1] is None
        for suffix, kind in FILTER_SUFFIXES.items()
        if f"{name}{suffix}" in names
    )
    for name, suffix, kind in runs:
        pairs = _paired_gains(results, f"{name}{suffix}", metric, reference=name)
        for classifier, per_clf in pairs.groupby("classifier", sort=True):
            by_set = per_clf.groupby("dataset")["gain"]
            means = by_set.mean().to_numpy(dtype=float)
            verdicts = np.array([seed_verdict(g.to_numpy(), confidence) for _, g in by_set])
            low, high = bootstrap_mean_interval(means, confidence)
            # fidelity and acceptance of the paired cells only, as the difference
            cells = per_clf[["dataset", "classifier", "seed"]].merge(frame)
            fidelity = pd.to_numeric(cells.get("label_fidelity"), errors="coerce")
            accepted = pd.to_numeric(cells.get("acceptance_rate"), errors="coerce")
            filtered = cells["augmenter"] == f"{name}{suffix}"
            rows.append(
                {
                    "augmenter": name,
                    "filter": kind,
                    "classifier": classifier,
                    "n_datasets": len(means),
                    "difference": float(means.mean()),
                    "ci_low": low,
                    "ci_high": high,
                    "wilcoxon_p": wilcoxon_p(means),
                    "wins": int((verdicts > 0).sum()),
                    "ties": int((verdicts == 0).sum()),
                    "losses": int((verdicts < 0).sum()),
                    "fidelity": float(fidelity[cells["augmenter"] == name].mean()),
                    "fidelity_filtered": float(fidelity[filtered].mean()),
                    "acceptance_rate": float(accepted[filtered].mean()),
                }
            )
    return pd.DataFrame(rows)


def auto_report(results, *, metric="accuracy", confidence=0.95) -> str:
    """Markdown: auto's choices and gains, the best augmenter per data set, label fidelity.

    Parameters
    ----------
    results : pandas.DataFrame
    metric : str, default="accuracy"
    confidence : float, default=0.95

    Returns
    -------
    markdown : str
    """
    parts = []
    choices = auto_choices(results, metric=metric, confidence=confidence)
    if not choices.empty:
        parts += [
            f"## auto: choice per seed and paired {metric} gain over none "
            f"({confidence:.0%} t-interval over seeds)",
            "",
            _markdown(choices, ".4f"),
            "",
        ]
    best = best_per_dataset(results, metric=metric, confidence=confidence)
    if not best.empty:
        parts += [
            f"## Best single augmenter per data set (mean paired {metric} gain)",
            "",
            _markdown(best, ".4f"),
            "",
        ]
    fidelity = label_fidelity_table(results)
    if not fidelity.empty:
        parts += [
            "## Label fidelity of the synthetic sets (share MiniRocket puts in their class)",
            "",
            _markdown(fidelity, ".3f"),
            "",
        ]
    frame = _ok(results)
    filtered = frame[frame["augmenter"].str.endswith(tuple(FILTER_SUFFIXES))].copy()
    if not filtered.empty:
        for column in ("acceptance_rate", "n_synthetic", "n_train"):
            filtered[column] = pd.to_numeric(filtered[column], errors="coerce")
        table = (
            filtered.groupby(["dataset", "classifier", "augmenter"])[
                ["acceptance_rate", "n_synthetic", "n_train"]
            ]
            .mean()
            .reset_index()
        )
        effect = filter_effect(results, metric=metric, confidence=confidence)
        if not effect.empty:
            parts += [
                f"## Filters: filtered minus unfiltered {metric}, paired by seed "
                f"(bootstrap {confidence:.0%} interval and Wilcoxon over data sets; "
                "W/T/L by seed interval)",
                "",
                _markdown(effect, {"": ".4f", "wilcoxon_p": ".2g"}),
                "",
            ]
        parts += [
            "## Filters: accepted / drawn, and synthetic series kept (mean over seeds)",
            "",
            _markdown(table, ".3f"),
            "",
        ]
    return "\n".join(parts)
