"""Losses and optimiser steps shared by the adversarially trained generators.

TimeGAN, AVATAR and AAE: the logit loss against a constant target, the moment-matching
loss (TimeGAN's "moments" loss and AVATAR's "distribution" loss are one formula), and
optimiser steps, plain and thresholded (TimeGAN's and AVATAR's discriminators are
updated only while they are not winning too clearly). The torch plumbing (Adam,
batches, chunked inference) is :class:`tsaugment._training.TorchEstimatorMixin`.
"""

from __future__ import annotations

import torch
from torch.nn import functional as F

from .._params import Integral, Interval, Options, Real, check_param
from .._training import TorchEstimatorMixin, optimizer_step
from .._warnings import warn
from ..nn import CELLS

__all__ = ["bce_logits", "moment_matching_loss", "optimizer_step", "step_if_above"]

CELL_CONSTRAINTS = {
    "cell": [Options(CELLS)],
    "module": [Options(CELLS), Options(["deprecated"])],
}


def bce_logits(logits: torch.Tensor, target: float) -> torch.Tensor:
    """Mean binary cross-entropy of logits against a constant target (1 real, 0 fake)."""
    return F.binary_cross_entropy_with_logits(logits, torch.full_like(logits, target))


def moment_matching_loss(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Mean absolute differences of the batch-axis standard deviations and means.

    ``mean(|std(a) - std(b)|) + mean(|mean(a) - mean(b)|)``, the moments taken over
    the batch (axis 0) and the absolute differences averaged over every other axis,
    with population variances and ``std = sqrt(var + 1e-6)``, as both reference codes
    compute it: TimeGAN's moments loss (generated against real series) and AVATAR's
    distribution loss (latent codes against prior draws). Symmetric in ``a`` and
    ``b``.

    Parameters
    ----------
    a, b : Tensor of shape (batch, ...)
        Two batches of the same trailing shape.

    Returns
    -------
    loss : Tensor of shape ()

    Examples
    --------
    >>> import torch
    >>> a = torch.tensor([[0.0], [2.0]])
    >>> float(moment_matching_loss(a, a + 1.0))
    1.0
    """
    var_a, mean_a = torch.var_mean(a, dim=0, correction=0)
    var_b, mean_b = torch.var_mean(b, dim=0, correction=0)
    std_term = ((var_a + 1e-6).sqrt() - (var_b + 1e-6).sqrt()).abs().mean()
    return std_term + (mean_a - mean_b).abs().mean()


def step_if_above(opt: torch.optim.Optimizer, loss: torch.Tensor, threshold) -> bool:
    """Step on ``loss`` only when it exceeds ``threshold`` (``None``: always).

    The discriminator rule of TimeGAN's and AVATAR's reference code. Reading the loss
    is the one host synchronisation per iteration the rule needs.
    """
    if threshold is not None and not loss.item() > threshold:
        return False
    optimizer_step(opt, loss)
    return True


class RecurrentCellMixin:
    """The ``cell`` parameter of the recurrent generators and its old name ``module``.

    ``module`` (the recurrent cell type, under the name TimeGAN's reference code
    gives it) was renamed ``cell``, the name the networks use. Passing ``module``
    still works and warns (FutureWarning) in ``fit``; it will be removed in a later
    release. Estimators saved before the rename load unchanged.
    """

    def _check_cell(self) -> None:
        if self.module != "deprecated":
            warn(
                f"{type(self).__name__}: the parameter 'module' was renamed 'cell'; pass "
                f"cell={self.module!r} (module will be removed in a later release).",
                FutureWarning,
            )

    def _cell_type(self) -> str:
        """The recurrent cell used: ``cell``, or the deprecated ``module`` when given."""
        return self.cell if self.module == "deprecated" else self.module


# -- names kept for generators written against the earlier helpers ---------------------
# New code subclasses TorchEstimatorMixin and declares ``_parameter_constraints``.
_AdversarialMixin = TorchEstimatorMixin


def _check_int(name, value, minimum):
    """Check an int >= ``minimum`` (the declared-table message)."""
    check_param(name, value, [Interval(Integral, minimum)])


def _check_float(name, value, *, positive=False, allow_none=False):
    """Check a finite number >= 0 (> 0 with ``positive``; None with ``allow_none``)."""
    allowed = [Interval(Real, 0, None, closed="neither" if positive else "both")]
    check_param(name, value, [*allowed, None] if allow_none else allowed)
