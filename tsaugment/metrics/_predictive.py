"""TimeGAN's predictive score: train on synthetic, test on real, one step ahead."""

from __future__ import annotations

import numpy as np
import torch

from .._training import adam, as_tensor, chunked, random_batch, resolve_device, run_phase, seeded
from ..nn import PosthocPredictor, posthoc_hidden_size
from ._common import check_pair, check_training_params, posthoc_step, repeat_runs, scale_pair

__all__ = ["predictive_score"]

_EVAL_CHUNK = 8192


def predictive_score(
    X_real,
    X_synth,
    *,
    n_iter=5000,
    batch_size=128,
    lr=1e-3,
    n_runs=1,
    scale="auto",
    random_state=None,
    device="auto",
    return_all=False,
):
    """Predictive score of the TimeGAN protocol: train on synthetic, test on real (MAE).

    As in the reference code of Yoon et al. (2019): a one-layer GRU with
    ``max(1, n_channels // 2)`` units and a sigmoid read-out at every step reads
    channels ``0 .. C-2`` at steps ``0 .. T-2`` and predicts the last channel at
    steps ``1 .. T-1``. It is trained on the synthetic series only (Adam, L1 loss,
    ``n_iter`` iterations on fresh random batches of ``batch_size``) and scored by the
    mean absolute error of its predictions on all real series. Lower is better.

    Univariate data has no other channel to read: the GRU then reads the single
    channel at steps ``0 .. T-2`` and predicts its next value (plain one-step-ahead
    forecasting), with one GRU unit.

    Parameters
    ----------
    X_real : array-like of shape (n_real, n_channels, n_timepoints) or (n_real, n_timepoints)
        Real series (2D: univariate), the test set. At least 2 time points.
    X_synth : array-like of shape (n_synth, n_channels, n_timepoints) or (n_synth, n_timepoints)
        Synthetic series with the same channels and length, the training set.
    n_iter : int, default=5000
        Adam iterations (TimeGAN: 5,000).
    batch_size : int, default=128
        Synthetic series per iteration (TimeGAN: 128).
    lr : float, default=1e-3
        Adam's learning rate (TensorFlow's default, which the reference uses).
    n_runs : int, default=1
        Independent repetitions (new network, new batches). TimeGAN's published tables
        average 10.
    scale : {"auto", True, False}, default="auto"
        The sigmoid read-out predicts values in (0, 1), and TimeGAN scores data
        min-max scaled to [0, 1]. ``True`` scales both panels per channel with the
        *real* data's minimum and maximum (the MAE is then in those units);
        ``False`` uses the values as given; ``"auto"`` scales only when the real data
        leaves [0, 1], so Sines and Stocks, already on that scale, are scored
        unchanged and compare with the published tables.
    random_state : None, int or numpy.random.RandomState, default=None
        Seed of the initialisation and batches. Torch's global seed is left unchanged.
    device : {"auto", "cpu", "cuda", ...}, default="auto"
        Where the GRU trains; "auto" picks CUDA when available.
    return_all : bool, default=False
        ``False``: return the mean score over the runs (a float). ``True``: return a
        :class:`MetricResult` ``(mean, std, scores)``.

    Returns
    -------
    score : float or MetricResult
        Mean absolute error on the real series (averaged over the runs), or mean,
        standard deviation (``ddof=1``) and per-run scores.

    Notes
    -----
    The reference averages the per-series MAE over series; with equal lengths this
    is the MAE over all predicted values, which is computed here. Differences from
    the TensorFlow reference: PyTorch's GRU and default initialisation, and one unit
    where the reference's ``int(dim / 2)`` would give none.

    References
    ----------
    Yoon, Jarrett and van der Schaar, "Time-series Generative Adversarial Networks",
    NeurIPS 2019.

    Examples
    --------
    >>> from tsaugment.datasets import make_sines
    >>> from tsaugment.metrics import predictive_score
    >>> real = make_sines(200, random_state=0)
    >>> synth = make_sines(200, random_state=1)
    >>> mae = predictive_score(real, synth, n_iter=200, random_state=0)
    >>> 0.0 < mae < 0.5
    True
    """
    X_real, X_synth = check_pair(X_real, X_synth, min_timepoints=2)
    n_iter, batch_size, lr = check_training_params(n_iter, batch_size, lr, "predictive_score")
    X_real, X_synth = scale_pair(X_real, X_synth, scale)
    dev = resolve_device(device)
    real_in, real_target = (as_tensor(a, dev) for a in _inputs_targets(X_real))
    synth_in, synth_target = (as_tensor(a, dev) for a in _inputs_targets(X_synth))
    hidden = posthoc_hidden_size(X_real.shape[1])

    def run(seed: int) -> float:
        with seeded(seed, dev):
            net = PosthocPredictor(synth_in.shape[1], hidden).to(dev)
            optimizer = adam(net.parameters(), lr)

            def step(it: int):
                idx = random_batch(len(synth_in), batch_size, dev)
                loss = torch.nn.functional.l1_loss(net(synth_in[idx]), synth_target[idx])
                return posthoc_step(optimizer, loss, it, n_iter)

            run_phase(step, n_iter, phase="predictive_score")
            with torch.no_grad():
                error = (chunked(net, real_in, _EVAL_CHUNK) - real_target).abs().sum()
            return float(error) / real_target.numel()

    return repeat_runs(run, n_runs, random_state, return_all)


def _inputs_targets(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Inputs (channels 0..C-2, steps 0..T-2) and target (channel C-1, steps 1..T-1)."""
    n_channels = X.shape[1]
    inputs = X[:, : n_channels - 1, :-1] if n_channels > 1 else X[:, :, :-1]
    return inputs, X[:, -1, 1:]
