"""TimeGAN's discriminative score: how well a post-hoc GRU tells real from synthetic."""

from __future__ import annotations

import torch
from torch import nn

from .._training import adam, as_tensor, chunked, random_batch, resolve_device, run_phase, seeded
from .._warnings import warn
from ..nn import PosthocDiscriminator
from ._common import (
    ScoreWarning,
    check_pair,
    check_training_params,
    posthoc_step,
    repeat_runs,
    scale_pair,
)

__all__ = ["discriminative_score"]

_TRAIN_RATE = 0.8  # TimeGAN's train_test_divide
_EVAL_CHUNK = 8192
_MIN_HELD_OUT = 10  # fewer held-out series of a kind: the score moves in steps of 1/20+


def discriminative_score(
    X_real,
    X_synth,
    *,
    n_iter=2000,
    batch_size=128,
    lr=1e-3,
    n_runs=1,
    scale="auto",
    random_state=None,
    device="auto",
    return_all=False,
):
    """Discriminative score of the TimeGAN protocol: ``|accuracy - 0.5|`` of a post-hoc GRU.

    As in the reference code of Yoon et al. (2019): real and synthetic series are each
    shuffled and split 80/20 (whole series, every time step); a one-layer GRU with
    ``max(1, n_channels // 2)`` units reads a series and maps its last hidden state to
    one logit; it is trained with Adam for ``n_iter`` iterations, each on a fresh
    random batch of ``batch_size`` real and ``batch_size`` synthetic training series,
    minimising the sum of the two binary cross-entropies. The score is
    ``|accuracy - 0.5|`` on the union of both held-out parts (threshold 0.5 on the
    sigmoid). 0 means indistinguishable, 0.5 means perfectly separable. Lower is
    better.

    Parameters
    ----------
    X_real : array-like of shape (n_real, n_channels, n_timepoints) or (n_real, n_timepoints)
        Real series (2D: univariate). At least 2 series.
    X_synth : array-like of shape (n_synth, n_channels, n_timepoints) or (n_synth, n_timepoints)
        Synthetic series with the same channels and length. At least 2 series.
    n_iter : int, default=2000
        Adam iterations (TimeGAN: 2,000).
    batch_size : int, default=128
        Real and synthetic series per iteration, each (TimeGAN: 128).
    lr : float, default=1e-3
        Adam's learning rate (TensorFlow's default, which the reference uses).
    n_runs : int, default=1
        Independent repetitions (new split, new network, new batches). TimeGAN's
        published tables average 10.
    scale : {"auto", True, False}, default="auto"
        TimeGAN scores data min-max scaled to [0, 1]. ``True`` scales both panels
        per channel with the *real* data's minimum and maximum; ``False`` uses the
        values as given; ``"auto"`` scales only when the real data leaves [0, 1]
        (so Sines and Stocks, already on that scale, are scored unchanged).
    random_state : None, int or numpy.random.RandomState, default=None
        Seed of the splits, initialisation and batches. Torch's global seed is left
        unchanged.
    device : {"auto", "cpu", "cuda", ...}, default="auto"
        Where the GRU trains; "auto" picks CUDA when available.
    return_all : bool, default=False
        ``False``: return the mean score over the runs (a float). ``True``: return a
        :class:`MetricResult` ``(mean, std, scores)``.

    Returns
    -------
    score : float or MetricResult
        Mean of ``|accuracy - 0.5|`` over the runs, or mean, standard deviation
        (``ddof=1``) and per-run scores.

    Notes
    -----
    Differences from the TensorFlow reference, none of which changes the protocol:
    PyTorch's GRU and default initialisation; univariate data gets one GRU unit
    where the reference's ``int(dim / 2)`` would give none. The score is noisy
    (the held-out set is small and the GRU tiny): report several runs.

    When a score is not meaningful it is still returned as the protocol computes it
    (so that it compares with the reference code), with a :class:`ScoreWarning`
    saying why: when the post-hoc GRU put every held-out series, real and synthetic,
    in the same class (a constant classifier: the score is then about 0.0, which
    reads as "indistinguishable" but cannot tell that from a GRU that had too few
    ``n_iter`` to learn),
    and when fewer than 10 real or synthetic series are held out (the score moves in
    coarse steps and means little). A tiny generator scored with a working GRU gets
    a high score, as it should.

    References
    ----------
    Yoon, Jarrett and van der Schaar, "Time-series Generative Adversarial Networks",
    NeurIPS 2019.

    Examples
    --------
    >>> import numpy as np
    >>> from tsaugment.datasets import make_sines
    >>> from tsaugment.metrics import discriminative_score
    >>> real = make_sines(200, random_state=0)
    >>> flat = np.ones_like(real)  # a generator stuck at the top of the range
    >>> score = discriminative_score(real, flat, n_iter=200, random_state=0)
    >>> score > 0.3
    True
    """
    X_real, X_synth = check_pair(X_real, X_synth, min_cases=2)
    n_iter, batch_size, lr = check_training_params(n_iter, batch_size, lr, "discriminative_score")
    X_real, X_synth = scale_pair(X_real, X_synth, scale)
    dev = resolve_device(device)
    real = as_tensor(X_real, dev)
    synth = as_tensor(X_synth, dev)

    problems: list[str] = []

    def run(seed: int) -> float:
        with seeded(seed, dev):
            score, problem = _one_run(real, synth, n_iter, batch_size, lr, dev)
        if problem:
            problems.append(problem)
        return score

    result = repeat_runs(run, n_runs, random_state, return_all)
    for problem in dict.fromkeys(problems):  # once each, pointing at the caller's line
        warn(problem, ScoreWarning)
    return result


def _split(X: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Shuffle and split 80/20 as TimeGAN's ``train_test_divide`` does."""
    n = X.shape[0]
    idx = torch.randperm(n, device=X.device)
    n_train = int(n * _TRAIN_RATE)
    return X[idx[:n_train]], X[idx[n_train:]]


def _one_run(real, synth, n_iter, batch_size, lr, dev) -> tuple[float, str | None]:
    """One split, one GRU: the score, and why it is not meaningful (or None)."""
    real_train, real_test = _split(real)
    synth_train, synth_test = _split(synth)
    net = PosthocDiscriminator(real.shape[1]).to(dev)
    optimizer = adam(net.parameters(), lr)
    bce = nn.BCEWithLogitsLoss()

    def step(it: int):
        r = real_train[random_batch(len(real_train), batch_size, dev)]
        s = synth_train[random_batch(len(synth_train), batch_size, dev)]
        logits = net(torch.cat([r, s]))  # one fused GRU call for both halves
        loss = bce(logits[: len(r)], torch.ones_like(logits[: len(r)])) + bce(
            logits[len(r) :], torch.zeros_like(logits[len(r) :])
        )
        return posthoc_step(optimizer, loss, it, n_iter)

    net.train()
    run_phase(step, n_iter, phase="discriminative_score")
    net.eval()
    with torch.no_grad():
        real_says_real = chunked(net, real_test, _EVAL_CHUNK) > 0
        synth_says_real = chunked(net, synth_test, _EVAL_CHUNK) > 0
    said_real = int(real_says_real.sum()) + int(synth_says_real.sum())
    n_test = len(real_test) + len(synth_test)
    accuracy = (int(real_says_real.sum()) + len(synth_test) - int(synth_says_real.sum())) / n_test
    score = abs(accuracy - 0.5)
    if said_real in (0, n_test):
        return score, (
            f"discriminative score {score:.4f} is not meaningful: the post-hoc GRU called "
            f"all {n_test} held-out series {'real' if said_real else 'synthetic'}: a "
            "constant classifier, which cannot say whether the two sets are "
            f"indistinguishable or n_iter={n_iter} iterations were too few for it to "
            "learn; raise n_iter, or compare with a real-versus-real run."
        )
    if min(len(real_test), len(synth_test)) < _MIN_HELD_OUT:
        return score, (
            f"discriminative score {score:.4f} rests on {len(real_test)} real and "
            f"{len(synth_test)} synthetic held-out series; with fewer than {_MIN_HELD_OUT} "
            "of either it is too coarse to mean much (pass more series)."
        )
    return score, None
