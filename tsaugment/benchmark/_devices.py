"""Devices of the grid's estimators: names, checks, and what Ray must be told."""

from __future__ import annotations

import re

__all__ = ["check_device", "on_device", "check_cuda_here", "ray_gpu_share"]

_DEVICE = re.compile(r"auto|cpu|mps|cuda(:\d+)?")


def check_device(device, what: str = "device"):
    """Check a device name for the grid: None, "auto", "cpu", "cuda", "cuda:N" or "mps".

    Parameters
    ----------
    device : str or None
        None leaves every estimator at its own default.
    what : str, default="device"
        The parameter's name, for the error message.

    Returns
    -------
    device : str or None

    Raises
    ------
    ValueError
        For any other value.
    """
    if device is None or (isinstance(device, str) and _DEVICE.fullmatch(device)):
        return device
    raise ValueError(
        f"{what} must be 'auto', 'cpu', 'cuda', 'cuda:N' or 'mps' (or None), got {device!r}."
    )


def on_device(estimator, device):
    """Set ``device`` on an estimator that takes one; others are left as they are."""
    if estimator is not None and device is not None:
        if "device" in estimator.get_params(deep=False):
            estimator.set_params(device=device)
    return estimator


def check_cuda_here(devices: dict) -> None:
    """Refuse CUDA devices this machine lacks (for workers that run here)."""
    wanted = [f"{k}={v!r}" for k, v in devices.items() if v and v.startswith("cuda")]
    if not wanted:
        return
    import torch

    if not torch.cuda.is_available():
        raise ValueError(f"{', '.join(wanted)} asks for CUDA, which this machine does not have.")
    for value in devices.values():
        if value and value.startswith("cuda:") and int(value[5:]) >= torch.cuda.device_count():
            raise ValueError(f"no {value} here: {torch.cuda.device_count()} CUDA device(s).")


def ray_gpu_share(devices: dict, n_jobs: int) -> float:
    """GPUs each cell asks Ray for: ``1 / n_jobs`` when a device is CUDA, else 0.

    Ray hides the GPUs from a task that asks for none (it empties
    ``CUDA_VISIBLE_DEVICES``), so a cell told to use CUDA must ask for a share; with
    ``1 / n_jobs`` each, ``n_jobs`` cells share one GPU. Ray numbers a task's GPUs
    from 0, so ``"cuda"`` is the device to give there.
    """
    if any(v and v.startswith("cuda") for v in devices.values()):
        return 1.0 / max(1, n_jobs)
    return 0.0
