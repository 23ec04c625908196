"""The torch base of every torch estimator: what the models share, nothing model-specific.

- :class:`TorchEstimatorMixin`, the base of the torch generators and classifiers: the
  device, seeding without touching torch's global random state, fused Adam where the
  device has it, random mini-batches, chunked inference, ``save`` / ``load``;
- :func:`run_phase`, the phase loop: progress bar (``verbose``), loss history, the
  guard against NaN or infinite losses, and the seconds the phase took
  (``history["phase_seconds"][phase]``);
- :class:`EarlyStopping`: patience on a monitored loss, with the best weights kept;
- functions for code that trains without an estimator object (the metrics' post-hoc
  networks): :func:`resolve_device`, :func:`seeded`, :func:`adam`,
  :func:`random_batch`, :func:`chunked`.
"""

from __future__ import annotations

import contextlib
import copy
import math
import time
from collections.abc import Callable, Iterable, Iterator, Mapping

import numpy as np
import torch
from tqdm.auto import trange

from ._validation import seed_from_random_state
from .base import PersistenceMixin

__all__ = [
    "TorchEstimatorMixin",
    "TorchEstimator",
    "EarlyStopping",
    "StopTraining",
    "resolve_device",
    "seeded",
    "adam",
    "optimizer_step",
    "random_batch",
    "chunked",
    "run_phase",
    "NonFiniteLossError",
    "set_requires_grad",
    "as_tensor",
]

INFERENCE_CHUNK = 4096  # series per forward pass at inference, unless a class says otherwise


class NonFiniteLossError(FloatingPointError, ValueError):
    """A loss became NaN or infinite during training."""


class StopTraining(Exception):  # noqa: N818 - a signal, not an error
    """Raised by a step of :func:`run_phase` to end the phase early (early stopping)."""


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


def adam(params: Iterable[torch.nn.Parameter], lr: float) -> torch.optim.Adam:
    """Adam with the fused kernel where the parameters' device has one.

    The same update rule either way (the fused kernel rounds differently in the last
    bits); on the CPU (torch >= 2.4) and CUDA it saves most of the per-parameter
    overhead of the several small steps per iteration of the recurrent generators.

    Parameters
    ----------
    params : iterable of torch.nn.Parameter
    lr : float
        Learning rate.

    Returns
    -------
    torch.optim.Adam
    """
    params = list(params)
    try:
        return torch.optim.Adam(params, lr=float(lr), fused=True)
    except (RuntimeError, TypeError, ValueError):  # a device or torch without the kernel
        return torch.optim.Adam(params, lr=float(lr))


def chunked(
    fn: Callable[[torch.Tensor], torch.Tensor], X: torch.Tensor, chunk: int = INFERENCE_CHUNK
) -> torch.Tensor:
    """Apply ``fn`` to ``X`` in slices of ``chunk`` series and concatenate the results.

    Bounds the memory of inference on large panels; ``fn`` must treat each series of
    its batch independently (networks in evaluation mode do).

    Parameters
    ----------
    fn : callable
        ``fn(X_chunk) -> Tensor`` with the batch on axis 0.
    X : Tensor of shape (n_cases, ...)
    chunk : int, default=4096

    Returns
    -------
    Tensor of shape (n_cases, ...)
    """
    return torch.cat([fn(X[i : i + chunk]) for i in range(0, len(X), chunk)])


def optimizer_step(opt: torch.optim.Optimizer, loss: torch.Tensor) -> None:
    """One step of ``opt`` on ``loss`` (gradients of its parameters reset first)."""
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()


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
    """Run one training phase: up to ``n_iter`` calls of ``step`` with the shared plumbing.

    Parameters
    ----------
    step : callable
        ``step(iteration) -> {loss_name: value}``; values are floats or 0-d tensors
        (detached or not). A step that raises :class:`StopTraining` ends the phase
        (its losses are not recorded).
    n_iter : int
        Number of iterations.
    phase : str
        Name of the phase, shown on the progress bar and used as the history key.
    history : dict, optional
        ``history[phase][loss_name]`` receives one float per iteration, and
        ``history["phase_seconds"][phase]`` the wall-clock seconds of the phase.
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
    start = time.perf_counter()
    try:
        _loop(step, n_iter, phase, record, verbose, postfix_every)
    finally:
        if history is not None:
            seconds = history.setdefault("phase_seconds", {})
            seconds[phase] = seconds.get(phase, 0.0) + time.perf_counter() - start
    return record


def _loop(step, n_iter, phase, record, verbose, postfix_every) -> None:
    bar = trange(n_iter, desc=phase, disable=not verbose, leave=False, mininterval=0.5)
    for it in bar:
        try:
            losses = step(it)
        except StopTraining:
            break
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
    bar.close()


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


class EarlyStopping:
    """Patience on a monitored loss, keeping the weights of the best epoch.

    Call :meth:`update` once per epoch with the monitored value; it copies the
    model's weights when the value improves on the best by more than ``min_delta``.
    :attr:`should_stop` turns true after ``patience`` epochs without improvement, and
    :meth:`restore` loads the best weights back.

    Parameters
    ----------
    patience : int
        Epochs without improvement before :attr:`should_stop` is true.
    min_delta : float, default=0.0
        Smallest decrease that counts as an improvement.

    Attributes
    ----------
    best : float
        Best monitored value so far (``inf`` before the first update).
    best_epoch : int
        1-based epoch of ``best`` (0 before the first improvement).
    n_since_best : int
        Epochs since the last improvement.

    Examples
    --------
    >>> import torch
    >>> model = torch.nn.Linear(2, 1)
    >>> stopper = EarlyStopping(patience=2)
    >>> for epoch, loss in enumerate([3.0, 1.0, 2.0, 2.5], start=1):
    ...     _ = stopper.update(loss, model, epoch)
    >>> stopper.best, stopper.best_epoch, stopper.should_stop
    (1.0, 2, True)
    """

    def __init__(self, patience: int, *, min_delta: float = 0.0):
        self.patience = patience
        self.min_delta = min_delta
        self.best = math.inf
        self.best_epoch = 0
        self.n_since_best = 0
        self._weights = None

    def update(self, value: float, model: torch.nn.Module, epoch: int) -> bool:
        """Record an epoch's monitored value; return whether it improved on the best."""
        value = float(value)
        if value < self.best - self.min_delta:
            self.best, self.best_epoch, self.n_since_best = value, int(epoch), 0
            self._weights = copy.deepcopy(model.state_dict())
            return True
        self.n_since_best += 1
        return False

    @property
    def should_stop(self) -> bool:
        """Whether ``patience`` epochs have passed without improvement."""
        return self.n_since_best >= self.patience

    def restore(self, model: torch.nn.Module) -> None:
        """Load the best weights into ``model`` (nothing when none was recorded)."""
        if self._weights is not None:
            model.load_state_dict(self._weights)


class TorchEstimatorMixin(PersistenceMixin):
    """Base of every estimator that trains torch networks.

    Expects the parameters ``device``, ``random_state`` and, for the helpers that use
    them, ``lr``, ``batch_size`` and ``verbose``. At the start of ``fit``,
    :meth:`_init_random_state` resolves ``device_``, ``seed_`` and the numpy
    generator ``_rng_``; training runs inside :meth:`_fit_context` (torch seeded from
    ``seed_``, its global generator restored afterwards) and inference inside
    :meth:`_inference_context` (no gradients). Put it before the scikit-learn bases
    (and before :class:`~tsaugment.base.BaseGenerator`) in the class's bases.

    Class attribute ``_inference_chunk``: series per forward pass at inference.
    """

    _inference_chunk = INFERENCE_CHUNK

    # -- state ------------------------------------------------------------------------
    def _init_random_state(self) -> None:
        """Resolve the device and the seeds at the start of ``fit``."""
        self.device_ = resolve_device(getattr(self, "device", "cpu"))
        self.seed_ = seed_from_random_state(self.random_state)
        self._rng_ = np.random.default_rng(self.seed_)
        self.history_ = {}

    _init_torch_state = _init_random_state  # the name the ResNet calls

    def _fit_context(self):
        """Context in which torch draws reproducibly from ``seed_``."""
        return seeded(self.seed_, self.device_)

    _seeded = _fit_context  # the name the ResNet calls

    def _inference_context(self):
        return torch.no_grad()

    def _after_load(self) -> None:
        """Move a loaded network to the device this machine resolves."""
        self.device_ = resolve_device(getattr(self, "device", "cpu"))
        if getattr(self, "model_", None) is not None:
            self.model_.to(self.device_).eval()  # fitted networks are kept in eval mode

    # -- training ---------------------------------------------------------------------
    def _adam(self, *modules: torch.nn.Module) -> torch.optim.Adam:
        """Adam at ``self.lr`` over the parameters of ``modules`` (see :func:`adam`)."""
        return adam((p for m in modules for p in m.parameters()), self.lr)

    def _training_tensors(self, X: np.ndarray, y_codes):
        """The training data (and int labels, or None) as tensors on ``device_``."""
        X_t = as_tensor(X, self.device_)
        y_t = None if y_codes is None else torch.as_tensor(y_codes, device=self.device_)
        return X_t, y_t

    def _batch(self, X_t: torch.Tensor, y_t):
        """A fresh random mini-batch of ``batch_size`` series and their labels."""
        idx = random_batch(X_t.shape[0], self.batch_size, self.device_)
        return X_t[idx], None if y_t is None else y_t[idx]

    def _run_phase(self, step, n_iter: int, phase: str, **kwargs) -> dict[str, list[float]]:
        """:func:`run_phase` into ``history_`` with the estimator's ``verbose``."""
        return run_phase(
            step,
            int(n_iter),
            phase=phase,
            history=self.history_,
            verbose=getattr(self, "verbose", False),
            **kwargs,
        )

    # -- inference --------------------------------------------------------------------
    def _chunks(self, n: int) -> Iterator[slice]:
        """Slices of at most ``_inference_chunk`` series covering ``range(n)``."""
        for start in range(0, n, self._inference_chunk):
            yield slice(start, min(start + self._inference_chunk, n))

    def _infer(self, fn, *arrays: np.ndarray, y_codes=None) -> np.ndarray:
        """``fn(*tensors, labels)`` over chunks of ``arrays``, concatenated as numpy.

        Each chunk of every array goes to ``device_`` as float32, with the chunk's
        labels (None without ``y_codes``); the network should be in evaluation mode.
        """
        out = [
            fn(*(as_tensor(a[sl], self.device_) for a in arrays), self._labels_tensor(y_codes, sl))
            for sl in self._chunks(len(arrays[0]))
        ]
        return torch.cat(out).cpu().numpy()

    def _labels_tensor(self, y_codes, sl: slice):
        """The int labels of a chunk as a tensor on ``device_`` (None without labels)."""
        if y_codes is None:
            return None
        return torch.as_tensor(y_codes[sl], dtype=torch.int64, device=self.device_)


TorchEstimator = TorchEstimatorMixin
