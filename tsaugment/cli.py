"""The ``tsaugment`` command line: benchmark, report, generate, quality.

Run ``tsaugment COMMAND --help`` for the options of each command.

Imports are lazy: ``tsaugment --help`` loads neither torch nor sktime (it answers in a
fraction of a second), and a command loads what it needs when it runs (the options of
a command, whose choices come from the catalogue, are built only for that command).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

__all__ = ["main", "build_parser"]

# one line per command, shown by `tsaugment --help`
_SUMMARIES = {
    "benchmark": "baseline versus augmented accuracy on UCR data sets",
    "report": "rebuild the report from results files",
    "generate": "fit a generator and write synthetic series to a file",
    "quality": "the TimeGAN protocol on Sines and Stocks; label fidelity on UCR data",
    "datasets": "fetch UCR data sets from the archive's site, or list them",
}


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Each option's default shown once, by argparse, never also in the help text.

    Options without a meaningful default (None, a flag's False) show none: their help
    says what happens when they are left out. Lists are shown as typed on the command
    line.
    """

    def _get_help_string(self, action):
        help_text = action.help or ""
        default = action.default
        if (
            default is None
            or default is False
            or default == argparse.SUPPRESS
            or "%(default)" in help_text
            or not action.option_strings
        ):
            return help_text
        shown = " ".join(map(str, default)) if isinstance(default, (list, tuple)) else default
        return f"{help_text} (default: {str(shown).replace('%', '%%')})"


def _add_benchmark(sub):
    from .benchmark import AUGMENTERS, BACKENDS, BUDGETS, CLASSIFIERS

    p = sub.add_parser(
        "benchmark",
        help=_SUMMARIES["benchmark"],
        description=(
            "Run the grid data sets x augmenters x classifiers x seeds. Each finished cell "
            "is appended to OUTPUT/results.csv at once; rerunning the same command skips "
            "finished cells. Ends with OUTPUT/report.md and plots, and prints the table."
        ),
        formatter_class=_HelpFormatter,
    )
    p.add_argument(
        "--datasets",
        nargs="+",
        default=["GunPoint"],
        help='UCR names, or "all" for every data set under --root',
    )
    p.add_argument(
        "--root",
        help="folder of UCR data sets (ROOT/NAME/NAME_TRAIN.tsv); when omitted: "
        "$TSAUGMENT_DATA, then the data sets bundled with sktime",
    )
    p.add_argument(
        "--augmenters",
        nargs="+",
        default=["none", "jitter", "magnitude_warp", "window_warp", "vae"],
        help=f"from: {', '.join(AUGMENTERS)}; also 'auto' (chosen per cell by "
        "cross-validation), 'auto:CLASSIFIER' (the same choice, scored by that cheaper "
        "classifier), NAME+label (NAME with the label filter), NAME+realism (NAME "
        "with the realism filter) and NAME+label+realism (both)",
    )
    _add_import(p)
    p.add_argument(
        "--classifiers", nargs="+", default=["rocket"], help=f"from: {', '.join(CLASSIFIERS)}"
    )
    p.add_argument(
        "--seeds",
        nargs="+",
        type=int,
        default=[0, 1, 2, 3, 4],
        help="random seeds, one run each; baseline and augmented cells pair by seed",
    )
    p.add_argument("--ratio", type=float, default=1.0, help="synthetic series per original")
    p.add_argument(
        "--budget",
        default="small",
        help=f"{', '.join(BUDGETS)} or a number of iterations; budgets scale the "
        "generators only, every classifier trains at its default protocol; 'fidelity' "
        "chooses each learned generator's budget per cell by the held-out label fidelity "
        "of its samples (column budget_passes)",
    )
    p.add_argument(
        "--set",
        nargs="+",
        metavar="SCOPE.PARAM=VALUE",
        help="override a classifier's defaults for a quick run (resnet.n_epochs=2), or "
        "auto's search (auto.n_repeats=3; also cv, min_gain, alpha); a setting enters "
        "the cells' keys, so such results never pass for the defaults'",
    )
    p.add_argument("--output", default="results", help="folder for results.csv and the report")
    p.add_argument("--n-jobs", type=int, default=1, help="cells run in parallel")
    p.add_argument(
        "--torch-threads",
        type=int,
        default=1,
        help="torch threads per cell; results depend on it, so it is fixed (use --n-jobs "
        "for more cores); 0: as many as torch picks (faster, not reproducible across machines)",
    )
    p.add_argument(
        "--backend",
        choices=BACKENDS,
        default="joblib",
        help="where cells run: " + ", ".join(BACKENDS),
    )
    p.add_argument(
        "--scheduler",
        help="Dask scheduler or Ray cluster address; when omitted: a local cluster",
    )
    p.add_argument(
        "--no-resume",
        action="store_true",
        help="start a new results file (and delete the saved synthetic sets)",
    )
    p.add_argument(
        "--no-reuse-synthetic",
        action="store_true",
        help="fit the augmenter in every cell instead of saving each synthetic set under "
        "OUTPUT/synthetic and training every classifier on it",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_device_options(p)
    p.set_defaults(func=_cmd_benchmark)


def _add_device_options(p) -> None:
    devices = "auto, cpu, cuda or cuda:N; when omitted: each model's own (auto: CUDA if present)"
    p.add_argument("--generator-device", help=f"device of the generators that take one ({devices})")
    p.add_argument(
        "--classifier-device", help=f"device of the classifiers that take one ({devices})"
    )


def _cmd_benchmark(args) -> int:
    from .benchmark import parse_settings, run_benchmark, write_report
    from .datasets import list_ucr

    _import_modules(args.import_modules)
    datasets = args.datasets
    if datasets == ["all"]:
        root = args.root or os.environ.get("TSAUGMENT_DATA")
        if not root:
            raise ValueError('"all" needs --root (or $TSAUGMENT_DATA): the folder of data sets.')
        if not Path(root).expanduser().is_dir():
            raise ValueError(f"the data folder {root} does not exist (--root or $TSAUGMENT_DATA).")
        datasets = list_ucr(root)["root"]
        if not datasets:
            raise ValueError(
                f"no UCR data sets under {root}: expected ROOT/NAME/NAME_TRAIN.tsv (or .ts)."
            )
    settings = parse_settings(args.set or [], scoped=True)
    auto_params = settings.pop("auto", {})
    results = run_benchmark(
        datasets,
        augmenters=args.augmenters,
        classifiers=args.classifiers,
        seeds=args.seeds,
        ratio=args.ratio,
        budget=args.budget,
        root=args.root,
        output=args.output,
        n_jobs=args.n_jobs,
        backend=args.backend,
        scheduler=args.scheduler,
        resume=not args.no_resume,
        reuse_synthetic=not args.no_reuse_synthetic,
        torch_threads=args.torch_threads or None,
        classifier_params=settings,
        auto_params=auto_params,
        generator_device=args.generator_device,
        classifier_device=args.classifier_device,
        verbose=not args.quiet,
    )
    print(write_report(results, args.output))
    print(
        f"results: {Path(args.output) / 'results.csv'}; report: {Path(args.output) / 'report.md'}"
    )
    return 0


def _add_report(sub):
    p = sub.add_parser(
        "report",
        help=_SUMMARIES["report"],
        description=(
            "Rebuild report.md and the plots from the results.csv of `tsaugment benchmark`. "
            "Several files (pieces of one grid run on different machines, or with "
            "different augmenters) are merged first; a cell recorded in more than one "
            "file is taken from the last file given."
        ),
        formatter_class=_HelpFormatter,
    )
    p.add_argument("results", nargs="+", help="path(s) to results.csv")
    p.add_argument(
        "--output", help="folder for the report; when omitted: the first results file's folder"
    )
    p.add_argument(
        "--reference",
        help="CSV of published accuracies (columns dataset, accuracy, optional std): the "
        "baseline is printed beside it, flagged where more than 2 std (or 0.03) below",
    )
    p.add_argument(
        "--protocol",
        help="how the classifiers were trained, for the report's first lines; when omitted: "
        "at their default protocol in every budget, the rule of `tsaugment benchmark`",
    )
    p.set_defaults(func=_cmd_report)


def _cmd_report(args) -> int:
    import pandas as pd

    from .benchmark import ResultsStore, write_report

    paths = [Path(p) for p in args.results]
    for path in paths:
        if not path.is_file():
            raise ValueError(f"no results file at {path}.")
    frames = [ResultsStore(path).read() for path in paths]
    results = pd.concat(frames, ignore_index=True).drop_duplicates("key", keep="last")
    output = args.output or paths[0].parent
    results = results.reset_index(drop=True)
    protocol = {"protocol": args.protocol} if args.protocol else {}
    print(write_report(results, output, reference=args.reference, **protocol))
    if args.reference:
        _print_reference(results, args.reference)
    return 0


def _print_reference(results, reference) -> None:
    from .benchmark import reference_check

    check = reference_check(results, reference)
    if check.empty:
        print("no data set of the results is in the reference file.")
        return
    for clf, group in check.groupby("classifier"):
        flagged = group[group["below"]]
        names = ", ".join(flagged["dataset"]) or "none"
        print(
            f"{clf}: baseline {group['baseline'].mean():.4f} against reference "
            f"{group['reference'].mean():.4f} over {len(group)} data sets; "
            f"{len(flagged)} below the reference by more than 2 std (or 0.03): {names}"
        )


def _add_generate(sub):
    from .benchmark import AUGMENTERS

    p = sub.add_parser(
        "generate",
        help=_SUMMARIES["generate"],
        description=(
            "Fit a generator on a UCR data set (training split) or on a CSV file (one "
            "series per row, the label first unless --no-labels) and write synthetic "
            "series: .npz (arrays X and y) or .csv (univariate: label then values)."
        ),
        formatter_class=_HelpFormatter,
    )
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--dataset", help="UCR data set name")
    source.add_argument("--csv", help="CSV file of series")
    p.add_argument(
        "--root",
        help="folder of UCR data sets; when omitted: $TSAUGMENT_DATA, then sktime's bundle",
    )
    p.add_argument("--no-labels", action="store_true", help="the CSV has no label column")
    generators = [a for a in AUGMENTERS if a != "none"]
    p.add_argument("--generator", default="jitter", help="from: " + ", ".join(generators))
    _add_import(p)
    p.add_argument("--n-samples", type=int, default=100, help="synthetic series to write")
    p.add_argument(
        "--budget",
        default="small",
        help="training budget: a named one ('fidelity': chosen on the labelled data) or a "
        "number of iterations",
    )
    p.add_argument("--seed", type=int, default=0, help="random seed of the generator")
    p.add_argument("--output", required=True, help="file to write (.npz or .csv)")
    p.set_defaults(func=_cmd_generate)


def _read_csv_series(path, has_labels: bool):
    import pandas as pd

    frame = pd.read_csv(path, header=None, float_precision="round_trip")  # exact values
    if has_labels:
        y = frame.iloc[:, 0].astype(str).to_numpy()
        X = frame.iloc[:, 1:].to_numpy(dtype=float)
    else:
        y, X = None, frame.to_numpy(dtype=float)
    return X[:, None, :], y


def _check_output_file(out: Path) -> None:
    """Refuse an output the command could not write, before any fitting."""
    if out.suffix not in (".npz", ".csv"):
        raise ValueError(f"output must end in .npz or .csv, got {out.name!r}.")
    if out.is_dir():
        raise ValueError(f"output {out} is a folder; give a file name ending in {out.suffix}.")
    folder = out.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ValueError(f"cannot create the output folder {folder}: {err.strerror}.") from err
    if not os.access(folder, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise ValueError(f"cannot write {out}: permission denied.")


def _write_csv(out: Path, X_new, y_new) -> None:
    """Univariate series, one per row (label first), quoted where a label needs it."""
    import csv

    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        for i, row in enumerate(X_new[:, 0, :]):
            values = [f"{v:.8g}" for v in row]
            writer.writerow(values if y_new is None else [y_new[i], *values])


def _cmd_generate(args) -> int:
    import numpy as np

    from .benchmark import fidelity_budget, make_augmenter, resolve_budget
    from .benchmark._registry import budget_search
    from .datasets import load_ucr

    _import_modules(args.import_modules)
    if args.generator == "none":
        raise ValueError('"none" draws nothing; choose a generator.')
    out = Path(args.output)
    _check_output_file(out)
    if args.n_samples < 1:
        raise ValueError(f"--n-samples must be at least 1, got {args.n_samples}.")
    if args.dataset:
        X, y = load_ucr(args.dataset, split="train", root=args.root)
    else:
        X, y = _read_csv_series(args.csv, has_labels=not args.no_labels)
    if out.suffix == ".csv" and X.ndim == 3 and X.shape[1] != 1:
        raise ValueError(
            f"CSV output holds univariate series; the data have {X.shape[1]} channels: write .npz."
        )
    settings = resolve_budget(args.budget)
    generator = make_augmenter(args.generator, settings, args.seed)
    if budget_search(settings, args.seed) is not None:
        if y is None:
            raise ValueError(
                f"--budget {args.budget} chooses the budget by the label fidelity of the "
                "samples: it needs labelled data."
            )
        generator = fidelity_budget(generator, settings, X, y, args.seed)[0]
        generator.set_params(random_state=args.seed)  # the search seeds its own fits
    generator.fit(X, y)
    X_new, y_new = generator.sample(args.n_samples)
    if out.suffix == ".npz":
        arrays = {"X": X_new} if y_new is None else {"X": X_new, "y": y_new.astype(str)}
        np.savez(out, **arrays)
    else:
        _write_csv(out, X_new, y_new)
    print(f"wrote {len(X_new)} series of shape {X_new.shape[1:]} to {out}")
    return 0


def _add_quality(sub):
    from .benchmark import AUGMENTERS

    p = sub.add_parser(
        "quality",
        help=_SUMMARIES["quality"],
        description=(
            "Train generators on Sines and Stocks, draw as many synthetic series as real "
            "ones, and report the TimeGAN-protocol discriminative and predictive scores "
            "(lower is better) beside the real-versus-real floor, per seed and summarised "
            "over seeds. Sines is drawn once (seed 0) for every training seed. On a "
            "labelled UCR data set the generators fit class-conditionally on its training "
            "split and draw its class counts; the rows add label fidelity (the share of "
            "synthetic series MiniRocket fitted on the training split puts in their class; "
            "= TRTS) and TSTR (MiniRocket trained on the synthetic set, accuracy on the "
            "test split), higher is better; the floor is the test split."
        ),
        formatter_class=_HelpFormatter,
    )
    p.add_argument(
        "--generators",
        nargs="+",
        default=["timegan", "avatar", "aae"],
        help=f"from: {', '.join(a for a in AUGMENTERS if a != 'none')}",
    )
    _add_import(p)
    p.add_argument(
        "--datasets",
        nargs="+",
        default=["sines", "stocks"],
        help="data sets to train and score on: sines, stocks, or UCR data set names "
        "(labelled: label fidelity and TSTR too)",
    )
    p.add_argument(
        "--root",
        help="folder of UCR data sets; when omitted: $TSAUGMENT_DATA, then sktime's bundle",
    )
    p.add_argument(
        "--no-timegan-scores",
        action="store_true",
        help="skip the discriminative and predictive scores: label fidelity and TSTR only "
        "(UCR data sets; much faster)",
    )
    p.add_argument("--iterations", type=int, default=1000, help="training iterations per phase")
    p.add_argument(
        "--metric-iterations",
        type=int,
        default=None,
        help="post-hoc GRU iterations; when omitted: the protocol's 2,000 (discriminative) "
        "and 5,000 (predictive)",
    )
    p.add_argument(
        "--metric-runs",
        type=int,
        default=1,
        help="post-hoc repetitions averaged per score (TimeGAN's tables: 10)",
    )
    p.add_argument("--seeds", nargs="+", type=int, default=[0], help="random seeds, one run each")
    p.add_argument(
        "--sines-channels", type=int, default=5, help="channels of Sines (AVATAR's tutorial: 4)"
    )
    p.add_argument(
        "--set",
        nargs="+",
        metavar="PARAM=VALUE",
        help="other hyperparameters of every generator (weight_init=torch)",
    )
    p.add_argument(
        "--device", default="auto", help="device of the generators and post-hoc networks"
    )
    p.add_argument("--threads", type=int, help="torch threads; when omitted: torch's choice")
    p.add_argument("--no-floor", action="store_true", help="skip the real-versus-real rows")
    p.add_argument("--save-dir", help="folder that keeps each synthetic set as .npz")
    p.add_argument(
        "--score-only",
        action="store_true",
        help="fit nothing: score the synthetic sets saved under --save-dir",
    )
    p.add_argument(
        "--output",
        help="CSV file receiving each row as it is measured (appended to); when omitted: "
        "printed only",
    )
    p.add_argument("--verbose", action="store_true", help="progress of every fit and row")
    p.set_defaults(func=_cmd_quality)


def _cmd_quality(args) -> int:
    from .benchmark import parse_settings
    from .benchmark.quality import run_quality, summarise_quality

    _import_modules(args.import_modules)
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    table = run_quality(
        generators=args.generators,
        datasets=args.datasets,
        iterations=args.iterations,
        metric_iterations=args.metric_iterations,
        metric_runs=args.metric_runs,
        seeds=args.seeds,
        sines_channels=args.sines_channels,
        params=parse_settings(args.set or []),
        device=args.device,
        floor=not args.no_floor,
        save_dir=args.save_dir,
        score_only=args.score_only,
        output=args.output,
        root=args.root,
        timegan_scores=not args.no_timegan_scores,
        verbose=args.verbose,
    )
    columns = ["dataset", "generator", "seed", "iterations", "fit_s", "sample_s"]
    if not args.no_timegan_scores:
        columns += ["discriminative", "predictive", "discriminative_trimmed"]
        columns += ["predictive_trimmed"]
    if table["label_fidelity"].notna().any():
        columns += ["label_fidelity", "tstr"]
    print(table[columns].to_markdown(index=False, floatfmt=".4f"))
    if len(table) and table["seed"].nunique() > 1:
        print()
        print(summarise_quality(table).to_markdown(index=False, floatfmt=".4f"))
    return 0


def _add_import(parser) -> None:
    parser.add_argument(
        "--import",
        dest="import_modules",
        nargs="+",
        metavar="MODULE",
        help="import these modules first (from the working folder or the Python path): "
        "generators they add with tsaugment.benchmark.register become names here",
    )


def _import_modules(names) -> None:
    import importlib

    if names and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())  # as `python -m` does
    for name in names or ():
        importlib.import_module(name)


def _add_datasets(sub):
    p = sub.add_parser(
        "datasets",
        help=_SUMMARIES["datasets"],
        description="Fetch or list UCR/UEA data sets.",
    )
    commands = p.add_subparsers(
        dest="datasets_command",
        required=True,
        metavar="ACTION",
        help="download: fetch data sets into the data folder; list: what is there",
    )
    get = commands.add_parser(
        "download",
        help="download data sets into the data folder",
        description=(
            "Download UCR/UEA data sets (NAME_TRAIN.ts and NAME_TEST.ts) from "
            "timeseriesclassification.com into ROOT/NAME, resuming an interrupted "
            "transfer; a data set already there is left alone (--force fetches it "
            "again). Use the folder afterwards with --root or $TSAUGMENT_DATA."
        ),
    )
    get.add_argument("names", nargs="+", metavar="NAME", help="data set names, e.g. Beef")
    get.add_argument(
        "--root",
        help="data folder; when omitted: $TSAUGMENT_DATA, else the platform's cache folder",
    )
    get.add_argument("--force", action="store_true", help="download again")
    get.add_argument("--quiet", action="store_true", help="print only the folders")
    get.set_defaults(func=_cmd_datasets_download)
    show = commands.add_parser("list", help="data sets under the root and bundled with sktime")
    show.add_argument("--root", help="data folder; when omitted: $TSAUGMENT_DATA")
    show.set_defaults(func=_cmd_datasets_list)


def _cmd_datasets_download(args) -> int:
    from .datasets import default_data_dir, download_ucr

    root = Path(args.root).expanduser() if args.root else default_data_dir()
    for name in args.names:
        folder = download_ucr(name, root=root, force=args.force, verbose=not args.quiet)
        print(f"{name}: {folder}")
    if not args.quiet:
        print(f"read them with --root {root} or TSAUGMENT_DATA={root}")
    return 0


def _cmd_datasets_list(args) -> int:
    from .datasets import list_ucr

    available = list_ucr(args.root)
    print("under the root:", " ".join(available["root"]) or "none")
    print("bundled with sktime:", " ".join(available["sktime"]))
    return 0


_COMMANDS = {
    "benchmark": _add_benchmark,
    "report": _add_report,
    "generate": _add_generate,
    "quality": _add_quality,
    "datasets": _add_datasets,
}


def build_parser(commands=None) -> argparse.ArgumentParser:
    """The argument parser of the ``tsaugment`` command.

    Parameters
    ----------
    commands : iterable of str, optional
        Commands whose options are built (their choices import the catalogue, and
        with it torch); the others get their one-line summary only. None builds all.

    Returns
    -------
    parser : argparse.ArgumentParser
    """
    parser = argparse.ArgumentParser(
        prog="tsaugment",
        description="Generative time-series augmentation: benchmarks and tools.",
        epilog="Run `tsaugment COMMAND --help` for the options of a command.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, add in _COMMANDS.items():
        if commands is None or name in commands:
            add(sub)
        else:
            sub.add_parser(name, help=_SUMMARIES[name])
    return parser


def main(argv=None) -> int:
    """Entry point of the ``tsaugment`` console script.

    Parameters
    ----------
    argv : list of str, optional
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    status : int
        0 on success, 2 on a usage error (bad names or values).
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    command = next((a for a in argv if not a.startswith("-")), None)
    parser = build_parser([command] if command in _COMMANDS else [])
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, ImportError, OSError) as err:  # OSError: files, the network
        print(f"tsaugment {args.command}: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; finished cells are saved, rerun to resume", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
