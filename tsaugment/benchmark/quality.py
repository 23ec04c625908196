"""Quality of synthetic data: TimeGAN's protocol, and label fidelity for labelled data.

For each data set, generator and seed: fit the generator (its defaults, ``n_iter`` or
the epochs set by the iteration budget, see :func:`tsaugment.benchmark.resolve_budget`),
time the fit, draw as many synthetic series as there are real ones (as TimeGAN's code
does), and score them with the discriminative score (``|accuracy - 0.5|`` of a post-hoc
GRU telling real from synthetic) and the predictive score (MAE of a post-hoc GRU
trained on synthetic series and tested on real ones, one step ahead) of
:mod:`tsaugment.metrics`; lower is better. Sines is drawn once (seed 0): every
training seed sees the same series. Beside the generators, the floor (generator
``"real"``): the same scores for real data against real data (Sines: an independent
draw of the same process; Stocks: one random half of the windows against the other),
what a perfect generator would get with this metric budget.

Published figures (TimeGAN, 50,000 iterations): discriminative 0.011 (Sines), 0.102
(Stocks); predictive 0.093 (Sines), 0.038 (Stocks). The AVATAR authors' tutorial,
8,000 iterations: 0.130 / 0.043 (Stocks) and 0.064 / 0.095 (Sines with 4 channels),
from one training run each, scored with 10 post-hoc runs whose high outliers were
dropped before the mean: the rows carry that trimmed mean (``*_trimmed``) beside the
plain one, and every run's score.

Labelled data: any other data set name is a UCR data set (see
:func:`tsaugment.datasets.load_ucr`). The generator is fitted class-conditionally on its
training split and draws as many series as it has, class by class (``sample(n, y=y)``
with the training labels: the same class counts); the rows add the label fidelity of
the synthetic set (the share that MiniRocket fitted on the training split puts in
their intended class, :func:`tsaugment.metrics.label_fidelity`; with that classifier it
is also the TRTS score, train on real, test on synthetic) and its TSTR score (MiniRocket
trained on the synthetic set, accuracy on the test split,
:func:`tsaugment.metrics.tstr_score`), besides the TimeGAN-protocol scores of the
synthetic set against the training split. Its floor (generator ``"real"``): the test
split in place of a synthetic set (the TimeGAN scores of the training split against
the test split; label fidelity and TSTR are then both the test accuracy of MiniRocket
trained on the training split, what series as faithful as real ones would score).
Sines and Stocks are unlabelled: their label columns are NaN.

This is what ``tsaugment quality`` runs.
"""

from __future__ import annotations

import csv
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd

from ..datasets import load_stocks, make_sines
from ._grid import _check_datasets, _load_split
from ._registry import make_augmenter, resolve_budget

__all__ = [
    "run_quality",
    "summarise_quality",
    "load_quality_data",
    "fit_generator",
    "score_synthetic",
    "score_labels",
    "drop_high_outliers",
    "QUALITY_COLUMNS",
    "QUALITY_DATASETS",
]

QUALITY_DATASETS = ("sines", "stocks")

#: The columns of a quality table, in order.
QUALITY_COLUMNS = [
    "dataset",
    "generator",
    "seed",
    "iterations",
    "fit_s",
    "sample_s",
    "discriminative",
    "predictive",
    "metric_runs",
    "discriminative_runs_std",
    "predictive_runs_std",
    "discriminative_trimmed",
    "predictive_trimmed",
    "discriminative_runs",
    "predictive_runs",
    "label_fidelity",
    "tstr",
]
# older files are still appended to, with their own columns: those from before sampling
# was timed, and, by runs on unlabelled data, those from before label fidelity
_UNTIMED_COLUMNS = [c for c in QUALITY_COLUMNS if c != "sample_s"]
_UNLABELLED_COLUMNS = _UNTIMED_COLUMNS[:-2]
_PROTOCOL_SCORES = ("discriminative", "predictive")


def load_quality_data(
    name: str, seed: int = 0, *, n_channels: int = 5
) -> tuple[np.ndarray, np.ndarray]:
    """The real series of a quality data set, and a real reference for the floor.

    Parameters
    ----------
    name : {"sines", "stocks"}
    seed : int, default=0
        Seed of the Sines draw (Stocks is fixed).
    n_channels : int, default=5
        Channels of Sines (TimeGAN: 5; the AVATAR tutorial: 4).

    Returns
    -------
    X_train : ndarray of shape (n_cases, n_channels, 24)
        What generators are trained on (Sines: 10,000 series; Stocks: all 3,661
        windows of 6 channels, as TimeGAN does).
    X_reference : ndarray
        Real series for the floor (Sines: an independent draw of 10,000; Stocks: the
        other half of a random split, compared against the first half).
    """
    if name == "sines":
        return (
            make_sines(n_channels=n_channels, random_state=seed),
            make_sines(n_channels=n_channels, random_state=seed + 10_000),
        )
    if name == "stocks":
        return load_stocks(), load_stocks()
    raise ValueError(f"unknown quality data set {name!r}; use one of {QUALITY_DATASETS}.")


def drop_high_outliers(scores) -> np.ndarray:
    """The runs left after dropping those above ``Q3 + 1.5 * IQR``.

    The AVATAR authors' tutorial summarises its 10 post-hoc runs this way before
    taking their mean; a lower score is better, so only bad runs are dropped and the
    summary is biased downwards. :func:`score_synthetic` reports it beside the plain
    mean so that the tutorial's figures can be compared like with like.

    Parameters
    ----------
    scores : array-like of shape (n_runs,)

    Returns
    -------
    kept : ndarray of shape (n_kept,)
    """
    scores = np.asarray(scores, dtype=np.float64)
    q1, q3 = np.percentile(scores, [25, 75])
    return scores[scores <= q3 + 1.5 * (q3 - q1)]


def score_synthetic(
    X_real, X_synth, *, seed: int, n_runs: int = 1, metric_iterations=None, device="auto"
) -> dict:
    """The TimeGAN protocol's scores of synthetic series against real ones.

    Parameters
    ----------
    X_real, X_synth : array-like of shape (n_cases, n_channels, n_timepoints)
    seed : int
        Seed of the post-hoc networks, splits and batches.
    n_runs : int, default=1
        Post-hoc repetitions per score. One run of the discriminative score varies a
        lot (standard deviations of 0.02 to 0.17 over runs on the same samples).
    metric_iterations : int, optional
        Iterations of the post-hoc networks (default: the protocol's 2,000 / 5,000).
    device : str, default="auto"

    Returns
    -------
    scores : dict
        For ``discriminative`` and ``predictive`` (lower is better): the mean over
        the runs under the plain name; ``<name>_runs_std``, their standard deviation;
        ``<name>_trimmed``, the mean after :func:`drop_high_outliers` (the AVATAR
        tutorial's summary); ``<name>_runs``, every run's score as text. Also
        ``metric_runs``.
    """
    from ..metrics import discriminative_score, predictive_score

    common = dict(n_runs=n_runs, random_state=seed, device=device, return_all=True)
    if metric_iterations is not None:
        common["n_iter"] = metric_iterations
    out: dict = {"metric_runs": n_runs}
    metrics = {"discriminative": discriminative_score, "predictive": predictive_score}
    for name, metric in metrics.items():
        result = metric(X_real, X_synth, **common)
        out[name] = result.mean
        out[f"{name}_runs_std"] = result.std
        out[f"{name}_trimmed"] = float(drop_high_outliers(result.scores).mean())
        out[f"{name}_runs"] = " ".join(f"{v:.4f}" for v in result.scores)
    return out


def score_labels(X_train, y_train, X_test, y_test, X_synth, y_synth, *, seed: int) -> dict:
    """Label fidelity and TSTR of a class-conditional synthetic set.

    Parameters
    ----------
    X_train : ndarray of shape (n_train, n_channels, n_timepoints)
        The real series the generator was fitted on.
    y_train : ndarray of shape (n_train,)
    X_test : ndarray of shape (n_test, n_channels, n_timepoints)
        Real series the generator never saw.
    y_test : ndarray of shape (n_test,)
    X_synth : ndarray of shape (n_synth, n_channels, n_timepoints)
    y_synth : ndarray of shape (n_synth,)
        The classes the synthetic series were drawn for.
    seed : int
        Seeds MiniRocket.

    Returns
    -------
    scores : dict
        ``label_fidelity``: share of the synthetic series that MiniRocket fitted on
        ``(X_train, y_train)`` puts in their class (= TRTS);
        ``tstr``: accuracy on ``(X_test, y_test)`` of MiniRocket fitted on the synthetic
        set (NaN when it holds a single class). Higher is better.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = np.concatenate([rng.normal(0, 1, (10, 1, 5)), rng.normal(5, 1, (10, 1, 5))])
    >>> y = np.repeat(["a", "b"], 10)
    >>> score_labels(X, y, X + 0.2, y, X + 0.1, y, seed=0)
    {'label_fidelity': 1.0, 'tstr': 1.0}
    """
    from ..metrics import label_fidelity, tstr_score

    fidelity = label_fidelity(X_train, y_train, X_synth, y_synth, random_state=seed).score
    if len(np.unique(y_synth)) < 2:
        return {"label_fidelity": fidelity, "tstr": float("nan")}
    return {
        "label_fidelity": fidelity,
        "tstr": tstr_score(X_test, y_test, X_synth, y_synth, random_state=seed),
    }


def fit_generator(
    name: str,
    X,
    y=None,
    *,
    iterations: int,
    seed: int,
    params=None,
    device=None,
    verbose=False,
):
    """Build a registered generator at an iteration budget, fit it, and time the fit.

    Parameters
    ----------
    name : str
        A name from :data:`tsaugment.benchmark.AUGMENTERS`.
    X : ndarray of shape (n_cases, n_channels, n_timepoints)
    y : ndarray of shape (n_cases,), optional
        Labels: the generator is then fitted class-conditionally.
    iterations : int
        Training iterations per phase (epochs scale with it for the VAE).
    seed : int
    params : dict, optional
        Other hyperparameters, set after the budget's (``{"weight_init": "torch"}``).
    device : str, optional
        The generator's ``device``, where it has one.
    verbose : bool, default=False
        Progress bars of the generator, where it has them.

    Returns
    -------
    generator : fitted generator
    fit_seconds : float

    Examples
    --------
    >>> from tsaugment.datasets import make_sines
    >>> gen, seconds = fit_generator("jitter", make_sines(20), iterations=1, seed=0)
    >>> gen.sample(3)[0].shape
    (3, 5, 24)
    """
    generator = make_augmenter(name, resolve_budget(int(iterations)), seed)
    own = generator.get_params(deep=False)
    extra = {"verbose": verbose} if "verbose" in own else {}
    if device is not None and "device" in own:
        extra["device"] = device
    generator.set_params(**extra, **(params or {}))
    start = time.perf_counter()
    generator.fit(X) if y is None else generator.fit(X, y)
    return generator, time.perf_counter() - start


def _check_output(path, labelled: bool) -> list[str]:
    """The columns to append to ``path`` with; refuses, before any fit, other columns.

    A file written before sampling was timed is appended to with its own columns
    (without ``sample_s``); one written before label fidelity was measured too, by a
    run on unlabelled data only (whose label columns are empty).
    """
    if path is not None and os.path.exists(path) and os.path.getsize(path) > 0:
        with open(path, newline="", encoding="utf-8") as handle:
            header = next(csv.reader(handle), [])
        if header == _UNTIMED_COLUMNS or (header == _UNLABELLED_COLUMNS and not labelled):
            return header
        if header != QUALITY_COLUMNS:
            raise ValueError(
                f"{path} has the columns {header}, not {QUALITY_COLUMNS}: write to a new file."
            )
    return QUALITY_COLUMNS


def _append(path, row, columns) -> None:
    new = not os.path.exists(path) or os.path.getsize(path) == 0
    with open(path, "a", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        if new:
            writer.writeheader()
        writer.writerow(row)


def run_quality(
    generators=("timegan", "avatar", "aae"),
    datasets=QUALITY_DATASETS,
    *,
    iterations=1000,
    metric_iterations=None,
    metric_runs=1,
    seeds=(0,),
    sines_channels=5,
    params=None,
    device="auto",
    floor=True,
    save_dir=None,
    score_only=False,
    output=None,
    root=None,
    timegan_scores=True,
    verbose=False,
) -> pd.DataFrame:
    """Train generators and score their samples (TimeGAN protocol, label fidelity).

    Parameters
    ----------
    generators : list of str, default=("timegan", "avatar", "aae")
        Names from :data:`tsaugment.benchmark.AUGMENTERS`.
    datasets : list of str
        ``"sines"``, ``"stocks"`` (unlabelled), or UCR data set names (labelled: under
        ``root``, or bundled with sktime; see the module docstring).
    iterations : int, default=1000
        Training iterations per phase (epochs scale with it for the VAE).
    metric_iterations : int, optional
        Iterations of the post-hoc networks (default: the protocol's 2,000 and 5,000).
    metric_runs : int, default=1
        Post-hoc repetitions averaged per score (TimeGAN's tables: 10).
    seeds : list of int, default=(0,)
        One training run per seed; the seed also seeds the post-hoc networks and the
        floor's split of Stocks.
    sines_channels : int, default=5
        Channels of Sines (TimeGAN's paper: 5; AVATAR's tutorial: 4, rows labelled
        ``sines4``).
    params : dict, optional
        Other hyperparameters of every generator; they are named in the rows'
        ``generator`` (``avatar_weight_init-torch``) and in the saved files.
    device : str, default="auto"
        Device of the generators (those that have one) and of the post-hoc networks.
    floor : bool, default=True
        Score real against real too (rows of generator ``"real"``).
    save_dir : str or os.PathLike, optional
        Keep each synthetic set (``<dataset>_<generator>_it<iterations>_seed<s>.npz``,
        arrays ``X_synth``, ``fit_s`` and ``sample_s``) here.
    score_only : bool, default=False
        Fit nothing: score the sets found in ``save_dir`` (those missing are skipped).
    output : str or os.PathLike, optional
        CSV file that receives each row as soon as it is measured (a crash loses
        nothing); an existing file with the same columns is appended to.
    root : str or os.PathLike, optional
        Folder of UCR data sets (see :func:`tsaugment.datasets.load_ucr`).
    timegan_scores : bool, default=True
        Compute the discriminative and predictive scores; False leaves them empty and
        measures label fidelity and TSTR only (much faster; labelled data sets only:
        Sines or Stocks among the data sets is a ValueError).
    verbose : bool, default=False
        Progress of the generators and each row as it is measured.

    Returns
    -------
    table : pandas.DataFrame
        One row per data set, generator and seed, with :data:`QUALITY_COLUMNS`: the
        discriminative and predictive scores (lower is better), their spread over the
        post-hoc runs, their trimmed means, every run, the seconds of the fit and of
        drawing the synthetic set (``sample_s``), and for
        labelled data sets ``label_fidelity`` and ``tstr`` (higher is better; see
        :func:`score_labels`).
    """
    if score_only and save_dir is None:
        raise ValueError("score_only needs save_dir, the folder of the saved synthetic sets.")
    labelled = [d for d in datasets if d not in QUALITY_DATASETS]
    if labelled:
        _check_datasets(labelled, root)
    unlabelled = [d for d in datasets if d in QUALITY_DATASETS]
    if not timegan_scores and unlabelled:
        raise ValueError(
            f"timegan_scores=False leaves nothing to measure on {unlabelled} (they have "
            "no labels): give labelled (UCR) data sets only, or keep the TimeGAN scores."
        )
    from ._registry import check_names

    check_names("augmenter", [g for g in generators])
    columns = _check_output(output, bool(labelled))
    params = dict(params or {})
    settings = "".join(f"_{k}-{v}" for k, v in params.items())
    score = dict(n_runs=metric_runs, metric_iterations=metric_iterations, device=device)
    rows = []

    def record(row):
        rows.append(row)
        if output is not None:
            _append(output, row, columns)
        if verbose:
            print(row, flush=True)

    def protocol(X_real, X_other, seed):
        return score_synthetic(X_real, X_other, seed=seed, **score) if timegan_scores else {}

    for dataset in datasets:
        data = _load_data(dataset, sines_channels, root)
        X, y, label = data["X"], data["y"], data["label"]
        for seed in seeds:
            if floor:
                floor_scores = _floor_scores(data, seed, protocol)
                record(_row(label, "real", seed, 0, 0.0, 0.0, floor_scores))
            for name in generators:
                stem = f"{label}_{name}{settings}_it{iterations}_seed{seed}"
                saved = Path(save_dir or ".") / f"{stem}.npz"
                if score_only:
                    if not saved.exists():
                        continue
                    X_synth, y_synth, fit_s, sample_s = _load_saved(saved, y)
                else:
                    generator, fit_s = fit_generator(
                        name,
                        X,
                        y,
                        iterations=iterations,
                        seed=seed,
                        params=params,
                        device=device,
                        verbose=verbose,
                    )
                    # as many as the real series; with labels, class by class as they are
                    start = time.perf_counter()
                    X_synth, y_synth = generator.sample(len(X), y=y)
                    sample_s = time.perf_counter() - start
                    if save_dir is not None:
                        saved.parent.mkdir(parents=True, exist_ok=True)
                        labels = {} if y is None else {"y_codes": _codes(y, y_synth)}
                        np.savez_compressed(
                            saved, X_synth=X_synth, fit_s=fit_s, sample_s=sample_s, **labels
                        )
                scores = protocol(X, X_synth, seed)
                if y is not None:
                    scores.update(
                        score_labels(
                            X, y, data["X_test"], data["y_test"], X_synth, y_synth, seed=seed
                        )
                    )
                record(_row(label, name + settings, seed, iterations, fit_s, sample_s, scores))
    return pd.DataFrame(rows, columns=QUALITY_COLUMNS)


def _load_data(dataset: str, sines_channels: int, root) -> dict:
    """The series of a quality data set and the real series of its floor.

    A dict: ``X``, ``y`` (None: unlabelled), ``label`` (the name in the rows), and
    ``X_reference``, or the test split ``X_test``, ``y_test`` of a labelled set.
    """
    if dataset in QUALITY_DATASETS:
        X, X_reference = load_quality_data(dataset, 0, n_channels=sines_channels)
        label = f"sines{sines_channels}" if dataset == "sines" and sines_channels != 5 else dataset
        return {"X": X, "y": None, "label": label, "X_reference": X_reference}
    X, y = _load_split(dataset, root, "train")
    X_test, y_test = _load_split(dataset, root, "test")
    return {"X": X, "y": y, "label": dataset, "X_test": X_test, "y_test": y_test}


def _floor_scores(data: dict, seed: int, protocol) -> dict:
    """Real against real: what a generator as good as the real process would score."""
    X = data["X"]
    if data["y"] is not None:  # the training split against the test split
        from ..metrics import label_fidelity

        scores = protocol(X, data["X_test"], seed)
        test_accuracy = label_fidelity(
            X, data["y"], data["X_test"], data["y_test"], random_state=seed
        ).score
        # label fidelity of the test split = TSTR of the training split: the same fit
        return {**scores, "label_fidelity": test_accuracy, "tstr": test_accuracy}
    if data["label"] == "stocks":  # one random half of the windows against the other
        order = np.random.default_rng(seed).permutation(len(X))
        half = len(X) // 2
        return protocol(X[order[:half]], data["X_reference"][order[half:]], seed)
    return protocol(X, data["X_reference"], seed)


def _codes(y, y_synth) -> np.ndarray:
    return np.searchsorted(np.unique(y), y_synth)


def _load_saved(path: Path, y):
    """``(X_synth, y_synth, fit_s, sample_s)`` of a saved set (labels as the training labels).

    ``sample_s`` is NaN for a set saved before sampling was timed.
    """
    with np.load(path, allow_pickle=False) as stored:
        X_synth, fit_s = stored["X_synth"], float(stored["fit_s"])
        sample_s = float(stored["sample_s"]) if "sample_s" in stored else float("nan")
        if y is None:
            return X_synth, None, fit_s, sample_s
        if "y_codes" not in stored:
            raise ValueError(f"{path} holds no labels; fit the generator again.")
        return X_synth, np.unique(y)[stored["y_codes"]], fit_s, sample_s


def _row(dataset, generator, seed, iterations, fit_seconds, sample_seconds, scores) -> dict:
    return {
        "dataset": dataset,
        "generator": generator,
        "seed": seed,
        "iterations": iterations,
        "fit_s": round(fit_seconds, 1),
        "sample_s": round(sample_seconds, 1),
        **scores,
    }


def summarise_quality(table) -> pd.DataFrame:
    """Mean and standard deviation over seeds per data set, generator and budget.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`run_quality` (or its CSV file, read back).

    Returns
    -------
    summary : pandas.DataFrame
        ``n_seeds``, and the mean and ``*_std`` (over seeds, ``ddof=1``; 0 for one
        seed) of ``fit_s``, ``sample_s``, ``discriminative``, ``predictive`` and
        ``discriminative_trimmed``, ``label_fidelity`` and ``tstr``, those measured.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"dataset": ["sines"] * 2, "generator": ["jitter"] * 2,
    ...     "iterations": [1, 1], "fit_s": [1.0, 3.0], "discriminative": [0.1, 0.3],
    ...     "predictive": [0.2, 0.2], "discriminative_trimmed": [0.1, 0.2]})
    >>> summarise_quality(table)[["n_seeds", "discriminative", "fit_s_std"]]
       n_seeds  discriminative  fit_s_std
    0        2             0.2   1.414214
    """
    keys = ["dataset", "generator", "iterations"]
    values = ["fit_s", "sample_s", "discriminative", "predictive", "discriminative_trimmed"]
    values += ["label_fidelity", "tstr"]
    values = [c for c in values if c in table and table[c].notna().any()]  # measured ones
    grouped = table.groupby(keys, sort=False)[values]
    summary = grouped.mean()
    spread = grouped.std(ddof=1).fillna(0.0).add_suffix("_std")
    counts = table.groupby(keys, sort=False).size().rename("n_seeds")
    return pd.concat([counts, summary, spread], axis=1).reset_index()
