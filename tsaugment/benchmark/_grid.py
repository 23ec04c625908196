"""The benchmark grid: data sets x augmenters x classifiers x seeds.

Each cell fits the augmenter on the training split only, trains the classifier on the
originals plus the synthetic series, and scores it on the test split, through
:func:`tsaugment.augment.fit_augmented` (the rule :class:`tsaugment.AugmentedClassifier`
follows, its seeding rule included, with the cell's seed as ``random_state``). The
baseline (augmenter ``"none"``) and every augmenter share seeds, so results pair by
seed. A classifier that validates on a split of its training data (ResNet's early
stopping) has that split held out of the originals first: the augmenter is fitted on
the rest, and baseline and augmented cells of a seed validate on the same real series.
"""

from __future__ import annotations

import contextlib
import inspect
import itertools
import os
import shutil
import threading
import time
import traceback
import uuid
import zipfile
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
from sklearn.base import clone
from sklearn.metrics import accuracy_score, balanced_accuracy_score, f1_score
from tqdm.auto import tqdm

from .. import __version__
from .._threads import torch_threads_kept
from .._warnings import warn
from ..augment import fit_augmented
from ._config import data_fingerprint, fingerprint
from ._devices import check_cuda_here, check_device, on_device, ray_gpu_share
from ._fitted import FittedGenerators
from ._registry import (
    auto_search_classifier,
    budget_search,
    check_names,
    has_budget,
    is_auto,
    make_augmenter,
    make_classifier,
    register,
    registered_classes,
    resolve_budget,
    run_budget_search,
    split_filter,
)
from ._schema import ResultRow
from ._store import ResultsStore

__all__ = ["Cell", "cell_config", "run_cell", "run_benchmark", "synthetic_path", "BACKENDS"]

BACKENDS = ("joblib", "dask", "ray")


@dataclass(frozen=True)
class Cell:
    """One unit of work of the grid.

    ``classifier_params`` holds ``(name, value)`` pairs that override the classifier's
    defaults (quick runs); ``auto_params`` those that override the search of an
    ``"auto"`` cell (:data:`AUTO_SETTINGS`, empty for other cells). Both are part of
    the key, so such cells never mix with cells of the defaults.
    """

    dataset: str
    augmenter: str
    classifier: str
    seed: int
    ratio: float
    budget: str
    classifier_params: tuple = ()
    auto_params: tuple = ()

    @property
    def key(self) -> str:
        """Identity of the cell in the results file (same arguments, same key)."""
        key = (
            f"{self.dataset}|{self.augmenter}|{self.classifier}|seed={self.seed}"
            f"|ratio={self.ratio:g}|budget={self.budget}"
        )
        if self.classifier_params:
            key += "|set=" + ",".join(f"{k}={v!r}" for k, v in self.classifier_params)
        if self.auto_params:
            key += "|auto=" + ",".join(f"{k}={v!r}" for k, v in self.auto_params)
        return key


def cell_config(cell: Cell) -> str:
    """Fingerprint of the configuration a cell runs with (no fitting: cheap).

    What the key leaves out: the classifier and the augmenter as the cell builds
    them (every parameter, after the budget and the overrides: a changed default
    changes it), for ``"auto"`` its whole search (candidates, ratios, folds, rule),
    for a filtered ``"<name>+label"``, ``"<name>+realism"`` or
    ``"<name>+label+realism"`` its filter, the augmentation defaults, and
    ``tsaugment.__version__``. Devices, ``verbose``, ``n_jobs`` and ``random_state``
    (the cell's seed, in its key) are left out (see
    :data:`tsaugment.benchmark._config.IGNORED_PARAMS`), and so is the data set (the
    estimators are built before they see data): the fingerprint is the same for all
    cells of a method, so a results file shows which protocols its rows come from.
    Recorded in each row's ``config`` column; a resumed :func:`run_benchmark` reruns
    a finished cell whose recorded fingerprint differs.

    Parameters
    ----------
    cell : Cell

    Returns
    -------
    fingerprint : str
        12 hex digits (see :func:`tsaugment.benchmark._config.fingerprint`).

    Examples
    --------
    >>> from tsaugment.benchmark import Cell, cell_config
    >>> cell = Cell("GunPoint", "jitter", "knn", seed=0, ratio=1.0, budget="small")
    >>> cell_config(cell) == cell_config(cell), len(cell_config(cell))
    (True, 12)
    >>> cell_config(cell) == cell_config(Cell("GunPoint", "jitter", "knn", 0, 1.0, "smoke"))
    True
    """
    settings = resolve_budget(cell.budget)
    classifier = make_classifier(cell.classifier, cell.seed, params=dict(cell.classifier_params))
    if is_auto(cell.augmenter):
        parts = _augmenter_parts(cell, _auto_search(cell, settings, classifier)[1])
    else:
        parts = _augmenter_parts(cell, make_augmenter(cell.augmenter, settings, cell.seed))
    return fingerprint({**parts, "classifier": classifier})


def _augmenter_config(cell: Cell) -> str:
    """Fingerprint of what makes a cell's synthetic set (its augmenter, not auto)."""
    augmenter = make_augmenter(cell.augmenter, resolve_budget(cell.budget), cell.seed)
    return fingerprint(_augmenter_parts(cell, augmenter))


def _augmenter_parts(cell: Cell, augmenter) -> dict:
    from ..filtering import resolve_filter

    defaults = {
        name: p.default
        for name, p in inspect.signature(fit_augmented).parameters.items()
        if name in ("strategy", "method", "filter_threshold", "max_draws")
    }
    parts = {"tsaugment": __version__, "augment": defaults, "augmenter": augmenter}
    search = budget_search(resolve_budget(cell.budget), cell.seed)
    if search is not None and has_budget(augmenter):  # chosen from the data: how
        parts["budget_search"] = search
    kind = split_filter(cell.augmenter)[1]
    if kind is not None:
        parts["filter"] = resolve_filter(kind, defaults["filter_threshold"], defaults["max_draws"])
    return parts


def _load_split(dataset: str, root, split: str):
    from ..datasets import load_ucr

    X, y = load_ucr(dataset, split=split, root=root)
    if np.isnan(X).any():
        raise ValueError(
            f"{dataset!r} has variable-length (NaN-padded) series; resample it to equal "
            "length before benchmarking."
        )
    return X, y


def synthetic_path(folder, cell: Cell, X, y) -> Path:
    """File of the synthetic set a cell trains on, under ``folder``.

    Cells that differ only in their classifier share it when their augmenter is fitted
    on the same series ``(X, y)`` (a classifier that holds out validation series fits
    it on fewer: see :func:`tsaugment.augment.hold_out_validation`), so the augmenter
    is fitted once per data set, seed, ratio, budget and training series.

    Parameters
    ----------
    folder : str or os.PathLike
    cell : Cell
    X : ndarray of shape (n_cases, n_channels, n_timepoints)
        The series the augmenter is fitted on.
    y : ndarray of shape (n_cases,)
        Their labels.

    Returns
    -------
    path : pathlib.Path
        ``folder/<dataset>__<augmenter>__seed<s>__ratio<r>__<budget>__<hash>.npz``,
        the hash being that of ``(X, y)``.
    """
    return _synthetic_file(folder, cell, data_fingerprint(X, y))


def _synthetic_file(folder, cell: Cell, fingerprint: str) -> Path:
    return Path(folder) / (
        f"{cell.dataset}__{cell.augmenter}__seed{cell.seed}__ratio{cell.ratio:g}"
        f"__{cell.budget}__{fingerprint[:12]}.npz"
    )


def _load_synthetic(path: Path, fingerprint: str, classes, config: str | None = None):
    """The saved synthetic set, or None when unreadable or made from other data.

    Labels are stored as indices into ``classes`` (the sorted training labels, fixed
    by the fingerprint), so they come back with the training labels' type. A set
    saved with another augmenter configuration (``config``, see
    :func:`cell_config`) is None too; one saved before configurations were recorded
    is used.
    """
    try:
        with np.load(path, allow_pickle=False) as saved:
            if str(saved["fingerprint"]) != fingerprint:
                return None
            if config is not None and "config" in saved and str(saved["config"]) != config:
                return None
            return (
                saved["X"],
                classes[saved["y_codes"]],
                float(saved["fit_time"]),
                float(saved["sample_time"]),
            )
    except (OSError, KeyError, ValueError, IndexError, EOFError, zipfile.BadZipFile):
        return None


def _save_synthetic(
    path: Path, fingerprint: str, X, y_codes, fit_time, sample_time, config: str = ""
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.stem}.{uuid.uuid4().hex}.npz")  # savez keeps .npz
    np.savez(
        partial,
        X=X,
        y_codes=y_codes,
        fingerprint=fingerprint,
        fit_time=fit_time,
        sample_time=sample_time,
        config=config,
    )
    os.replace(partial, path)  # whole or absent, even if killed mid-write


class _SyntheticFiles:
    """The saved synthetic sets of a cell (the ``synthetic_cache`` of ``fit_augmented``)."""

    def __init__(self, folder, cell: Cell):
        self.folder, self.cell = folder, cell
        self.config = _augmenter_config(cell)

    def load(self, X_train, y_train):
        fingerprint = data_fingerprint(X_train, y_train)
        path = _synthetic_file(self.folder, self.cell, fingerprint)
        if not path.exists():
            return None
        return _load_synthetic(path, fingerprint, np.unique(y_train), self.config)

    def save(self, X_train, y_train, X_syn, y_syn, fit_time, sample_time) -> None:
        fingerprint = data_fingerprint(X_train, y_train)
        path = _synthetic_file(self.folder, self.cell, fingerprint)
        y_codes = np.searchsorted(np.unique(y_train), y_syn)
        _save_synthetic(path, fingerprint, X_syn, y_codes, fit_time, sample_time, self.config)


@contextlib.contextmanager
def fixed_torch_threads(n: int | None):
    """Run torch's CPU ops on ``n`` intra-op threads inside the block, then restore.

    A cell's result depends on the thread count. Measured with torch 2.13 on CPU (1
    versus 2 threads): matrix products, linear layers, batch normalisation and sums
    gave identical bits, but the weight gradient of ``conv1d`` differed (relative
    3e-6 at a batch of 64, where its sum over the batch is split between threads;
    identical at 16). Over training the networks drift apart: ``ResNetClassifier``
    after 15 epochs on GunPoint predicted probabilities differing by up to 0.20,
    ``LatentVAEAugmenter`` after 30 epochs samples differing by 5e-7 (growing with
    epochs). Making every op independent of the thread count is not in our hands, so
    each cell runs on a fixed count: a result is then the same with any ``--n-jobs``
    and any number of cores (given the same torch build and kind of CPU).

    Parameters
    ----------
    n : int or None
        Threads; None leaves torch's setting as it is.
    """
    if not n:
        yield
        return
    import torch

    with torch_threads_kept():  # the caller's count back afterwards
        torch.set_num_threads(int(n))
        yield


_WATCHED_PARENT: int | None = None


def _die_with_parent(parent_pid: int, interval: float = 0.5) -> None:
    """In a worker process: end it as soon as the process that runs the grid is gone.

    joblib's (loky's) workers outlive a parent killed with SIGKILL (or SIGTERM, or a
    crash) for as long as their idle timeout, holding their memory. A daemon thread
    polls the parent every ``interval`` seconds: once the worker has been handed to
    another parent (``os.getppid()`` changed) or the parent's pid is gone, it kills
    its own process. Works on every platform (no ``prctl``, whose signal would also
    fire when the thread that spawned the worker ends); started by loky as each
    worker's initializer, before its first cell; does nothing in the parent's own
    process.
    """
    global _WATCHED_PARENT
    if parent_pid == os.getpid() or _WATCHED_PARENT == parent_pid:
        return
    _WATCHED_PARENT = parent_pid
    child_of_parent = os.getppid() == parent_pid

    def parent_alive() -> bool:
        if child_of_parent:
            return os.getppid() == parent_pid
        try:
            os.kill(parent_pid, 0)
        except ProcessLookupError:
            return False
        except OSError:  # exists, owned by someone else (or no permission to ask)
            return True
        return True

    def watch() -> None:
        while parent_alive():
            time.sleep(interval)
        os._exit(1)  # nothing left to report to: skip all clean-up

    threading.Thread(target=watch, name="tsaugment-parent-watchdog", daemon=True).start()


def run_cell(
    cell: Cell,
    root=None,
    torch_threads: int | None = 1,
    synthetic_dir=None,
    generators=(),
    *,
    generator_device=None,
    classifier_device=None,
) -> dict:
    """Run one cell and return its results row (errors are recorded, not raised).

    Parameters
    ----------
    cell : Cell
    root : str or os.PathLike, optional
        Folder of UCR data sets (see :func:`tsaugment.datasets.load_ucr`).
    torch_threads : int or None, default=1
        Intra-op threads torch uses for this cell (restored afterwards). The result
        depends on it (see :func:`fixed_torch_threads`), so the benchmark fixes it; None
        keeps the process's setting.
    synthetic_dir : str or os.PathLike, optional
        Folder where the cell's synthetic set is saved (see :func:`synthetic_path`),
        and read back instead of refitting the augmenter when it is already there and
        was made from the same training data. Its recorded fit and sample times are
        those of the run that made it. With a folder, a filtered cell
        (``"<name>+label"``, ``"<name>+realism"``, ``"<name>+label+realism"``) also
        takes a copy of the generator that a ``"<name>"`` cell of the same data set
        and seed fitted just before in this process (see
        :mod:`tsaugment.benchmark._fitted`). None fits the augmenter every time.
    generators : list of type, default=()
        Generator classes added with :func:`tsaugment.benchmark.register` in the
        process that made the cell (a worker process knows only the package's own).
    generator_device, classifier_device : str, optional
        Device ("auto", "cpu", "cuda", "cuda:N") given to the augmenter and to the
        classifier when they take a ``device`` parameter (the torch ones); None keeps
        their default ("auto": CUDA when present). A cell's key does not name its
        devices: the same cell on another device is the same cell, though its score
        may differ a little (other kernels).

    Returns
    -------
    row : dict
        The fields of :class:`tsaugment.benchmark._schema.ResultRow`: the cell's
        fields, its key, accuracy, balanced accuracy, macro F1, the seconds spent
        fitting the generator, sampling, and training the classifier, and ``status``
        ("ok" or "error" with the message).
    """
    with fixed_torch_threads(torch_threads):
        return _run_cell(cell, root, synthetic_dir, generators, generator_device, classifier_device)


def _run_cell(
    cell: Cell, root, synthetic_dir, generators, generator_device, classifier_device
) -> dict:
    cell_fields = asdict(cell)
    del cell_fields["classifier_params"], cell_fields["auto_params"]  # in the key
    row = ResultRow(**cell_fields, key=cell.key)
    try:
        for cls in generators:
            register(cls, replace=True)
        row.config = cell_config(cell)
        settings = resolve_budget(cell.budget)
        X_train, y_train = _load_split(cell.dataset, root, "train")
        X_test, y_test = _load_split(cell.dataset, root, "test")
        classifier = on_device(
            make_classifier(cell.classifier, cell.seed, params=dict(cell.classifier_params)),
            classifier_device,
        )
        work = cell
        if is_auto(cell.augmenter):  # choose, then run the choice as its own cell would
            choice, ratio, selection_time = _auto_choice(
                cell, settings, X_train, y_train, classifier
            )
            work = replace(cell, augmenter=choice, ratio=ratio)
            row.auto_choice = f"{choice}@{ratio:g}"
            row.selection_time = round(selection_time, 3)
        filter_name = split_filter(work.augmenter)[1]

        def choose_budget(generator, X_own, y_own):  # on the series it is fitted on
            chosen, passes, seconds = _BUDGETS.choose(generator, settings, X_own, y_own, cell.seed)
            if passes is not None:
                row.budget_passes = passes
                row.selection_time = round(seconds, 3)
            return chosen

        fit = fit_augmented(
            on_device(make_augmenter(work.augmenter, settings, cell.seed), generator_device),
            classifier,
            X_train,
            y_train,
            ratio=work.ratio,
            random_state=cell.seed,
            filter=filter_name,
            synthetic_cache=None if synthetic_dir is None else _SyntheticFiles(synthetic_dir, work),
            generator_cache=None if synthetic_dir is None else _FITTED,
            choose_budget=choose_budget,
        )
        pred = fit.classifier.predict(X_test)
        row.n_train = len(X_train)
        row.n_synthetic = int(fit.n_synthetic.sum())
        row.n_test = len(X_test)
        row.accuracy = accuracy_score(y_test, pred)
        row.balanced_accuracy = balanced_accuracy_score(y_test, pred)
        row.f1_macro = f1_score(y_test, pred, average="macro")
        row.generator_fit_time = round(fit.generator_fit_time, 3)
        row.sample_time = round(fit.sample_time, 3)
        row.classifier_time = round(fit.classifier_time, 3)
        row.label_fidelity = _synthetic_label_fidelity(X_train, y_train, fit, cell.seed)
        row.acceptance_rate = _overall_acceptance(fit, filter_name is not None)
    except Exception as err:  # noqa: BLE001 - one failed cell must not stop the grid
        row.status = "error"
        row.error = f"{type(err).__name__}: {err}".replace("\n", " ")
        if os.environ.get("TSAUGMENT_DEBUG"):
            traceback.print_exc()
    return asdict(row)


# this process's last fits: a filtered "<name>+..." cell reuses the "<name>" cell's fit
_FITTED = FittedGenerators()


class _BudgetChoices:
    """The last budget searches of this process: a filtered cell reuses its generator's.

    :func:`fidelity_budget` with a memory of the last ``size`` searches, by training
    data, generator and search (all they depend on), as ``_FITTED`` keeps fits.
    """

    def __init__(self, size: int = 4):
        self.size, self.entries = size, {}

    def choose(self, generator, settings, X, y, seed):
        search = budget_search(settings, seed)
        if search is None or not has_budget(generator):  # nothing to search: no key
            return generator, None, 0.0
        # the seed explicitly: fingerprints leave random_state out
        key = (data_fingerprint(X, y), fingerprint({"g": generator, "s": search}), seed)
        if key not in self.entries:
            chosen, passes, seconds = run_budget_search(search, generator, X, y)
            self.entries[key] = (chosen.get_params(deep=False), passes, seconds)
            while len(self.entries) > self.size:
                del self.entries[next(iter(self.entries))]
        params, passes, seconds = self.entries[key]
        return clone(generator).set_params(**params), passes, seconds


_BUDGETS = _BudgetChoices()


def _overall_acceptance(fit, filtered: bool) -> float:
    """Accepted / drawn over all classes of a filtered draw (NaN otherwise).

    NaN also for a synthetic set read back from a file (its draw is not recorded).
    """
    if not filtered or fit.n_drawn is None or fit.n_drawn.sum() == 0:
        return float("nan")
    rate = np.nan_to_num(fit.acceptance_rate)
    return float((rate * fit.n_drawn).sum() / fit.n_drawn.sum())


def _synthetic_label_fidelity(X_train, y_train, fit, seed) -> float:
    """Label fidelity of the synthetic series a cell trained on (NaN without any).

    The checker is fitted on the whole training split (for a classifier that holds
    out validation series these are real series of the same classes too).
    """
    from ..metrics import label_fidelity

    if fit.X_synthetic is None or len(fit.X_synthetic) == 0:
        return float("nan")
    return label_fidelity(
        X_train, y_train, fit.X_synthetic, fit.y_synthetic, random_state=seed
    ).score


# the classic augmenters (cheap to fit): auto's candidates besides no augmentation
AUTO_CANDIDATES = ("jitter", "scaling", "magnitude_warp", "window_warp", "window_slice")

#: The parameters of ``auto``'s search a run may override (``auto_params``, on the
#: command line ``--set auto.n_repeats=3``): the folds and the choice rule of
#: :class:`tsaugment.selection.AutoAugmentedClassifier`. Its candidates and ratios
#: follow the cell (the catalogue's classic augmenters, half and the full ratio).
AUTO_SETTINGS = ("cv", "n_repeats", "min_gain", "alpha")
AUTO_CV = 5  # folds of auto's search in the benchmark


def _auto_choice(cell: Cell, settings: dict, X_train, y_train, classifier):
    """Choose the cell's augmenter by cross-validation (see AutoAugmentedClassifier).

    Candidates: none and the classic augmenters of the catalogue (learned generators
    are left out: each would be refitted once per fold and ratio); ratios: half the
    cell's ratio and the cell's ratio; 5 stratified folds of the training split; the
    estimator's default rule (a candidate's gain over none must pass the corrected
    resampled t-test, Holm-adjusted over the candidates). ``auto:<classifier>``: that
    catalogue classifier, at its defaults and the cell's seed, scores the candidates
    in place of the cell's classifier, which then trains on the choice.

    Returns
    -------
    name : str
        The chosen augmenter's catalogue name ("none" included).
    ratio : float
    seconds : float
        Time of the search.
    """
    names, auto = _auto_search(cell, settings, classifier)
    auto.fit(X_train, y_train)
    index = int(auto.cv_results_["candidate"][auto.best_index_])
    return names[index], float(auto.best_ratio_), auto.search_time_


def _auto_search(cell: Cell, settings: dict, classifier):
    """``(names, estimator)``: auto's candidate names and its unfitted search."""
    from ..selection import AutoAugmentedClassifier

    names = ["none", *AUTO_CANDIDATES]
    candidates = [make_augmenter(n, settings, cell.seed) for n in names]
    ratios = sorted({0.5 * cell.ratio, cell.ratio} - {0.0})
    stand_in = auto_search_classifier(cell.augmenter)
    auto = AutoAugmentedClassifier(
        classifier,
        search_classifier=None if stand_in is None else make_classifier(stand_in, cell.seed),
        candidates=candidates,
        ratios=ratios,
        cv=AUTO_CV,
        refit=False,
        random_state=cell.seed,
    )
    auto.set_params(**dict(cell.auto_params))
    return names, auto


def _check_datasets(datasets, root) -> None:
    from ..datasets import list_ucr

    available = list_ucr(root)
    # an explicit root is the only place load_ucr looks (no fallback to sktime's copies)
    known = set(available["root"]) | (set(available["sktime"]) if root is None else set())
    unknown = [d for d in datasets if d not in known]
    if unknown and root is not None:
        missing = "" if Path(root).expanduser().is_dir() else " (that folder does not exist)"
        raise ValueError(
            f"unknown data set {unknown[0]!r}"
            + (f" (and {unknown[1:]})" if unknown[1:] else "")
            + f" under --root {root}{missing}; there: {available['root'] or 'none'}. "
            "sktime's bundled data sets are used only without a root."
        )
    if unknown:
        raise ValueError(
            f"unknown data set {unknown[0]!r}"
            + (f" (and {unknown[1:]})" if unknown[1:] else "")
            + f"; under the root: {available['root'] or 'none'}; bundled with sktime: "
            f"{available['sktime']}."
        )


def _cells(
    datasets, augmenters, classifiers, seeds, ratio, budget, params, auto_params
) -> list[Cell]:
    params = {name: tuple(sorted(values.items())) for name, values in params.items()}
    auto_params = tuple(sorted(auto_params.items()))
    return [
        Cell(
            d,
            a,
            c,
            int(s),
            float(ratio),
            str(budget),
            params.get(c, ()),
            auto_params if is_auto(a) else (),
        )
        # classifiers innermost: the cells that share a synthetic set run one after another
        for d, s, a, c in itertools.product(datasets, seeds, augmenters, classifiers)
    ]


def run_benchmark(
    datasets,
    *,
    augmenters=("none", "jitter"),
    classifiers=("rocket",),
    seeds=(0, 1, 2, 3, 4),
    ratio=1.0,
    budget="small",
    root=None,
    output="results",
    n_jobs=1,
    backend="joblib",
    scheduler=None,
    resume=True,
    reuse_synthetic=True,
    torch_threads=1,
    classifier_params=None,
    auto_params=None,
    generator_device=None,
    classifier_device=None,
    verbose=True,
):
    """Run the grid, appending each finished cell to ``output/results.csv``.

    Parameters
    ----------
    datasets : list of str
        UCR data set names (under ``root``, or bundled with sktime).
    augmenters : list of str, default=("none", "jitter")
        Names from :data:`tsaugment.benchmark.AUGMENTERS`; ``"none"`` is the baseline
        and is added when missing. ``"auto"`` chooses per cell, by 5-fold
        cross-validation on the training split, among none and the classic
        augmenters at half and the full ``ratio`` (column ``auto_choice``; seconds of
        the search in ``selection_time``), then trains on the choice as its own cell
        would; ``"auto:<classifier>"`` lets that catalogue classifier (at its
        defaults) score the candidates instead, a cheap stand-in for a costly one
        (``"auto:rocket"`` for the ResNet on a CPU). ``"<name>+label"`` is
        ``<name>`` with the label filter, ``"<name>+realism"`` with the realism
        filter, ``"<name>+label+realism"`` with both (column ``acceptance_rate``). Every row has
        ``label_fidelity``: the share of the synthetic series it trained on that
        MiniRocket fitted on the originals puts in their class (see
        :func:`tsaugment.metrics.label_fidelity`).
    classifiers : list of str, default=("rocket",)
        Names from :data:`tsaugment.benchmark.CLASSIFIERS`. Each trains at its
        default protocol whatever the budget.
    seeds : list of int, default=(0, 1, 2, 3, 4)
        Five seeds by default: baseline and augmented cells pair by seed, and a win
        or loss on a data set needs the seeds to agree (see
        :func:`tsaugment.benchmark.seed_verdict`).
    ratio : float, default=1.0
        Synthetic series per original.
    budget : str or int, default="small"
        Training budget (see :func:`tsaugment.benchmark.resolve_budget`).
    root : str or os.PathLike, optional
        Folder of UCR data sets.
    output : str or os.PathLike, default="results"
        Folder for ``results.csv`` (and the report).
    n_jobs : int, default=1
        Cells run at once (joblib processes, Dask or Ray workers). joblib's worker
        processes end within a second when this process dies, even by SIGKILL.
    backend : {"joblib", "dask", "ray"}, default="joblib"
        Where cells run. ``"dask"`` connects to ``scheduler`` (a ``distributed``
        address) or starts a local cluster; ``"ray"`` joins ``scheduler`` or starts
        Ray locally. Both are optional extras.
    scheduler : str, optional
        Cluster address for the Dask or Ray backends.
    resume : bool, default=True
        Skip cells already finished in the results file (a rerun after a crash
        completes the grid; failed cells are tried again, and so are cells recorded
        with another configuration fingerprint, :func:`cell_config`, with a warning;
        rows of files made before fingerprints were recorded count as done, with a
        warning); ``False`` starts a new file and deletes the saved synthetic sets.
    reuse_synthetic : bool, default=True
        Save each synthetic set under ``output/synthetic/`` and train on it every
        classifier that augments the same originals, so that an augmenter is fitted
        once per data set, seed, ratio and budget, not once per classifier (a
        classifier that holds out validation series, ResNet, augments fewer and has
        its own set), and a resumed run does not refit it. A saved set made from
        other training data, or by an augmenter of another configuration (other
        parameters or tsaugment version, see :func:`cell_config`), is refitted; one
        made by other code of the same version, or saved before configurations were
        recorded, is not, so start afresh (``resume=False``) after changing a
        generator's code. With a remote Dask or
        Ray cluster the folder must be one the workers share.
    torch_threads : int or None, default=1
        Intra-op threads torch uses in each cell, whatever ``n_jobs``: a cell's
        result depends on the thread count (see :func:`fixed_torch_threads`), so it
        is fixed for results to be the same on every machine and with any
        ``n_jobs``. Use ``n_jobs`` to use more cores. None leaves torch's default
        (one thread per core), which is faster for a single cell but not
        reproducible across machines.
    classifier_params : dict, optional
        Overrides of classifier parameters by classifier name, e.g.
        ``{"resnet": {"n_epochs": 2}}`` for a smoke run. They enter the cells' keys,
        so results of such runs never pass for the default classifier's.
    auto_params : dict, optional
        Overrides of the search of the ``"auto"`` cells, among :data:`AUTO_SETTINGS`,
        e.g. ``{"n_repeats": 3}`` for three repetitions of the 5 folds (more power to
        detect a gain, three times the search). They enter those cells' keys.
    generator_device, classifier_device : {"auto", "cpu", "cuda", "cuda:N"}, optional
        Device of the augmenters and of the classifiers that take one (torch models),
        on every backend; None keeps each estimator's default ("auto"). Several jobs
        may share one GPU; with CUDA MPS running, their kernels run side by side (see
        the README). ``"cpu"`` for the generators and ``"cuda"`` for the classifiers
        uses both the CPU cores and the GPU of one machine. On Ray, a cell with a
        CUDA device asks for ``1 / n_jobs`` of a GPU (Ray hides the GPUs from tasks
        that ask for none, so ``"auto"`` means the CPU there).
    verbose : bool, default=True
        Progress bar over cells.

    Returns
    -------
    results : pandas.DataFrame
        Every recorded cell of the results file.
    """
    check_names("augmenter", augmenters)
    check_names("classifier", classifiers)
    classifier_params = dict(classifier_params or {})
    stray = sorted(set(classifier_params) - set(classifiers))
    if stray:
        raise ValueError(
            f"classifier_params name {stray}, which are not among the classifiers "
            f"{list(classifiers)} (generators follow the budget)."
        )
    for name, params in classifier_params.items():
        make_classifier(name, params=params)  # unknown parameters fail here, not per cell
    auto_params = _check_auto_params(auto_params, augmenters)
    resolve_budget(budget)
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}.")
    if torch_threads is not None and (
        isinstance(torch_threads, bool) or not isinstance(torch_threads, int) or torch_threads < 1
    ):
        raise ValueError(f"torch_threads must be a positive int or None, got {torch_threads!r}.")
    devices = {
        "generator_device": check_device(generator_device, "generator_device"),
        "classifier_device": check_device(classifier_device, "classifier_device"),
    }
    if backend == "joblib":  # local workers: a missing GPU is known now, not per cell
        check_cuda_here(devices)
    _check_datasets(datasets, root)
    if "none" not in augmenters:
        augmenters = ["none", *augmenters]
    store = ResultsStore(Path(output) / "results.csv")
    synthetic_dir = Path(output) / "synthetic" if reuse_synthetic else None
    if not resume:
        if store.path.exists():
            store.path.unlink()
        shutil.rmtree(Path(output) / "synthetic", ignore_errors=True)
    cells = _cells(
        datasets, augmenters, classifiers, seeds, ratio, budget, classifier_params, auto_params
    )
    todo = _to_run(cells, store)
    threads = torch_threads
    bar = tqdm(
        total=len(cells),
        initial=len(cells) - len(todo),
        disable=not verbose,
        desc="cells",
        unit="cell",
    )
    for row in _execute(todo, root, n_jobs, backend, scheduler, threads, synthetic_dir, devices):
        store.append(row)
        bar.update(1)
        if row["status"] != "ok":
            bar.write(f"cell {row['key']} failed: {row['error']}")
    bar.close()
    return store.read()


def _check_auto_params(auto_params, augmenters) -> dict:
    """``auto_params`` as a dict, checked now rather than failing every cell."""
    from ..selection import AutoAugmentedClassifier

    auto_params = dict(auto_params or {})
    if not auto_params:
        return auto_params
    unknown = sorted(set(auto_params) - set(AUTO_SETTINGS))
    if unknown:
        raise ValueError(
            f"auto_params name {unknown}; auto's search takes {list(AUTO_SETTINGS)} "
            "(its candidates and ratios follow the cell)."
        )
    if not any(is_auto(a) for a in augmenters):
        raise ValueError(
            f"auto_params {auto_params} given, but no augmenter is 'auto' or "
            f"'auto:<classifier>' (augmenters: {list(augmenters)})."
        )
    auto_params = {k: v.item() if isinstance(v, np.generic) else v for k, v in auto_params.items()}
    search = AutoAugmentedClassifier(None, cv=AUTO_CV)
    defaults = search.get_params()
    search.set_params(**auto_params)._check_params()
    # a setting equal to the default leaves the cells those of the default search
    return {k: v for k, v in auto_params.items() if v != defaults[k]}


def _to_run(cells, store: ResultsStore) -> list[Cell]:
    """The cells a resumed run still has to run, with one warning per kind of doubt.

    A cell is done when the file has a row of its key with status "ok" and the same
    configuration fingerprint (:func:`cell_config`). A row with another fingerprint
    was run with other estimator settings or another version: the cell runs again
    and its new row supersedes the old. A row without one (a file made before
    fingerprints were recorded) counts as done, so that committed result folders stay
    resumable; a warning says how many such rows there are.
    """
    frame = store.read()
    ok = frame[frame["status"] == "ok"]
    recorded = dict(zip(ok["key"], ok["config"].astype(str)))
    todo, stale, untracked = [], 0, 0
    configs = {}  # the data set is no part of the configuration: one per other fields
    for cell in cells:
        if cell.key not in recorded:
            todo.append(cell)
            continue
        config = recorded[cell.key]
        general = replace(cell, dataset="")
        if config and general not in configs:
            configs[general] = cell_config(cell)
        if not config:
            untracked += 1
        elif config != configs[general]:
            stale += 1
            todo.append(cell)
    if stale:
        warn(
            f"{store.path}: {stale} finished cell(s) were run with another configuration "
            "(another tsaugment version or other estimator parameters: the 'config' "
            "column differs); running them again, their new rows supersede the old.",
            RuntimeWarning,
        )
    if untracked:
        warn(
            f"{store.path}: {untracked} finished cell(s) predate configuration tracking "
            "(no 'config' fingerprint) and count as done, though they may come from "
            "another protocol (older defaults); run with resume=False (--no-resume) or "
            "delete their rows to run them again.",
            RuntimeWarning,
        )
    return todo


def _execute(cells, root, n_jobs, backend, scheduler, threads, synthetic_dir, devices=None):
    """Yield result rows as cells finish, on the chosen backend."""
    devices = devices or {}
    if not cells:
        return
    if backend == "dask":
        yield from _execute_dask(cells, root, n_jobs, scheduler, threads, synthetic_dir, devices)
    elif backend == "ray":
        yield from _execute_ray(cells, root, n_jobs, scheduler, threads, synthetic_dir, devices)
    elif n_jobs == 1:
        for cell in cells:
            yield run_cell(cell, root, threads, synthetic_dir, **devices)
    else:
        from joblib import Parallel, delayed, parallel_config

        # the workers end themselves when this process is gone (SIGKILL included)
        with parallel_config(backend="loky", initializer=_die_with_parent, initargs=(os.getpid(),)):
            parallel = Parallel(n_jobs=n_jobs, return_as="generator_unordered")
        extra = registered_classes()
        yield from parallel(
            delayed(run_cell)(c, root, threads, synthetic_dir, extra, **devices) for c in cells
        )


def _execute_dask(cells, root, n_jobs, scheduler, threads, synthetic_dir, devices):
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError as err:
        raise ImportError(
            'backend="dask" needs the dask extra: pip install "tsaugment[dask]"'
        ) from err
    if scheduler:
        client, cluster = Client(scheduler), None
    else:
        cluster = LocalCluster(
            n_workers=max(1, n_jobs), threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)
    try:
        futures = client.map(
            run_cell,
            cells,
            root=root,
            torch_threads=threads,
            synthetic_dir=synthetic_dir,
            generators=registered_classes(),
            **devices,
            pure=False,
        )
        for future in as_completed(futures):
            yield future.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _execute_ray(cells, root, n_jobs, scheduler, threads, synthetic_dir, devices):
    try:
        import ray
    except ImportError as err:
        raise ImportError(
            'backend="ray" needs the ray extra: pip install "tsaugment[ray]"'
        ) from err
    started = not ray.is_initialized()
    if started:
        ray.init(address=scheduler, ignore_reinit_error=True, log_to_driver=False)
    try:
        remote = ray.remote(num_gpus=ray_gpu_share(devices, n_jobs))(run_cell)
        extra = registered_classes()
        pending = [remote.remote(c, root, threads, synthetic_dir, extra, **devices) for c in cells]
        while pending:
            finished, pending = ray.wait(pending, num_returns=1)
            yield ray.get(finished[0])
    finally:
        if started:
            ray.shutdown()
