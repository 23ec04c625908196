"""The benchmark report: accuracy tables, gains and their tests, ranks, plots.

Definitions, so that figures mean the same in every report:

- protocol: every classifier trains at its default protocol in every budget; budgets
  scale the generators only;
- accuracy per data set, augmenter and classifier: mean ± standard deviation over
  seeds (population std);
- gain on a data set: augmented minus baseline accuracy, paired by seed (the seeds
  both have), averaged over those seeds;
- win / tie / loss of an augmenter on a data set: a win (loss) where the paired t
  interval (95%) of its gain over seeds lies above (below) 0, a tie where it holds 0
  or fewer than 2 seeds pair (:func:`tsaugment.benchmark.seed_verdict`);
- per classifier and augmenter, over the data sets where both it and the baseline
  have results: the mean gain with a bootstrap 95% interval over data sets; the
  two-sided Wilcoxon signed-rank p-value of the gains against 0, and that p-value
  Holm-adjusted over the augmenters of the classifier; the smallest mean gain a run
  with that many data sets and that spread of gains detects at 80% power
  (:func:`tsaugment.benchmark.detectable_gain`);
- ranks: per data set and classifier, the augmenters (baseline included) ranked by
  seed-averaged accuracy (1 = best, ties share the mean rank), averaged over the data
  sets on which every augmenter of that classifier has a result (the Friedman and
  Nemenyi tests need complete blocks: a method missing on a hard data set would
  otherwise be ranked on easier ground); the Friedman test with the Iman-Davenport
  correction and the Nemenyi critical difference at alpha = 0.05 (Demšar, 2006), over
  those data sets.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ._auto_report import auto_report
from ._plots import plot_critical_difference, plot_gain
from ._reference import reference_check
from ._stats import (
    SCORE_DECIMALS,
    bootstrap_mean_interval,
    detectable_gain,
    friedman_test,
    holm,
    nemenyi_cd,
    paired_gain,
    seed_verdict,
    wilcoxon_p,
)

__all__ = ["summarise", "write_report", "PROTOCOL"]

PROTOCOL = (
    "Classifiers trained at their default protocol in every budget; budgets scale the "
    "generators only."
)
_VERDICT = {1: "win", 0: "tie", -1: "loss"}


def _gains(ok: pd.DataFrame, level: float) -> pd.DataFrame:
    """Seed-paired gain per data set, classifier and augmenter, with its verdict."""
    base = ok[ok["augmenter"] == "none"][["dataset", "classifier", "seed", "accuracy"]]
    paired = ok[ok["augmenter"] != "none"].merge(
        base, on=["dataset", "classifier", "seed"], suffixes=("", "_baseline")
    )
    paired["gain"] = paired_gain(paired["accuracy"], paired["accuracy_baseline"])
    columns = ["dataset", "classifier", "augmenter", "gain", "n_seeds", "verdict"]
    if paired.empty:
        return pd.DataFrame(columns=columns)
    rows = [
        (*key, group.mean(), len(group), _VERDICT[seed_verdict(group.to_numpy(), level)])
        for key, group in paired.groupby(["dataset", "classifier", "augmenter"])["gain"]
    ]
    return pd.DataFrame(rows, columns=columns)


def _gain_tests(gain: pd.DataFrame) -> pd.DataFrame:
    """Per classifier and augmenter: mean gain, interval, Wilcoxon and Holm, W/T/L."""
    columns = [
        "classifier",
        "augmenter",
        "n_datasets",
        "mean_gain",
        "ci_low",
        "ci_high",
        "wilcoxon_p",
        "holm_p",
        "wins",
        "ties",
        "losses",
        "detectable_gain",
    ]
    rows = []
    for (clf, aug), group in gain.groupby(["classifier", "augmenter"]):
        g = group["gain"].to_numpy(dtype=float)
        low, high = bootstrap_mean_interval(g)
        verdicts = group["verdict"]
        rows.append(
            {
                "classifier": clf,
                "augmenter": aug,
                "n_datasets": len(g),
                "mean_gain": g.mean(),
                "ci_low": low,
                "ci_high": high,
                "wilcoxon_p": wilcoxon_p(g),
                "wins": int((verdicts == "win").sum()),
                "ties": int((verdicts == "tie").sum()),
                "losses": int((verdicts == "loss").sum()),
                "detectable_gain": detectable_gain(g),
            }
        )
    table = pd.DataFrame(rows, columns=[c for c in columns if c != "holm_p"])
    table.insert(7, "holm_p", np.nan)
    for index in table.groupby("classifier").groups.values():
        table.loc[index, "holm_p"] = holm(table.loc[index, "wilcoxon_p"])
    return table[columns]


def _complete_blocks(results, stats):
    """Data sets where every augmenter of a classifier has a result; what is left out."""
    expected = results.groupby("classifier")["augmenter"].agg(set).to_dict()
    present = stats.groupby(["dataset", "classifier"])["augmenter"].agg(set)
    left_out: dict[str, list[str]] = {}
    complete = set()
    for (dataset, clf), names in present.items():
        missing = sorted(expected[clf] - names)
        if missing:
            left_out.setdefault(clf, []).append(f"{dataset} (no {', '.join(missing)})")
        else:
            complete.add((dataset, clf))
    for clf in set(expected) - set(stats["classifier"]):  # no successful cell at all
        left_out[clf] = ["every data set (no successful cell)"]
    return complete, left_out


def _friedman(matrices: dict) -> pd.DataFrame:
    rows = []
    for clf, matrix in matrices.items():
        n, k = matrix.shape
        test = friedman_test(matrix.to_numpy())
        cd = nemenyi_cd(k, n) if n >= 2 else float("nan")
        rows.append({"classifier": clf, "n_methods": k, "n_datasets": n, **test, "cd": cd})
    columns = ["classifier", "n_methods", "n_datasets", "chi2", "f", "df1", "df2", "p", "cd"]
    return pd.DataFrame(rows, columns=columns)


def summarise(results: pd.DataFrame, level: float = 0.95) -> dict:
    """Tables of a results frame (see the module docstring for the definitions).

    Parameters
    ----------
    results : pandas.DataFrame
        Rows of :class:`tsaugment.benchmark.ResultsStore` (status "ok" are used).
    level : float, default=0.95
        Confidence of the per-data-set seed intervals that decide wins and losses.

    Returns
    -------
    tables : dict
        ``"accuracy"`` (mean ± std per data set, classifier, augmenter), ``"gain"``
        (seed-paired gain per data set, its number of paired seeds and its verdict:
        win, tie or loss), ``"wtl"`` (per classifier and augmenter: data sets, mean
        gain, bootstrap interval, Wilcoxon and Holm-adjusted p-values, wins, ties,
        losses, detectable gain), ``"ranks"`` (average ranks over the complete data
        sets, with their number in ``"n_datasets"``), ``"friedman"`` (per
        classifier: methods, data sets, Friedman chi2, Iman-Davenport F, its degrees
        of freedom and p-value, Nemenyi critical difference), ``"matrices"`` (per
        classifier, the seed-averaged accuracies of the complete data sets, data sets
        by augmenters), ``"left_out"`` (per classifier, the data sets left out of the
        ranks and the augmenters missing there).
    """
    ok = results[results["status"] == "ok"].copy()
    ok["accuracy"] = ok["accuracy"].astype(float)
    keys = ["dataset", "classifier", "augmenter"]
    stats = ok.groupby(keys)["accuracy"].agg(["mean", lambda s: s.std(ddof=0), "count"])
    stats.columns = ["mean", "std", "n_seeds"]
    stats = stats.reset_index()
    gain = _gains(ok, level)
    complete, left_out = _complete_blocks(results, stats)
    in_block = [(d, c) in complete for d, c in zip(stats["dataset"], stats["classifier"])]
    ranked = stats[np.asarray(in_block, dtype=bool)].copy()
    # one share can be written in two last bits (see GAIN_TOLERANCE): such means tie
    ranked["mean"] = ranked["mean"].round(SCORE_DECIMALS)
    ranked["rank"] = ranked.groupby(["dataset", "classifier"])["mean"].rank(ascending=False)
    avg_ranks = (
        ranked.groupby(["classifier", "augmenter"])
        .agg(avg_rank=("rank", "mean"), n_datasets=("dataset", "nunique"))
        .reset_index()
    )
    matrices = {
        clf: group.pivot(index="dataset", columns="augmenter", values="mean")
        for clf, group in ranked.groupby("classifier")
    }
    return {
        "accuracy": stats,
        "gain": gain,
        "wtl": _gain_tests(gain),
        "ranks": avg_ranks,
        "friedman": _friedman(matrices),
        "matrices": matrices,
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


def _p(value) -> str:
    return "-" if not np.isfinite(value) else (f"{value:.2g}" if value < 0.001 else f"{value:.3f}")


def _gain_markdown(wtl: pd.DataFrame, clf: str) -> list[str]:
    group = wtl[wtl["classifier"] == clf].sort_values("mean_gain", ascending=False)
    table = pd.DataFrame(
        {
            "augmenter": group["augmenter"],
            "data sets": group["n_datasets"],
            "mean gain [95% CI]": [
                f"{m:+.4f} [{lo:+.4f}, {hi:+.4f}]" if np.isfinite(lo) else f"{m:+.4f} [-]"
                for m, lo, hi in zip(group["mean_gain"], group["ci_low"], group["ci_high"])
            ],
            "Wilcoxon p": group["wilcoxon_p"].map(_p),
            "Holm p": group["holm_p"].map(_p),
            "W/T/L": [f"{w}/{t}/{lo}" for w, t, lo in zip(group.wins, group.ties, group.losses)],
            "detectable gain": group["detectable_gain"].map(
                lambda v: f"{v:.4f}" if np.isfinite(v) else "-"
            ),
        }
    )
    detectable = group["detectable_gain"].dropna()
    lines = [f"### {clf}", "", table.to_markdown(index=False, disable_numparse=True), ""]
    if len(detectable):
        lines += [
            f"Smallest mean gain this run could detect at 80% power (paired two-sided t-test "
            f"over {int(group['n_datasets'].median())} data sets at alpha 0.05, from the "
            f"spread of each augmenter's per-data-set gains): median {detectable.median():.4f}"
            f" (from {detectable.min():.4f} to {detectable.max():.4f} across augmenters).",
            "",
        ]
    return lines


def _ranks_markdown(tables: dict, clf: str) -> list[str]:
    group = tables["ranks"][tables["ranks"]["classifier"] == clf]
    test = tables["friedman"].set_index("classifier")
    if clf in test.index:
        t = test.loc[clf]
        note = (
            f"Friedman over {int(t['n_datasets'])} data sets and {int(t['n_methods'])} methods: "
            f"chi2 = {t['chi2']:.2f}, Iman-Davenport F({int(t['df1'])}, {int(t['df2'])}) = "
            f"{t['f']:.2f}, "
            f"p = {_p(t['p'])}."
            if np.isfinite(t["p"])
            else "Friedman test: needs at least 3 methods and 2 complete data sets."
        )
        if np.isfinite(t["cd"]):
            note += f" Nemenyi critical difference (alpha 0.05): {t['cd']:.2f}."
    else:
        note = "No complete data set."
    missing = tables["left_out"].get(clf, [])
    if missing:
        note += f" Left out of the ranks: {'; '.join(missing)}."
    lines = [f"### {clf}", "", note, ""]
    if len(group):
        ranks = group.drop(columns=["classifier", "n_datasets"]).sort_values("avg_rank")
        lines += [ranks.to_markdown(index=False, floatfmt=".2f"), ""]
    return lines


def _reference_markdown(check: pd.DataFrame, n_std: float, margin: float) -> list[str]:
    lines = [
        "## Baseline beside the reference",
        "",
        f"Flagged (**below**) where the baseline's mean over seeds lies more than "
        f"max({n_std:g} reference std, {margin:g}) below the reference.",
        "",
    ]
    if check.empty:
        return lines + ["No data set of the run is in the reference file.", ""]
    for clf, group in check.groupby("classifier"):
        shown = group.assign(
            flag=np.where(group["below"], "**below**", ""),
        ).drop(columns=["classifier", "below"])
        n_below = int(group["below"].sum())
        lines += [
            f"### {clf}: baseline {group['baseline'].mean():.4f} against reference "
            f"{group['reference'].mean():.4f} (mean over {len(group)} data sets); "
            f"{n_below} flagged",
            "",
            shown.to_markdown(index=False, floatfmt=".4f"),
            "",
        ]
    return lines


def _configuration_note(results: pd.DataFrame) -> str:
    """A sentence on the rows' configuration fingerprints, or "" when all agree.

    Within one method (key without data set and seed) every row should carry one
    fingerprint (see :func:`tsaugment.benchmark.cell_config`); rows recorded before
    fingerprints existed carry none.
    """
    if "config" not in results or not len(results):
        return ""
    ok = results[results["status"] == "ok"]
    config = ok["config"].fillna("").astype(str)
    parts = ok["key"].astype(str).str.split("|")
    method = parts.map(lambda p: "|".join(p[1:3] + p[4:]))
    counts = config[config != ""].groupby(method[config != ""]).nunique()
    mixed = sorted(counts[counts > 1].index)
    notes = []
    if (config == "").any():
        notes.append(
            f"{int((config == '').sum())} rows predate configuration tracking (no "
            "fingerprint): they may come from an older protocol."
        )
    if mixed:
        shown = ", ".join(f"`{m}`" for m in mixed[:5]) + (" ..." if len(mixed) > 5 else "")
        notes.append(
            f"Rows of {len(mixed)} method(s) come from more than one configuration "
            f"(files of other versions or defaults merged): {shown}."
        )
    return " ".join(notes)


def write_report(
    results: pd.DataFrame,
    output,
    *,
    reference=None,
    level: float = 0.95,
    n_std: float = 2.0,
    margin: float = 0.03,
    protocol: str = PROTOCOL,
) -> str:
    """Write ``report.md``, CSV tables and PNG plots to ``output``; return the Markdown.

    Parameters
    ----------
    results : pandas.DataFrame
        Rows of the results file.
    output : str or os.PathLike
        Folder for ``report.md``; ``accuracy.csv``, ``gain_per_dataset.csv``,
        ``gains.csv`` (per classifier and augmenter: the tests), ``ranks.csv``,
        ``friedman.csv`` and, with a reference, ``reference_check.csv``; the plots
        ``gain_per_dataset.png`` (a heat map of the gains, wins and losses marked) and
        ``critical_difference.png``.
    reference : str, os.PathLike or pandas.DataFrame, optional
        Published accuracies per data set (columns ``dataset``, ``accuracy``, optional
        ``std``): the baseline is shown beside them (see
        :func:`tsaugment.benchmark.reference_check`).
    level : float, default=0.95
        Confidence of the seed intervals that decide wins and losses.
    n_std, margin : float, default=2.0, 0.03
        A baseline is flagged more than ``max(n_std * std, margin)`` below the
        reference.
    protocol : str, default=PROTOCOL
        How the classifiers were trained, stated at the top of the report. The
        default is the grid's rule since issue 18; give another for results recorded
        under another (older results trained classifiers for a budget's epochs).

    Returns
    -------
    markdown : str
    """
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    tables = summarise(results, level=level)
    failed = results[results["status"] != "ok"]
    budgets = sorted(map(str, results["budget"].unique())) if "budget" in results else []
    seeds = tables["accuracy"]["n_seeds"].max() if len(tables["accuracy"]) else 0
    classifiers = sorted(set(tables["ranks"]["classifier"]) | set(tables["left_out"]))
    lines = [
        "# tsaugment benchmark report",
        "",
        f"{len(results)} cells recorded, {len(failed)} failed. {protocol}"
        + (f" Budget: {', '.join(budgets)}." if budgets else "")
        + f" Up to {seeds} seeds per cell."
        + (f" {note}" if (note := _configuration_note(results)) else ""),
        "",
        "Accuracy on the test split: mean ± std over seeds. Gains are paired by seed. "
        f"A win (loss) on a data set: the {level:.0%} t interval of the seed-paired gain "
        "lies above (below) 0; a tie otherwise. Over data sets: the mean gain with a "
        "bootstrap 95% interval, the Wilcoxon signed-rank test against the baseline and "
        "its Holm-adjusted p-value.",
        "",
        "## Accuracy",
        "",
        _accuracy_markdown(tables["accuracy"]),
        "",
        "## Gain over the baseline",
        "",
    ]
    for clf in sorted(tables["wtl"]["classifier"].unique()):
        lines += _gain_markdown(tables["wtl"], clf)
    lines += ["## Friedman test and average ranks (1 = best)", ""]
    for clf in classifiers:
        lines += _ranks_markdown(tables, clf)
    check = None
    if reference is not None:
        check = reference_check(results, reference, n_std=n_std, margin=margin)
        lines += _reference_markdown(check, n_std, margin)
    per_dataset = auto_report(results, confidence=level)
    if per_dataset:  # auto's choices, the best augmenter per data set, label fidelity
        lines += [per_dataset.rstrip(), ""]
    if len(failed):
        lines += ["## Failed cells", ""]
        lines += [f"- `{k}`: {e}" for k, e in zip(failed["key"], failed["error"])]
    markdown = "\n".join(lines) + "\n"
    (output / "report.md").write_text(markdown, encoding="utf-8")
    tables["accuracy"].to_csv(output / "accuracy.csv", index=False)
    tables["gain"].to_csv(output / "gain_per_dataset.csv", index=False)
    tables["wtl"].to_csv(output / "gains.csv", index=False)
    tables["ranks"].to_csv(output / "ranks.csv", index=False)
    tables["friedman"].to_csv(output / "friedman.csv", index=False)
    if check is not None:
        check.to_csv(output / "reference_check.csv", index=False)
    plot_gain(tables["gain"], output / "gain_per_dataset.png")
    plot_critical_difference(tables, output / "critical_difference.png")
    return markdown
