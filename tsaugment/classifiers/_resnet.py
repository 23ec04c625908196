"""ResNetClassifier: the time-series ResNet of Wang, Yan and Oates (2017).

The network is :class:`tsaugment.nn.TimeSeriesResNet`; this module only trains it with
the scikit-learn classifier API. Training follows the published recipe (Adam, lr 1e-3,
cross-entropy, batch size 16, the learning rate halved when the monitored loss stops
improving, the best weights kept) with one change that matters for honest
evaluation: the monitored loss is that of a stratified validation split of the
*training* data (the original Keras code monitors the training loss), and training
stops early when it has not improved for ``patience`` epochs. ``fit`` also takes the
validation series explicitly (``validation_data``), which is how
:class:`tsaugment.AugmentedClassifier` and the benchmark keep synthetic series out of
it: see :meth:`ResNetClassifier.validation_split`.
"""

from __future__ import annotations

import copy
import math

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import check_is_fitted
from torch import nn

from .._params import Integral, Interval, Real, validate_params
from .._training import TorchEstimatorMixin, as_tensor, run_phase
from .._validation import check_same_layout, check_X, check_y, seed_from_random_state
from ..nn import TimeSeriesResNet

__all__ = ["ResNetClassifier"]

_PREDICT_BATCH = 256


class _EarlyStop(Exception):
    """Raised inside an epoch step to leave ``run_phase`` early."""


class ResNetClassifier(TorchEstimatorMixin, ClassifierMixin, BaseEstimator):
    """Time-series ResNet classifier (Wang, Yan and Oates, 2017) in PyTorch.

    Three residual blocks of three convolutions (kernel sizes 8, 5, 3; 64, 128 and 128
    filters) with batch norm and ReLU, global average pooling and a softmax layer.

    Parameters
    ----------
    n_epochs : int, default=300
        Most passes over the training data. The paper trains for 1500 epochs; with
        early stopping on a validation split 300 is enough on the UCR data sets we
        tried (GunPoint: see ``benchmarks/resnet_gunpoint.py``) and keeps CPU fits to
        minutes. Raise it (with ``patience``) for hard data sets.
    batch_size : int, default=16
        Mini-batch size (the paper uses ``min(n_cases / 10, 16)``).
    lr : float, default=1e-3
        Initial learning rate of Adam.
    validation_size : float, default=0.2
        Fraction of the training data held out, stratified by class, to monitor the
        loss for early stopping, learning-rate halving and the choice of the weights
        that are kept. Only training data is ever used. When it is 0, or when the
        split would leave a class without a series on either side (a class with fewer
        than 2 series, or fewer held-out series than classes), the training loss is
        monitored instead, as in the original code; ``monitor_`` says which was used.
    patience : int, default=50
        Epochs without improvement of the monitored loss before training stops. The
        learning rate is halved (down to 1e-4) after ``max(patience // 2, 1)`` epochs
        without improvement.
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
    monitor_ : {"validation", "train"}
        Which loss guided early stopping and the choice of weights.
    n_epochs_ : int
        Epochs actually run.
    best_epoch_ : int
        Epoch (1-based) whose weights were kept.
    history_ : dict
        ``history_["train"]`` holds per-epoch lists ``"loss"`` (training) and, with a
        validation split, ``"val_loss"`` and ``"val_accuracy"``.

    Notes
    -----
    Inputs are used as given (no scaling), like the paper on the z-normalised UCR
    archive; the batch norm after the first convolution makes the network tolerant
    of other scales, but z-normalising each series first is the safe choice.

    On augmented data, hold the validation series out of the originals before
    augmenting (:class:`tsaugment.AugmentedClassifier` does, through
    :meth:`validation_split` and ``validation_data``); a split of originals plus
    synthetic series would put variants of validation series in the training set.

    Examples
    --------
    >>> from tsaugment import ResNetClassifier
    >>> from tsaugment.datasets import load_ucr
    >>> X_train, y_train = load_ucr("GunPoint", split="train")
    >>> clf = ResNetClassifier(n_epochs=2, random_state=0).fit(X_train[:20], y_train[:20])
    >>> clf.predict(X_train[:3]).shape
    (3,)
    """

    def __init__(
        self,
        *,
        n_epochs=300,
        batch_size=16,
        lr=1e-3,
        validation_size=0.2,
        patience=50,
        device="auto",
        verbose=False,
        random_state=None,
    ):
        self.n_epochs = n_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.validation_size = validation_size
        self.patience = patience
        self.device = device
        self.verbose = verbose
        self.random_state = random_state

    @classmethod
    def get_test_params(cls):
        """Tiny settings for the shared checks (``tsaugment.utils.estimator_checks``)."""
        return {"n_epochs": 2, "batch_size": 8, "device": "cpu"}

    _parameter_constraints = {
        "n_epochs": [Interval(Integral, 1)],
        "batch_size": [Interval(Integral, 1)],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "validation_size": [Interval(Real, 0, 1, closed="left")],
        "patience": [Interval(Integral, 1)],
    }

    def _check_params(self) -> None:
        validate_params(self)

    def _build_model(self) -> nn.Module:
        return TimeSeriesResNet(self.n_channels_, self.n_classes_)

    # -- fit --------------------------------------------------------------------------
    def validation_split(self, y):
        """Indices of the training and the validation series that ``fit`` would use.

        For training on augmented data, hold the validation series out of the
        originals *before* augmenting, and pass them to ``fit`` as
        ``validation_data``: a synthetic variant of a validation series in the
        training set would make the validation loss a training loss.

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
            next), or None when no split can be made (``validation_size=0``, a class
            with fewer than two series, or fewer series than classes on either side).
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
            Series that guide early stopping and the choice of weights, in place of a
            split of ``X`` (``validation_size`` is then unused and every series of
            ``X`` is trained on). Their labels must be classes of ``y``.

        Returns
        -------
        self : ResNetClassifier
        """
        self._check_params()
        X = check_X(X, min_cases=2)
        y = check_y(y, X.shape[0])
        self.classes_, codes = np.unique(y, return_inverse=True)
        self.n_classes_ = len(self.classes_)
        self.n_channels_, self.n_timepoints_ = X.shape[1], X.shape[2]
        self._init_torch_state()
        if validation_data is None:
            train_idx, val_idx = self._split(codes, self.n_classes_, self.seed_)
        else:
            X, codes, train_idx, val_idx = self._append_validation(X, codes, validation_data)
        self.monitor_ = "train" if val_idx is None else "validation"
        with self._seeded():
            self.model_ = self._build_model().to(self.device_)
            self._train(X, codes, train_idx, val_idx)
        self.model_.eval()
        return self

    def _split(self, codes, n_classes, seed):
        """Stratified train/validation indices, or (all, None) when it cannot be done."""
        n = len(codes)
        n_val = math.ceil(self.validation_size * n)
        counts = np.bincount(codes)
        if n_val == 0 or counts.min() < 2 or n_val < n_classes or n - n_val < n_classes:
            return np.arange(n), None
        train_idx, val_idx = train_test_split(
            np.arange(n), test_size=n_val, stratify=codes, random_state=seed
        )
        return np.sort(train_idx), np.sort(val_idx)

    def _append_validation(self, X, codes, validation_data):
        """Training and given validation series in one array, with their indices."""
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
        n, n_val = len(X), len(X_val)
        X_all = np.concatenate([X, X_val.astype(X.dtype, copy=False)])
        codes_all = np.concatenate([codes, np.searchsorted(self.classes_, y_val)])
        return X_all, codes_all, np.arange(n), np.arange(n, n + n_val)

    def _train(self, X, codes, train_idx, val_idx):
        model, device = self.model_, self.device_
        X_tr = as_tensor(X[train_idx], device)
        y_tr = torch.as_tensor(codes[train_idx], dtype=torch.long, device=device)
        if val_idx is not None:
            X_va = as_tensor(X[val_idx], device)
            y_va = torch.as_tensor(codes[val_idx], dtype=torch.long, device=device)
        optimizer = torch.optim.Adam(model.parameters(), lr=self.lr)
        scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(
            optimizer, factor=0.5, patience=max(self.patience // 2, 1), min_lr=1e-4
        )
        loss_fn = nn.CrossEntropyLoss()
        n_tr = len(train_idx)
        # a last batch of one series breaks batch norm: fold it into the previous one
        state = {"best": math.inf, "best_epoch": 0, "weights": None, "since": 0}

        def epoch(it):
            if state["since"] >= self.patience:
                raise _EarlyStop  # after the previous epoch went through run_phase's checks
            model.train()
            order = torch.randperm(n_tr, device=device)
            starts = list(range(0, n_tr, self.batch_size))
            if len(starts) > 1 and n_tr - starts[-1] < 2:
                starts.pop()
            total = 0.0
            for i, start in enumerate(starts):
                stop = starts[i + 1] if i + 1 < len(starts) else n_tr
                idx = order[start:stop]
                loss = loss_fn(model(X_tr[idx]), y_tr[idx])
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                total += loss.detach() * len(idx)
            losses = {"loss": total / n_tr}
            if val_idx is not None:
                model.eval()
                with torch.no_grad():
                    logits = self._logits(X_va)
                    losses["val_loss"] = loss_fn(logits, y_va)
                    losses["val_accuracy"] = (logits.argmax(1) == y_va).float().mean()
                monitored = float(losses["val_loss"])
            else:
                monitored = float(losses["loss"])
            scheduler.step(monitored)
            if monitored < state["best"]:
                state.update(best=monitored, best_epoch=it + 1, since=0)
                state["weights"] = copy.deepcopy(model.state_dict())
            else:
                state["since"] += 1
            self.n_epochs_ = it + 1
            return losses

        self.history_ = {}
        try:
            run_phase(
                epoch, self.n_epochs, phase="train", history=self.history_, verbose=self.verbose
            )
        except _EarlyStop:
            pass
        self.best_epoch_ = state["best_epoch"]
        if state["weights"] is not None:
            model.load_state_dict(state["weights"])

    # -- predict ----------------------------------------------------------------------
    def _logits(self, X_t: torch.Tensor) -> torch.Tensor:
        return torch.cat(
            [self.model_(X_t[i : i + _PREDICT_BATCH]) for i in range(0, len(X_t), _PREDICT_BATCH)]
        )

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
        check_is_fitted(self)
        X = check_X(X)
        check_same_layout(X, (self.n_channels_, self.n_timepoints_))
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
