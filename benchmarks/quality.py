"""Quality of the generators under the TimeGAN protocol, on Sines and Stocks.

For each data set, generator and seed: fit the generator (its reference settings,
``n_iter`` set to ``--iterations`` per phase), time the fit, draw as many synthetic
series as there are real ones (as the TimeGAN code does), and score them with the
TimeGAN protocol's post-hoc discriminative score (``|accuracy - 0.5|`` of a GRU
telling real from synthetic; lower is better) and predictive score (MAE of a GRU
trained on synthetic data, tested on real, one step ahead; lower is better).

Every finished cell is appended to ``--csv`` at once (a crash loses nothing), and the
synthetic series can be kept with ``--save-dir`` and scored later with
``--score-only`` (for example when the metrics were not available at training time).

Published figures (TimeGAN, 50,000 iterations): discriminative 0.011 (Sines), 0.102
(Stocks); predictive 0.093 (Sines), 0.038 (Stocks). The reference code's tutorial:
0.176 discriminative on Stocks at 10,000 iterations. The AVATAR authors' tutorial,
8,000 iterations: 0.130 / 0.043 (Stocks) and 0.064 / 0.095 (Sines with 4 channels,
``--sines-channels 4``), from one training run each, scored with 10 post-hoc runs
whose high outliers (above Q3 + 1.5 IQR) were dropped before the mean. The rows
here carry the plain mean over ``--metric-runs`` runs, that trimmed mean
(``*_trimmed``, comparable with the tutorial at ``--metric-runs 10``) and every run.

Usage::

    PYTHONPATH=. python benchmarks/quality.py --iterations 2000 --seeds 0 1 2
    PYTHONPATH=. python benchmarks/quality.py --datasets stocks --generators timegan \
        --iterations 10000 --save-dir /tmp/synth --csv /tmp/quality.csv
    PYTHONPATH=. python benchmarks/quality.py --score-only --save-dir /tmp/synth
"""

from __future__ import annotations

import argparse
import csv
import json
import os
from pathlib import Path

import numpy as np

from tsaugment.benchmark.quality import fit_generator, load_quality_data, score_synthetic

GENERATORS = ("timegan", "avatar", "aae")
FIELDS = [
    "dataset",
    "generator",
    "seed",
    "iterations",
    "fit_s",
    "discriminative",
    "predictive",
    "metric_runs",
    "discriminative_runs_std",
    "predictive_runs_std",
    "discriminative_trimmed",
    "predictive_trimmed",
    "discriminative_runs",
    "predictive_runs",
]


def fit_and_sample(
    name: str, X, *, iterations: int, seed: int, device: str, verbose: bool, params=None
):
    """Fit one generator and draw ``len(X)`` series; return them and the fit time."""
    generator, fit_s = fit_generator(
        name,
        X,
        iterations=iterations,
        seed=seed,
        params={"device": device, **(params or {})},
        verbose=verbose,
    )
    X_synth, _ = generator.sample(len(X))
    return X_synth, fit_s


def _parse_setting(item: str):
    """``"name=value"`` to ``(name, value)``, the value read as a Python literal if it is one."""
    import ast

    name, sep, value = item.partition("=")
    if not sep:
        raise SystemExit(f"--set takes NAME=VALUE, got {item!r}")
    try:
        return name, ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return name, value


def _check_csv(path) -> None:
    """Refuse, before any fit, a results file written with other columns."""
    if path and os.path.exists(path):
        with open(path, newline="") as fh:
            header = next(csv.reader(fh), [])
        if header != FIELDS:
            raise SystemExit(f"{path} has the columns {header}, not {FIELDS}: use a new --csv file")


def _append(path, row) -> None:
    new = not os.path.exists(path)
    with open(path, "a", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=FIELDS)
        if new:
            writer.writeheader()
        writer.writerow(row)


def summarise(rows) -> list[dict]:
    """Mean and standard deviation over seeds per data set and generator."""
    groups: dict = {}
    for row in rows:
        groups.setdefault((row["dataset"], row["generator"], row["iterations"]), []).append(row)
    out = []
    for (dataset, generator, iterations), group in groups.items():
        summary = {"dataset": dataset, "generator": generator, "iterations": iterations}
        summary["n_seeds"] = len(group)
        for key in ("fit_s", "discriminative", "predictive", "discriminative_trimmed"):
            values = np.array([float(r[key]) for r in group])
            summary[key] = float(np.mean(values))
            summary[key + "_std"] = float(np.std(values, ddof=1)) if len(values) > 1 else 0.0
        out.append(summary)
    return out


def print_table(summary) -> None:
    head = f"{'dataset':<8}{'generator':<10}{'iters':>7}{'seeds':>6}"
    print(head + f"{'discriminative':>20}{'predictive':>20}{'disc. trimmed':>20}{'fit (s)':>14}")
    keys = ("discriminative", "predictive", "discriminative_trimmed")
    for s in summary:
        cells = [f"{s[k]:.3f} ± {s[k + '_std']:.3f}" for k in keys]
        print(
            f"{s['dataset']:<8}{s['generator']:<10}{s['iterations']:>7}{s['n_seeds']:>6}"
            f"{cells[0]:>20}{cells[1]:>20}{cells[2]:>20}{s['fit_s']:>9.0f} ± {s['fit_s_std']:.0f}"
        )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", nargs="+", default=["sines", "stocks"])
    parser.add_argument("--generators", nargs="+", default=list(GENERATORS), choices=GENERATORS)
    parser.add_argument("--iterations", type=int, default=1000, help="iterations per phase")
    parser.add_argument(
        "--sines-channels", type=int, default=5, help="5 as TimeGAN's paper, 4 as AVATAR's"
    )
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--metric-runs", type=int, default=1, help="post-hoc runs per score")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--csv", help="append one row per cell to this CSV file")
    parser.add_argument("--json", help="write the per-seed rows and the summary here")
    parser.add_argument("--save-dir", help="keep real and synthetic series as .npz here")
    parser.add_argument("--score-only", action="store_true", help="score the --save-dir files")
    parser.add_argument("--threads", type=int, help="torch threads (1 on a loaded machine)")
    parser.add_argument(
        "--set",
        nargs="+",
        default=[],
        metavar="NAME=VALUE",
        help="other hyperparameters of the generators, e.g. weight_init=torch",
    )
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    params = dict(_parse_setting(item) for item in args.set)
    settings = "".join(f"_{k}-{v}" for k, v in params.items())  # in names and rows
    _check_csv(args.csv)
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)

    rows = []
    # Sines is drawn once (seed 0): every training seed sees the same series
    data = {
        name: load_quality_data(name, 0, n_channels=args.sines_channels)[0]
        for name in args.datasets
    }
    for dataset, X in data.items():
        for name in args.generators:
            for seed in args.seeds:
                label = dataset
                if dataset == "sines" and args.sines_channels != 5:
                    label = f"sines{args.sines_channels}"
                stem = f"{label}_{name}{settings}_it{args.iterations}_seed{seed}"
                saved = Path(args.save_dir or ".") / f"{stem}.npz"
                if args.score_only:
                    if not saved.exists():
                        continue
                    stored = np.load(saved)
                    X_synth, fit_s = stored["X_synth"], float(stored["fit_s"])
                else:
                    print(f"{stem}: fitting", flush=True)
                    X_synth, fit_s = fit_and_sample(
                        name,
                        X,
                        iterations=args.iterations,
                        seed=seed,
                        device=args.device,
                        verbose=args.verbose,
                        params=params,
                    )
                    if args.save_dir:
                        saved.parent.mkdir(parents=True, exist_ok=True)
                        np.savez_compressed(saved, X_synth=X_synth, fit_s=fit_s)
                scores = score_synthetic(
                    X, X_synth, seed=seed, n_runs=args.metric_runs, device=args.device
                )
                row = {
                    "dataset": label,
                    "generator": name + settings,
                    "seed": seed,
                    "iterations": args.iterations,
                    "fit_s": round(fit_s, 1),
                    **scores,
                }
                print(f"{stem}: {row}", flush=True)
                rows.append(row)
                if args.csv:
                    _append(args.csv, row)
    summary = summarise(rows)
    print_table(summary)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"rows": rows, "summary": summary}, fh, indent=2)


if __name__ == "__main__":
    main()
