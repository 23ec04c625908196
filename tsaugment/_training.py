"""The one training-loop helper every torch estimator uses.

It owns what the models have in common and nothing model-specific: the device, seeding
without touching torch's global random state, random mini-batches, the phase loop with
its progress bar, the loss history, and the guard against NaN or infinite losses.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator, Mapping

import numpy as np
import torch
from tqdm.auto import trange

__all__ = [
    "resolve_device",
    "seeded",
    "random_batch",
    "run_phase",
    "NonFiniteLossError",
    "set_requires_grad",
    "as_tensor",
]


class NonFiniteLossError(FloatingPointError, ValueError):
    """A loss became NaN or infinite during training."""


def resolve_device(device) -> torch.device:
    """Turn the ``device`` parameter into a :class:`torch.device`.

    Parameters
    ----------
    device : {"auto", "cpu", "cuda", "cuda:N", "mps"} or torch.device
        ``"auto"`` picks CUDA when it is available, else the CPU.

    Returns
    -------
    torch.device
    """
    if isinstance(device, torch.device):
        return device
    if device is None or device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        resolved = torch.device(device)
    except (RuntimeError, TypeError) as err:
        raise ValueError(
            f"device must be 'auto', 'cpu', 'cuda' or 'cuda:N', got {device!r}."
        ) from err
    if resolved.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device={device!r} was asked for, but CUDA is not available.")
    return resolved


@contextlib.contextmanager
def seeded(seed: int, device: torch.device | None = None) -> Iterator[None]:
    """Seed torch inside the block and restore its global random state afterwards.

    Everything drawn inside (weight initialisation, noise, batch indices, dropout) is
    reproducible from ``seed``, and code outside the block sees torch's global
    generator exactly as it was: estimators never change the user's seed.

    Parameters
    ----------
    seed : int
        Seed for the block.
    device : torch.device, optional
        The CUDA device whose generator is forked too (CPU's always is).
    """
    devices = [device] if device is not None and device.type == "cuda" else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield


def random_batch(n_cases: int, batch_size: int, device: torch.device) -> torch.Tensor:
    """Indices of a random mini-batch drawn without replacement.

    As TimeGAN's reference code does, each iteration draws a fresh batch; when there
    are fewer series than ``batch_size`` the batch is all of them.

    Parameters
    ----------
    n_cases : int
        Number of training series.
    batch_size : int
        Wanted batch size.
    device : torch.device
        Where the indices live (the data's device).

    Returns
    -------
    idx : Tensor of shape (min(batch_size, n_cases),)
    """
    if batch_size >= n_cases:
        return torch.randperm(n_cases, device=device)
    return torch.randperm(n_cases, device=device)[:batch_size]


def set_requires_grad(modules, flag: bool) -> None:
    """Freeze (``False``) or unfreeze (``True``) the parameters of modules.

    Parameters
    ----------
    modules : iterable of torch.nn.Module
    flag : bool
    """
    for module in modules:
        for param in module.parameters():
            param.requires_grad_(flag)


def run_phase(
    step: Callable[[int], Mapping[str, torch.Tensor | float]],
    n_iter: int,
    *,
    phase: str,
    history: dict | None = None,
    verbose: bool = False,
    postfix_every: int = 50,
) -> dict[str, list[float]]:
    """Run one training phase: ``n_iter`` calls of ``step`` with the shared plumbing.

    Parameters
    ----------
    step : callable
        ``step(iteration) -> {loss_name: value}``; values are floats or 0-d tensors
        (detached or not).
    n_iter : int
        Number of iterations.
    phase : str
        Name of the phase, shown on the progress bar and used as the history key.
    history : dict, optional
        ``history[phase][loss_name]`` receives one float per iteration.
    verbose : bool, default=False
        Show a tqdm progress bar with the latest losses.
    postfix_every : int, default=50
        How often the progress bar's losses are refreshed.

    Returns
    -------
    phase_history : dict of str to list of float

    Raises
    ------
    NonFiniteLossError
        As soon as a loss is NaN or infinite, naming the phase, the iteration and the
        loss, so that a diverging model never yields NaN output.
    """
    record: dict[str, list[float]] = {}
    if history is not None:
        record = history.setdefault(phase, {})
    bar = trange(n_iter, desc=phase, disable=not verbose, leave=False, mininterval=0.5)
    for it in bar:
        losses = step(it)
        values = _to_floats(losses)
        for key, value in values.items():
            if not math.isfinite(value):
                raise NonFiniteLossError(
                    f"the {key!r} loss became {value} in phase {phase!r} at iteration "
                    f"{it + 1} of {n_iter}; the model diverged. Try a smaller lr, "
                    "a larger batch_size, or check the input scale."
                )
            record.setdefault(key, []).append(value)
        if verbose and it % postfix_every == 0:
            bar.set_postfix({k: f"{v:.4f}" for k, v in values.items()}, refresh=False)
    return record


def _to_floats(losses: Mapping[str, torch.Tensor | float]) -> dict[str, float]:
    """Convert a dict of 0-d tensors or floats to Python floats in one transfer."""
    tensors = [v for v in losses.values() if isinstance(v, torch.Tensor)]
    if len(tensors) == len(losses) and tensors:
        stacked = torch.stack([t.detach().float().reshape(()) for t in tensors])
        return dict(zip(losses.keys(), stacked.cpu().tolist()))
    return {
        k: float(v.detach()) if isinstance(v, torch.Tensor) else float(v) for k, v in losses.items()
    }


def as_tensor(X: np.ndarray, device: torch.device) -> torch.Tensor:
    """Move a float array to ``device`` as float32 (the networks' dtype)."""
    return torch.as_tensor(np.ascontiguousarray(X), dtype=torch.float32, device=device)
