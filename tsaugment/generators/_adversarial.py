"""Pieces shared by the adversarially trained generators (TimeGAN, AVATAR, AAE).

Hyperparameter checks, the logit loss, optimiser steps (plain and thresholded, as
TimeGAN's and AVATAR's discriminators are updated only while they are not winning
too clearly), and :class:`_AdversarialMixin`: Adam per group of networks, random
mini-batches with their labels, and chunked inference for ``sample``/``transform``.
"""

from __future__ import annotations

import numbers

import numpy as np
import torch
from torch.nn import functional as F

from .._training import as_tensor, random_batch

__all__ = ["bce_logits", "optimizer_step", "step_if_above"]

_INFERENCE_CHUNK = 4096


def _check_int(name, value, minimum):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}.")


def _check_float(name, value, *, positive=False, allow_none=False):
    if value is None and allow_none:
        return
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and np.isfinite(value)
    if not ok or (value <= 0 if positive else value < 0):
        bound = "> 0" if positive else ">= 0"
        raise ValueError(f"{name} must be a finite number {bound}, got {value!r}.")


def bce_logits(logits: torch.Tensor, target: float) -> torch.Tensor:
    """Mean binary cross-entropy of logits against a constant target (1 real, 0 fake)."""
    return F.binary_cross_entropy_with_logits(logits, torch.full_like(logits, target))


def optimizer_step(opt: torch.optim.Optimizer, loss: torch.Tensor) -> None:
    """One step of ``opt`` on ``loss`` (gradients of its parameters reset first)."""
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()


def step_if_above(opt: torch.optim.Optimizer, loss: torch.Tensor, threshold) -> bool:
    """Step on ``loss`` only when it exceeds ``threshold`` (``None``: always).

    The discriminator rule of TimeGAN's and AVATAR's reference code. Reading the loss
    is the one host synchronisation per iteration the rule needs.
    """
    if threshold is not None and not loss.item() > threshold:
        return False
    optimizer_step(opt, loss)
    return True


class _AdversarialMixin:
    """Optimisers, mini-batches and chunked inference of a generator with ``model_``."""

    def _adam(self, *modules) -> torch.optim.Adam:
        """Adam over the parameters of ``modules``, with the fused kernel where torch has it.

        The same update rule either way; the fused kernel (torch >= 2.4 on CPU) saves
        most of the per-parameter overhead of the several steps per iteration.
        """
        params = [p for m in modules for p in m.parameters()]
        try:
            return torch.optim.Adam(params, lr=self.lr, fused=True)
        except (RuntimeError, TypeError, ValueError):
            return torch.optim.Adam(params, lr=self.lr)

    def _batch(self, X_t, y_t):
        idx = random_batch(X_t.shape[0], self.batch_size, self.device_)
        return X_t[idx], None if y_t is None else y_t[idx]

    def _training_tensors(self, X, y_codes):
        X_t = as_tensor(X, self.device_)
        y_t = None if y_codes is None else torch.as_tensor(y_codes, device=self.device_)
        return X_t, y_t

    def _chunks(self, n):
        for start in range(0, n, _INFERENCE_CHUNK):
            yield slice(start, min(start + _INFERENCE_CHUNK, n))

    def _labels_tensor(self, y_codes, sl):
        if y_codes is None:
            return None
        return torch.as_tensor(y_codes[sl], dtype=torch.int64, device=self.device_)
