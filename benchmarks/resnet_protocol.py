"""ResNetClassifier's training protocol on small UCR sets: accuracy against fit time.

One fit per data set and seed at the default protocol (the published one: training-loss
selection, plateau halving, batch ``int(min(n/10, 64))``), with the test set passed as
``validation_data``: with ``selection="train_loss"`` it is only scored (the reference
code monitors its test set too), at each epoch whose weights become the kept ones (a
new lowest training loss). ``history_`` holds, per epoch, the training loss, the
learning rate and the training seconds, and the test accuracy at those epochs.
Training never sees the test set, and the scoring draws no random numbers, so a fit
with fewer epochs, or with an early-termination rule (``patience``, ``stop_loss``), is
a prefix of this fit: its kept weights are those of the lowest training loss up to
where it stops, and its test accuracy is the one scored at that epoch. ``run`` writes
the curves; ``summarise`` reads those settings off them.

Usage::

    python benchmarks/resnet_protocol.py run --root DIR --out OUT --n-epochs 1500 \\
        [--datasets ArrowHead Beef ...] [--seeds 0 1 2] [--threads 1] [--deadline HH:MM]
    python benchmarks/resnet_protocol.py summarise --out OUT [--reference FILE] \\
        [--old-default FILE]

``--root`` defaults to the TSAUGMENT_DATA variable. ``run`` appends to
``OUT/curves.csv`` (one row per epoch) and ``OUT/fits.csv`` (one row per fit) and skips
fits already there, so it can be resumed. ``--deadline`` (UTC) skips a fit whose
estimated time would pass it.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from tsaugment import ResNetClassifier
from tsaugment.datasets import load_ucr

DATASETS = ["ArrowHead", "Beef", "Wine", "BeetleFly", "FaceFour"]
CURVE_FIELDS = [
    "dataset",
    "seed",
    "epoch",
    "loss",
    "lr",
    "seconds",
    "test_loss",
    "test_accuracy",
]
FIT_FIELDS = [
    "dataset",
    "seed",
    "n_train",
    "batch_size",
    "n_epochs",
    "best_epoch",
    "test_accuracy",
    "fit_seconds",
    "train_seconds",
    "threads",
    "load_average",
]
# the settings read off the curves: (name, n_epochs, patience, stop_loss)
SETTINGS = [
    ("published (1500 epochs)", 1500, None, None),
    ("1000 epochs", 1000, None, None),
    ("750 epochs", 750, None, None),
    ("500 epochs", 500, None, None),
    ("400 epochs", 400, None, None),
    ("300 epochs", 300, None, None),
    ("200 epochs", 200, None, None),
    ("100 epochs", 100, None, None),
    ("stop_loss=1e-3", 1500, None, 1e-3),
    ("stop_loss=1e-2", 1500, None, 1e-2),
    ("patience=50", 1500, 50, None),
    ("patience=100", 1500, 100, None),
]
MIN_DELTA = 1e-4  # ResNetClassifier's improvement threshold for ``patience``


def append_rows(path: Path, fields: list[str], rows: list[dict]) -> None:
    new = not path.exists()
    with path.open("a", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        if new:
            writer.writeheader()
        writer.writerows(rows)


def run(args) -> None:
    torch.set_num_threads(args.threads)
    root = args.root or os.environ.get("TSAUGMENT_DATA")
    if not root:
        sys.exit("give --root or set TSAUGMENT_DATA")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    done = set()
    if (out / "fits.csv").exists():
        fits = pd.read_csv(out / "fits.csv")
        done = set(zip(fits.dataset, fits.seed, fits.n_epochs))
    deadline = None
    if args.deadline:
        hh, mm = map(int, args.deadline.split(":"))
        now = dt.datetime.now(dt.timezone.utc)
        deadline = now.replace(hour=hh, minute=mm, second=0, microsecond=0)
    print(
        f"torch {torch.__version__}, threads {torch.get_num_threads()}, "
        f"{platform.processor() or platform.machine()}, load {os.getloadavg()}",
        flush=True,
    )
    per_epoch = {}  # data set -> seconds per epoch seen so far (for the deadline)
    for seed in args.seeds:
        for name in args.datasets:
            if (name, seed, args.n_epochs) in done:
                continue
            if deadline is not None and name in per_epoch:
                left = (deadline - dt.datetime.now(dt.timezone.utc)).total_seconds()
                if per_epoch[name] * args.n_epochs > left:
                    print(f"skip {name} seed {seed}: would pass the deadline", flush=True)
                    continue
            X, y = load_ucr(name, split="train", root=root)
            X_test, y_test = load_ucr(name, split="test", root=root)
            clf = ResNetClassifier(n_epochs=args.n_epochs, device="cpu", random_state=seed)
            start = time.perf_counter()
            clf.fit(X, y, validation_data=(X_test, y_test))
            elapsed = time.perf_counter() - start
            accuracy = clf.score(X_test, y_test)
            h = clf.history_["train"]
            scored = dict(
                zip(
                    clf.history_["checkpoints"]["epoch"],
                    zip(
                        clf.history_["checkpoints"]["val_loss"],
                        clf.history_["checkpoints"]["val_accuracy"],
                    ),
                )
            )
            assert abs(scored[clf.best_epoch_][1] - accuracy) < 1e-6, "kept weights differ"
            per_epoch[name] = elapsed / clf.n_epochs_
            curve = [
                {
                    "dataset": name,
                    "seed": seed,
                    "epoch": i + 1,
                    "loss": h["loss"][i],
                    "lr": h["lr"][i],
                    "seconds": round(h["seconds"][i], 4),
                    "test_loss": scored.get(i + 1, (None, None))[0],
                    "test_accuracy": scored.get(i + 1, (None, None))[1],
                }
                for i in range(clf.n_epochs_)
            ]
            append_rows(out / "curves.csv", CURVE_FIELDS, curve)
            row = {
                "dataset": name,
                "seed": seed,
                "n_train": len(X),
                "batch_size": clf.batch_size_,
                "n_epochs": clf.n_epochs_,
                "best_epoch": clf.best_epoch_,
                "test_accuracy": accuracy,
                "fit_seconds": round(elapsed, 1),
                "train_seconds": round(float(np.sum(h["seconds"])), 1),
                "threads": torch.get_num_threads(),
                "load_average": round(os.getloadavg()[0], 2),
            }
            append_rows(out / "fits.csv", FIT_FIELDS, [row])
            print(row, flush=True)


def stop_epoch(loss: np.ndarray, n_epochs: int, patience, stop_loss) -> int:
    """Epochs ResNetClassifier would run with these settings, given the loss curve."""
    n = min(n_epochs, len(loss))
    best, since = np.inf, 0
    for e in range(n):
        if loss[e] < best - MIN_DELTA:
            best, since = loss[e], 0
        else:
            since += 1
        if stop_loss is not None and loss[e] < stop_loss:
            return e + 1
        if patience is not None and since >= patience:
            return e + 1
    return n


def summarise(args) -> None:
    out = Path(args.out)
    curves = pd.read_csv(out / "curves.csv")
    rows = []
    for (name, seed), c in curves.groupby(["dataset", "seed"], sort=False):
        c = c.sort_values("epoch")
        loss = c["loss"].to_numpy()
        for setting, n_epochs, patience, stop_loss in SETTINGS:
            if n_epochs > len(loss) and patience is None and stop_loss is None:
                continue  # the curve is too short to tell
            stop = stop_epoch(loss, n_epochs, patience, stop_loss)
            if stop == len(loss) and len(loss) < n_epochs:
                continue  # the rule had not stopped by the end of the curve
            best = int(np.argmin(loss[:stop]))  # the first lowest, as the checkpoint keeps
            rows.append(
                {
                    "setting": setting,
                    "dataset": name,
                    "seed": seed,
                    "epochs_run": stop,
                    "best_epoch": best + 1,
                    "accuracy": c["test_accuracy"].iloc[best],
                    "train_seconds": c["seconds"].iloc[:stop].sum(),
                }
            )
    table = pd.DataFrame(rows)
    table.to_csv(out / "settings.csv", index=False, float_format="%.4f")
    agg = (
        table.groupby(["setting", "dataset"], sort=False)
        .agg(
            accuracy=("accuracy", "mean"),
            sd=("accuracy", "std"),
            seeds=("seed", "count"),
            epochs=("epochs_run", "mean"),
            seconds=("train_seconds", "mean"),
        )
        .reset_index()
    )
    if args.reference:
        ref = pd.read_csv(args.reference).drop_duplicates("dataset")
        agg = agg.merge(
            ref[["dataset", "accuracy_mean", "accuracy_std"]], on="dataset", how="left"
        ).rename(columns={"accuracy_mean": "reference", "accuracy_std": "reference_sd"})
    if args.old_default:
        old = pd.read_csv(args.old_default)
        old = old[old["rule"] == "validation"]
        print("old default (validation fifth, 300 epochs, patience 50, batch 16):")
        print(
            old.groupby("dataset")
            .agg(accuracy=("accuracy", "mean"), sd=("accuracy", "std"), seconds=("seconds", "mean"))
            .round(3)
            .to_string()
        )
    pd.set_option("display.width", 200)
    print(agg.round(3).to_string(index=False))
    agg["share_of_published"] = agg["epochs"] / 1500  # an epoch's cost is fixed per set
    print(markdown_table(table, args))
    means = agg.groupby("setting", sort=False).agg(
        accuracy=("accuracy", "mean"),
        seconds=("seconds", "sum"),
        share_of_published=("share_of_published", "mean"),
        datasets=("dataset", "count"),
    )
    print(means.round(3).to_string())


def cell(values) -> str:
    values = np.asarray(values, dtype=float)
    if len(values) == 0:
        return "–"
    if len(values) == 1:
        return f"{values[0]:.3f} (1)"
    return f"{values.mean():.3f} ± {values.std(ddof=1):.3f} ({len(values)})"


def markdown_table(table: pd.DataFrame, args) -> str:
    """Accuracy per setting and data set (mean ± sd over seeds, seed count), Markdown."""
    names = list(dict.fromkeys(table["dataset"]))
    lines = [
        "| setting | " + " | ".join(names) + " | mean | epochs run (share of 1,500) |",
        "|---" * (len(names) + 3) + "|",
    ]
    for setting, rows in table.groupby("setting", sort=False):
        per_set = [rows.loc[rows["dataset"] == n, "accuracy"] for n in names]
        complete = all(len(v) for v in per_set)
        mean = f"{np.mean([v.mean() for v in per_set]):.3f}" if complete else "–"
        epochs = rows["epochs_run"].mean()
        lines.append(
            f"| {setting} | "
            + " | ".join(cell(v) for v in per_set)
            + f" | {mean} | {epochs:.0f} ({epochs / 1500:.0%}) |"
        )
    if args.old_default:
        old = pd.read_csv(args.old_default)
        old = old[old["rule"] == "validation"]
        per_set = [old.loc[old["dataset"] == n, "accuracy"] for n in names]
        mean = np.mean([v.mean() for v in per_set])
        lines.append(
            "| old default | " + " | ".join(cell(v) for v in per_set) + f" | {mean:.3f} | |"
        )
    if args.reference:
        ref = pd.read_csv(args.reference).drop_duplicates("dataset").set_index("dataset")
        vals = [ref.loc[n, "accuracy_mean"] for n in names]
        sds = [ref.loc[n, "accuracy_std"] for n in names]
        lines.append(
            "| published | "
            + " | ".join(f"{v:.3f} ± {sd:.3f}" for v, sd in zip(vals, sds))
            + f" | {np.mean(vals):.3f} | 1500 (100%) |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("run", help="fit and write the curves")
    p.add_argument("--root", default=None, help="UCR folder (default: $TSAUGMENT_DATA)")
    p.add_argument("--out", required=True)
    p.add_argument("--datasets", nargs="+", default=DATASETS)
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--n-epochs", type=int, default=1500)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--deadline", default=None, help="UTC HH:MM; skip fits that would pass it")
    p.set_defaults(func=run)
    s = sub.add_parser("summarise", help="accuracy and time per setting from the curves")
    s.add_argument("--out", required=True)
    s.add_argument("--reference", default=None, help="CSV: dataset, accuracy_mean, accuracy_std")
    s.add_argument("--old-default", default=None, help="resnet_selection results.csv")
    s.set_defaults(func=summarise)
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
