"""DiffusionTSGenerator on Stocks (or Sines) at the paper's settings: speed and TimeGAN scores.

Fits :class:`tsaugment.DiffusionTSGenerator` at its defaults (the paper's Stocks
settings: 2 + 2 layers, width 64, 4 heads, 500 diffusion steps, batches of 2 x 64, the
authors' warm-up and plateau schedule, weight averaging) for ``--iterations`` steps on
TimeGAN's Stocks windows (3,661 series of 24 days, 6 channels), then draws as many
series as there are real ones with each sampler in ``--sampling-steps`` (500: the
paper's ancestral sampler; fewer: the fast DDIM-like one) and scores each draw with
the discriminative and predictive scores (``--metric-runs`` post-hoc runs each).

Every finished row is appended to ``--csv`` at once; the fitted model is saved next to
it (``--model``) and the draws as ``.npy`` files in ``--save-dir``. ``--synth FILE``
scores a saved draw again (e.g. with more ``--metric-runs``) without fitting.
``--time-order file`` fits and scores on each window in the data file's chronological
order, as the authors' code reads it (TimeGAN's loader reverses the file).
``--dataset sines`` fits TimeGAN's Sines instead (10,000 series of 24 steps, 5
channels, the draw ``tsaugment quality`` uses) at the paper's Sines settings
(``Config/sines.yaml``: one encoder layer, batches of 2 x 128, plateau patience 3,000;
its run is ``--iterations 12000``).
``--schedule scaled`` keeps the paper's schedule in proportion to ``--iterations``
(warm-up and patience times ``iterations`` / the paper's run: for Stocks
``iterations // 20`` and ``iterations // 5``, the benchmark's ``diffusion_ts``) instead
of its fixed step counts, for runs shorter than the paper's.

A fitted model given by ``--model`` is reused only if it was fitted with the settings
asked for; a ``--csv`` is appended to only with its own columns (older files lack the
last ones, which must then be at their defaults), both checked before any work.

Usage::

    OMP_NUM_THREADS=1 PYTHONPATH=. python benchmarks/diffusion_ts_stocks.py \
        --iterations 10000 --sampling-steps 50 500 --metric-runs 3 \
        --csv benchmarks/runs/diffusion_ts/stocks.csv
"""

from __future__ import annotations

import argparse
import csv
import os
import time
from pathlib import Path

import numpy as np
import torch

from tsaugment import DiffusionTSGenerator
from tsaugment.benchmark.quality import load_quality_data
from tsaugment.datasets import load_stocks
from tsaugment.metrics import discriminative_score, predictive_score

# the paper's runs (Config/stocks.yaml, Config/sines.yaml): its length, and the settings
# beyond the generator's defaults (which are Stocks's)
PAPER_RUNS = {
    "stocks": {"n_iter": 10000, "params": {}},
    "sines": {
        "n_iter": 12000,
        "params": {"n_layers_enc": 1, "batch_size": 128, "plateau_patience": 3000},
    },
}
# the columns older files lack, with the value a row must have to be appended to one
LATER_FIELDS = {"time_order": "timegan", "schedule": "paper", "dataset": "stocks"}

FIELDS = [
    "iterations",
    "seed",
    "fit_s",
    "train_steps_per_s",
    "sampling_steps",
    "n_series",
    "sample_s",
    "series_per_s",
    "discriminative",
    "discriminative_std",
    "predictive",
    "predictive_std",
    "metric_runs",
    "disc_runs",
    "pred_runs",
    "time_order",
    "schedule",
    "dataset",
]


def _columns(path: Path, args) -> list[str]:
    """The columns to append to ``path`` with: its own, if the rows fit them."""
    if not path.exists():
        return FIELDS
    with path.open(newline="") as fh:
        header = next(csv.reader(fh), [])
    missing = [f for f in FIELDS if f not in header]
    wrong = [f for f in missing if getattr(args, f) != LATER_FIELDS.get(f)]
    if header != FIELDS[: len(header)] or wrong:
        raise SystemExit(f"{path} has the columns {header}, not these rows'; use a new --csv.")
    return header


def _append(path: Path, row: dict, columns: list[str]) -> None:
    new = not path.exists()
    with path.open("a", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        if new:
            writer.writeheader()
        writer.writerow(row)
    print(row, flush=True)


def _settings(args) -> dict:
    """The generator's parameters for this run (the paper's, the schedule scaled)."""
    run = PAPER_RUNS[args.dataset]
    params = {"n_iter": args.iterations, "random_state": args.seed, **run["params"]}
    if args.schedule == "scaled":
        defaults = DiffusionTSGenerator().set_params(**run["params"])
        scale = args.iterations / run["n_iter"]
        params["warmup_iter"] = max(1, round(defaults.warmup_iter * scale))
        params["plateau_patience"] = max(1, round(defaults.plateau_patience * scale))
    return params


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", choices=list(PAPER_RUNS), default="stocks")
    parser.add_argument("--iterations", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sampling-steps", type=int, nargs="+", default=[50, 500])
    parser.add_argument("--metric-runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--csv", type=Path, default=Path("diffusion_ts_stocks.csv"))
    parser.add_argument("--model", type=Path, default=None, help="save / reuse the fit here")
    parser.add_argument("--save-dir", type=Path, default=None)
    parser.add_argument(
        "--synth",
        type=Path,
        default=None,
        help="score this saved draw (.npy from --save-dir; give its --iterations, --seed "
        "and --sampling-steps) instead of fitting and sampling",
    )
    parser.add_argument(
        "--time-order",
        choices=["timegan", "file"],
        default="timegan",
        help="timegan: TimeGAN's windows (the file reversed, newest day first, as "
        "load_stocks gives them); file: each window in the file's chronological order, "
        "as the Diffusion-TS code reads it (the same windows, time-reversed)",
    )
    parser.add_argument(
        "--schedule",
        choices=["paper", "scaled"],
        default="paper",
        help="paper: the paper's warm-up (500 steps) and plateau patience (Stocks 2,000, "
        "Sines 3,000); scaled: both in proportion to --iterations over the paper's run",
    )
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    args.columns = _columns(args.csv, args)

    X = load_stocks() if args.dataset == "stocks" else load_quality_data("sines", 0)[0]
    if args.time_order == "file" and args.dataset != "stocks":
        parser.error("--time-order file is Stocks's (the Diffusion-TS code's reading of its file)")
    if args.time_order == "file":
        X = np.ascontiguousarray(X[..., ::-1])
    if args.synth is not None:
        if len(args.sampling_steps) != 1:
            parser.error("--synth scores one draw: give one --sampling-steps")
        X_synth = np.load(args.synth, allow_pickle=False)
        _score(args, X, X_synth, args.sampling_steps[0], float("nan"), float("nan"))
        return
    model_path = args.model or args.csv.with_suffix(".model.zip")
    settings = _settings(args)
    if model_path.exists():
        gen = DiffusionTSGenerator.load(model_path)
        fitted = {k: v for k, v in gen.get_params().items() if k in settings}
        if fitted != settings or gen.n_channels_ != X.shape[1]:
            raise SystemExit(f"{model_path} was fitted with {fitted}, not {settings}.")
        fit_s = float("nan")
        print(f"loaded {model_path}", flush=True)
    else:
        gen = DiffusionTSGenerator(device="cpu", **settings)
        start = time.perf_counter()
        gen.fit(X)
        fit_s = time.perf_counter() - start
        gen.save(model_path)
        losses = gen.history_["diffusion"]["loss"]
        print(
            f"fit {fit_s:.0f} s; loss first 100 {np.mean(losses[:100]):.4f}, "
            f"last 100 {np.mean(losses[-100:]):.4f}",
            flush=True,
        )
    for steps in args.sampling_steps:
        gen.set_params(sampling_steps=None if steps >= gen.n_diffusion_steps else steps)
        start = time.perf_counter()
        X_synth, _ = gen.sample(len(X))
        sample_s = time.perf_counter() - start
        if args.save_dir is not None:
            os.makedirs(args.save_dir, exist_ok=True)
            np.save(args.save_dir / f"{args.dataset}_it{args.iterations}_s{steps}.npy", X_synth)
        _score(args, X, X_synth, steps, fit_s, sample_s)


def _score(args, X, X_synth, steps, fit_s, sample_s) -> None:
    """Discriminative and predictive scores of one draw, appended to ``--csv``."""
    disc = discriminative_score(
        X, X_synth, n_runs=args.metric_runs, random_state=0, device="cpu", return_all=True
    )
    pred = predictive_score(
        X, X_synth, n_runs=args.metric_runs, random_state=0, device="cpu", return_all=True
    )
    _append(
        args.csv,
        {
            "iterations": args.iterations,
            "seed": args.seed,
            "fit_s": round(fit_s, 1),
            "train_steps_per_s": round(args.iterations / fit_s, 3),
            "sampling_steps": steps,
            "n_series": len(X_synth),
            "sample_s": round(sample_s, 1),
            "series_per_s": round(len(X_synth) / sample_s, 1),
            "discriminative": round(disc.mean, 4),
            "discriminative_std": round(disc.std, 4),
            "predictive": round(pred.mean, 4),
            "predictive_std": round(pred.std, 4),
            "metric_runs": args.metric_runs,
            "disc_runs": " ".join(f"{s:.4f}" for s in disc.scores),
            "pred_runs": " ".join(f"{s:.4f}" for s in pred.scores),
            "time_order": args.time_order,
            "schedule": args.schedule,
            "dataset": args.dataset,
        },
        args.columns,
    )


if __name__ == "__main__":
    main()
