"""ResNetClassifier: the time-series ResNet of Wang, Yan and Oates (2017).

The network is :class:`tsaugment.nn.TimeSeriesResNet`; this module trains it with the
scikit-learn classifier API. At its defaults training follows the published protocol
of Ismail Fawaz et al. (2019), "Deep learning for time series classification: a
review" (the ``resnet`` of their ``dl-4-tsc`` code): Adam with learning rate 1e-3,
cross-entropy, 1,500 epochs over mini-batches of ``int(min(n_cases / 10, 64))``
series, the learning rate halved when the *training* loss has not improved (by more
than 1e-4) for 50 epochs (never below 1e-4), and the weights of the epoch with the
lowest training loss kept. No series is held out.

Options beyond the paper, all off by default: selection on a validation split of the
training data (``selection="validation"``, the package's earlier default), early
termination (``patience``, ``stop_loss``) and bf16 mixed precision on CUDA.
"""

from __future__ import annotations

import copy
import math
import time
from contextlib import nullcontext

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import train_test_split
from torch import nn

from .._params import Boolean, Integral, Interval, Options, Real, validate_params
from .._training import TorchEstimatorMixin, as_tensor, chunked, optimizer_step, run_phase
from .._validation import (
    check_fitted_X,
    check_same_layout,
    check_X,
    check_X_y,
    check_y,
    seed_from_random_state,
)
from ..nn import TimeSeriesResNet

__all__ = ["ResNetClassifier"]

_PREDICT_BATCH = 256
_SELECTIONS = ("train_loss", "validation")
# the plateau rule of Keras' ReduceLROnPlateau as the published code uses it
_LR_FACTOR = 0.5
_MIN_DELTA = 1e-4


class _EarlyStop(Exception):
    """Raised inside an epoch step to leave ``run_phase`` early."""


def published_batch_size(n_cases: int, cap: int = 64) -> int:
    """The published mini-batch size: ``int(min(n_cases / 10, cap))``, at least 1.

    Parameters
    ----------
    n_cases : int
        Number of training series.
    cap : int, default=64
        Largest batch.

    Returns
    -------
    int
    """
    return max(1, int(min(n_cases / 10, cap)))


class ResNetClassifier(TorchEstimatorMixin, ClassifierMixin, BaseEstimator):
    """Time-series ResNet classifier (Wang, Yan and Oates, 2017) in PyTorch.

    Three residual blocks of three convolutions (kernel sizes 8, 5, 3; 64, 128 and 128
    filters) with batch norm and ReLU, global average pooling and a softmax layer,
    trained as in Ismail Fawaz et al. (2019) at the defaults.

    Parameters
    ----------
    n_epochs : int, default=1500
        Passes over the training data (the published 1,500). Fewer epochs with the
        same plateau rule cost proportionally less; ``benchmarks/runs/resnet_protocol``
        measures what they give up.
    batch_size : int or "auto", default="auto"
        Mini-batch size; "auto" is the published rule ``int(min(n_cases / 10, 64))``
        (at least 1), ``n_cases`` being the number of series trained on.
    lr : float, default=1e-3
        Initial learning rate of Adam.
    selection : {"train_loss", "validation"}, default="train_loss"
        The loss that chooses the weights kept and drives the learning-rate plateau
        rule (and ``patience``). "train_loss": the training loss over all series, as
        published. "validation": the loss on a stratified ``validation_size`` split of
        the training series, or on ``validation_data`` when ``fit`` is given it (the
        package's earlier default; it costs much accuracy when the split holds only a
        few series). When the split cannot be made (see :meth:`validation_split`) the
        training loss is used; ``monitor_`` says which loss was.
    validation_size : float, default=0.2
        Fraction of the training series held out with ``selection="validation"``;
        unused otherwise.
    lr_patience : int, default=50
        Epochs without an improvement of the monitored loss by more than 1e-4 after
        which the learning rate is halved (never below ``min_lr``).
    min_lr : float, default=1e-4
        Floor of the learning rate.
    patience : int or None, default=None
        Stop once the monitored loss has not improved by more than 1e-4 for this many
        epochs. None (the paper): run all ``n_epochs``. An option beyond the paper.
    stop_loss : float or None, default=None
        Stop once the training loss (mean over the epoch) falls below this value
        (the network fits its training set; the weights of the lowest monitored loss
        are kept as always). None (the paper): never. An option beyond the paper;
        ``stop_loss=1e-2`` kept the accuracy of longer fits at about an eighth of the
        published epochs where it fired, and never stops a fit that has not learnt its
        training set (``benchmarks/runs/resnet_protocol``).
    mixed_precision : bool, default=False
        On a CUDA device, run forward and backward passes under bf16 autocast
        (weights and optimiser stay float32). Ignored on other devices, where bf16
        is slow; ``precision_`` records what was used.
    device : {"auto", "cpu", "cuda"} or torch.device, default="auto"
        Where the network runs; "auto" picks CUDA when available.
    verbose : bool, default=False
        Show a progress bar with the losses.
    random_state : int, RandomState instance or None, default=None
        Seeds the split, the initial weights and the batch order. Torch's global seed
        is never changed.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels, of the type given to ``fit``.
    n_classes_, n_channels_, n_timepoints_ : int
        Layout seen in ``fit``.
    model_ : TimeSeriesResNet
        The trained network (weights of the best monitored epoch).
    monitor_ : {"train", "validation"}
        Which loss chose the weights and drove the plateau rule.
    batch_size_ : int
        Mini-batch size used.
    precision_ : {"float32", "bf16"}
        Arithmetic of the training passes.
    n_epochs_ : int
        Epochs actually run.
    best_epoch_ : int
        Epoch (1-based) whose weights were kept.
    history_ : dict
        ``history_["train"]`` holds per-epoch lists: ``"loss"`` (training loss),
        ``"lr"`` (learning rate of the epoch), ``"seconds"`` (time spent training in
        the epoch, validation excluded) and, with ``monitor_ == "validation"``,
        ``"val_loss"`` and ``"val_accuracy"``. When ``fit`` is given
        ``validation_data`` under training-loss selection, they are scored only at
        the epochs whose weights became the kept ones (each new lowest training
        loss): ``history_["checkpoints"]`` holds lists ``"epoch"``, ``"loss"``,
        ``"val_loss"`` and ``"val_accuracy"``; the last entry scores the kept weights.

    Notes
    -----
    Adam keeps PyTorch's epsilon (1e-8; Keras: 1e-7); the layers keep PyTorch's
    defaults too (see :class:`tsaugment.nn.TimeSeriesResNet`). Inputs are used as
    given (no scaling). The published results are on z-normalised
    series (the UCR archive's, and the reference code z-normalises each series of the
    2018 archive); z-normalise each series first when your data are not.

    With ``selection="train_loss"`` nothing is held out: ``validation_split`` returns
    no validation indices and ``validation_data`` given to ``fit`` is only scored
    at each new lowest training loss (the reference code monitors its test set each
    epoch), never trained on and never used to choose weights or the learning rate.
    With ``selection="validation"`` on augmented data, hold the
    validation series out of the originals before augmenting
    (:class:`tsaugment.AugmentedClassifier` does, through :meth:`validation_split`
    and ``validation_data``).

    Examples
    --------
    >>> from tsaugment import ResNetClassifier
    >>> from tsaugment.datasets import load_ucr
    >>> X_train, y_train = load_ucr("GunPoint", split="train")
    >>> clf = ResNetClassifier(n_epochs=2, random_state=0).fit(X_train[:20], y_train[:20])
    >>> clf.batch_size_, clf.monitor_
    (2, 'train')
    >>> clf.predict(X_train[:3]).shape
    (3,)
    """

    def __init__(
        self,
        *,
        n_epochs=1500,
        batch_size="auto",
        lr=1e-3,
        selection="train_loss",
        validation_size=0.2,
        lr_patience=50,
        min_lr=1e-4,
        patience=None,
        stop_loss=None,
        mixed_precision=False,
        device="auto",
        verbose=False,
        random_state=None,
    ):
        self.n_epochs = n_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.selection = selection
        self.validation_size = validation_size
        self.lr_patience = lr_patience
        self.min_lr = min_lr
        self.patience = patience
        self.stop_loss = stop_loss
        self.mixed_precision = mixed_precision
        self.device = device
        self.verbose = verbose
        self.random_state = random_state

    @classmethod
    def get_test_params(cls):
        """Tiny settings for the shared checks (``tsaugment.utils.estimator_checks``)."""
        return {"n_epochs": 2, "batch_size": 8, "device": "cpu"}

    _parameter_constraints = {
        "n_epochs": [Interval(Integral, 1)],
        "batch_size": [Options(["auto"]), Interval(Integral, 1)],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "selection": [Options(_SELECTIONS)],
        "validation_size": [Interval(Real, 0, 1, closed="left")],
        "lr_patience": [Interval(Integral, 1)],
        "min_lr": [Interval(Real, 0, None, closed="neither")],
        "patience": [None, Interval(Integral, 1)],
        "stop_loss": [None, Interval(Real, 0, None, closed="neither")],
        "mixed_precision": [Boolean()],
    }

    def _check_params(self) -> None:
        validate_params(self)

    def _build_model(self) -> nn.Module:
        return TimeSeriesResNet(self.n_channels_, self.n_classes_)

    # -- fit --------------------------------------------------------------------------
    def validation_split(self, y):
        """Indices of the training and the validation series that ``fit`` would use.

        With ``selection="validation"``, hold the validation series out of the
        originals *before* augmenting, and pass them to ``fit`` as
        ``validation_data``: a synthetic variant of a validation series in the
        training set would make the validation loss a training loss. With
        ``selection="train_loss"`` (the default) nothing is held out.

        Parameters
        ----------
        y : array-like of shape (n_cases,)
            Labels of the original training series.

        Returns
        -------
        train_idx : ndarray of int, shape (n_train,)
            Sorted indices of the series to train on.
        val_idx : ndarray of int, shape (n_cases - n_train,), or None
            Sorted indices of a stratified ``ceil(validation_size * n_cases)`` of the
            series, drawn with ``random_state`` (an int or a RandomState instance,
            which is read but not advanced, gives the split ``fit(X, y)`` would make
            next), or None when nothing is held out (``selection="train_loss"``,
            ``validation_size=0``, a class with fewer than two series, or fewer
            series than classes on either side).
        """
        self._check_params()
        y = check_y(y, len(y))
        classes, codes = np.unique(y, return_inverse=True)
        seed = seed_from_random_state(copy.deepcopy(self.random_state))
        return self._split(codes, len(classes), seed)

    def fit(self, X, y, validation_data=None):
        """Train the network on labelled series.

        Parameters
        ----------
        X : array-like of shape (n_cases, n_channels, n_timepoints) or (n_cases, n_timepoints)
            Training series.
        y : array-like of shape (n_cases,)
            Labels of any hashable type.
        validation_data : tuple (X_val, y_val), optional
            Held-out series, never trained on. With ``selection="validation"`` they
            choose the weights and drive the plateau rule in place of a split of
            ``X`` (every series of ``X`` is then trained on); with
            ``selection="train_loss"`` their loss and accuracy are only recorded in
            ``history_["checkpoints"]``, at each epoch whose weights became the ones
            kept. Their labels must be classes of ``y``.

        Returns
        -------
        self : ResNetClassifier
        """
        self._check_params()
        X, y = check_X_y(X, y, min_cases=2)
        self.classes_, codes = np.unique(y, return_inverse=True)
        self.n_classes_ = len(self.classes_)
        self.n_channels_, self.n_timepoints_ = X.shape[1], X.shape[2]
        if validation_data is not None:
            X_val, codes_val = self._check_validation_data(validation_data, X.dtype)
        self._init_torch_state()
        if validation_data is None:
            train_idx, val_idx = self._split(codes, self.n_classes_, self.seed_)
            X_tr, codes_tr = X[train_idx], codes[train_idx]
            val = None if val_idx is None else (X[val_idx], codes[val_idx])
        else:
            X_tr, codes_tr, val = X, codes, (X_val, codes_val)
        self.monitor_ = "validation" if self.selection == "validation" and val else "train"
        self.batch_size_ = (
            published_batch_size(len(X_tr)) if self.batch_size == "auto" else int(self.batch_size)
        )
        use_bf16 = bool(self.mixed_precision) and self.device_.type == "cuda"
        self.precision_ = "bf16" if use_bf16 else "float32"
        with self._seeded():
            self.model_ = self._build_model().to(self.device_)
            self._train(X_tr, codes_tr, val)
        self.model_.eval()
        return self

    def _split(self, codes, n_classes, seed):
        """Stratified train/validation indices, or (all, None) when none is wanted or possible."""
        n = len(codes)
        if self.selection != "validation":
            return np.arange(n), None
        n_val = math.ceil(self.validation_size * n)
        counts = np.bincount(codes)
        if n_val == 0 or counts.min() < 2 or n_val < n_classes or n - n_val < n_classes:
            return np.arange(n), None
        train_idx, val_idx = train_test_split(
            np.arange(n), test_size=n_val, stratify=codes, random_state=seed
        )
        return np.sort(train_idx), np.sort(val_idx)

    def _check_validation_data(self, validation_data, dtype):
        """The given validation series and their class codes, checked."""
        try:
            X_val, y_val = validation_data
        except (TypeError, ValueError):
            raise ValueError("validation_data must be a pair (X_val, y_val).") from None
        X_val = check_X(X_val, name="X_val")
        check_same_layout(X_val, (self.n_channels_, self.n_timepoints_), name="X_val", what="X")
        y_val = check_y(y_val, X_val.shape[0], name="y_val")
        unknown = np.setdiff1d(y_val, self.classes_)
        if len(unknown):
            raise ValueError(
                f"y_val has classes not in y: {unknown.tolist()}; validation series must "
                "belong to the classes trained on."
            )
        return X_val.astype(dtype, copy=False), np.searchsorted(self.classes_, y_val)

    def _batches(self, n_tr, order):
        """Mini-batches of ``order`` (the last one may be smaller, as in Keras)."""
        starts = list(range(0, n_tr, self.batch_size_))
        # batch norm needs two values per channel: a last batch of one series of one
        # time point joins the previous batch
        if self.n_timepoints_ == 1 and len(starts) > 1 and n_tr - starts[-1] < 2:
            starts.pop()
        ends = starts[1:] + [n_tr]
        return [order[a:b] for a, b in zip(starts, ends)]

    def _train(self, X, codes, val):
        model, device = self.model_, self.device_
        X_tr = as_tensor(X, device)
        y_tr = torch.as_tensor(codes, dtype=torch.long, device=device)
        if val is not None:
            X_va = as_tensor(val[0], device)
            y_va = torch.as_tensor(val[1], dtype=torch.long, device=device)
        optimizer = torch.optim.Adam(model.parameters(), lr=float(self.lr))
        # Keras' rule: halve after lr_patience epochs without an improvement above
        # 1e-4 (torch counts the epochs *beyond* its patience, hence the - 1)
        scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(
            optimizer,
            factor=_LR_FACTOR,
            patience=self.lr_patience - 1,
            threshold=_MIN_DELTA,
            threshold_mode="abs",
            min_lr=float(self.min_lr),
        )
        autocast = (
            (lambda: torch.autocast("cuda", dtype=torch.bfloat16))
            if self.precision_ == "bf16"
            else nullcontext
        )
        loss_fn = nn.CrossEntropyLoss()
        n_tr = len(X_tr)
        monitor_val = self.monitor_ == "validation"
        state = {
            "best": math.inf,
            "best_epoch": 0,
            "weights": None,
            "stop_best": math.inf,
            "since": 0,
            "stop": False,
        }

        def score_validation():
            model.eval()
            with torch.no_grad():
                logits = self._logits(X_va)
                return {
                    "val_loss": float(loss_fn(logits, y_va)),
                    "val_accuracy": float((logits.argmax(1) == y_va).float().mean()),
                }

        checkpoints = {"epoch": [], "loss": [], "val_loss": [], "val_accuracy": []}

        def epoch(it):
            if state["stop"] or (self.patience is not None and state["since"] >= self.patience):
                raise _EarlyStop  # after the previous epoch went through run_phase's checks
            start = time.perf_counter()
            lr = optimizer.param_groups[0]["lr"]
            model.train()
            order = torch.randperm(n_tr, device=device)
            total = torch.zeros((), device=device)
            for idx in self._batches(n_tr, order):
                with autocast():
                    loss = loss_fn(model(X_tr[idx]).float(), y_tr[idx])
                optimizer_step(optimizer, loss)
                total += loss.detach() * len(idx)
            train_loss = float(total) / n_tr
            losses = {"loss": train_loss, "lr": lr, "seconds": time.perf_counter() - start}
            if monitor_val:
                losses.update(score_validation())
            monitored = losses["val_loss"] if monitor_val else train_loss
            if not math.isfinite(monitored):
                return losses  # run_phase names the diverged loss
            scheduler.step(monitored)
            if monitored < state["best"]:  # the checkpoint keeps any improvement
                state.update(best=monitored, best_epoch=it + 1)
                state["weights"] = copy.deepcopy(model.state_dict())
                if val is not None and not monitor_val:
                    checkpoints["epoch"].append(it + 1)
                    checkpoints["loss"].append(train_loss)
                    for key, value in score_validation().items():
                        checkpoints[key].append(value)
            if monitored < state["stop_best"] - _MIN_DELTA:
                state.update(stop_best=monitored, since=0)
            else:
                state["since"] += 1
            self.n_epochs_ = it + 1
            if self.stop_loss is not None and train_loss < self.stop_loss:
                state["stop"] = True
            return losses

        self.history_ = {}
        try:
            run_phase(
                epoch, self.n_epochs, phase="train", history=self.history_, verbose=self.verbose
            )
        except _EarlyStop:
            pass
        if val is not None and not monitor_val:
            self.history_["checkpoints"] = checkpoints
        self.best_epoch_ = state["best_epoch"]
        if state["weights"] is not None:
            model.load_state_dict(state["weights"])

    # -- predict ----------------------------------------------------------------------
    def _logits(self, X_t: torch.Tensor) -> torch.Tensor:
        return chunked(self.model_, X_t, _PREDICT_BATCH)

    def predict_proba(self, X):
        """Class probabilities (softmax of the network's outputs).

        Parameters
        ----------
        X : array-like of shape (n_cases, n_channels, n_timepoints) or (n_cases, n_timepoints)

        Returns
        -------
        proba : ndarray of shape (n_cases, n_classes)
            Columns in the order of ``classes_``.
        """
        X = check_fitted_X(self, X)
        self.model_.eval()
        with torch.no_grad():
            logits = self._logits(as_tensor(X, self.device_))
            return torch.softmax(logits, dim=1).cpu().numpy().astype(np.float64)

    def predict(self, X):
        """Predicted labels, of the type given to ``fit``.

        Parameters
        ----------
        X : array-like of shape (n_cases, n_channels, n_timepoints) or (n_cases, n_timepoints)

        Returns
        -------
        y_pred : ndarray of shape (n_cases,)
        """
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "model_")
