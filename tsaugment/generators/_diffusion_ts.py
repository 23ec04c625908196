"""DiffusionTSGenerator: Diffusion-TS (Yuan and Qiao, ICLR 2024) as a tsaugment generator.

The network and the diffusion are in :mod:`tsaugment.nn._diffusion_ts`; this module
holds the estimator: the authors' training schedule (Adam with betas (0.9, 0.96),
gradient clipping at norm 1, a linear warm-up of the learning rate followed by halving
on a loss plateau, an exponential moving average of the weights), class-conditional
generation (classifier-free guidance, or the authors' classifier guidance), sampling
and ``transform``.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch.nn import functional as F

from .._params import Integral, Interval, OddInt, Options, Real
from .._training import TorchEstimatorMixin, adam, as_tensor
from ..base import BaseGenerator
from ..nn._diffusion_ts import DiffusionTSNet, GaussianDiffusion
from ..nn._noisy_classifier import NoisyClassifier

__all__ = ["DiffusionTSGenerator"]

# The authors' solver settings (Config/stocks.yaml, engine/solver.py, ema_pytorch).
_ADAM_BETAS = (0.9, 0.96)
_CLIP_NORM = 1.0
_START_LR = 1e-5  # base_lr, and min_lr of the plateau rule
_PLATEAU = {"factor": 0.5, "threshold": 0.1, "threshold_mode": "rel"}
_EMA_AFTER = 100  # ema_pytorch: copy the weights for the first 100 steps
_EMA_POWER = 2 / 3  # ema_pytorch: decay warm-up 1 - (1 + step) ** -power


def _benchmark_timepoints(settings) -> int:
    """Network length in the benchmark, whatever the budget (see ``max_timepoints``)."""
    return 64


def _benchmark_sampling_steps(settings) -> int:
    """Fast-sampler steps in the benchmark: 50 draws about 11 times faster than 500."""
    return 50


def _benchmark_warmup(settings) -> int:
    """Warm-up in the benchmark: the paper's share of its run (500 of 10,000 steps).

    At the paper's 500 steps the small budget (300) would end inside the warm-up.
    """
    return max(1, settings["iterations"] // 20)


def _benchmark_patience(settings) -> int:
    """Plateau patience in the benchmark: the paper's share (2,000 of 10,000 steps)."""
    return max(1, settings["iterations"] // 5)


class _WeightAverage:
    """Exponential moving average of a network's weights, as ``ema_pytorch.EMA``.

    Every ``every`` steps, the average copies the weights while the step count is at
    most 100, then moves towards them with decay ``min(decay, 1 - (1 + s) ** -2/3)``
    where ``s`` counts the steps after the first 100 (the library's warm-up).
    """

    def __init__(self, net: torch.nn.Module, average: torch.nn.Module, decay: float, every: int):
        self.src = [p for p in net.state_dict().values() if p.dtype.is_floating_point]
        self.dst = [p for p in average.state_dict().values() if p.dtype.is_floating_point]
        self.decay, self.every, self.step = decay, every, 0

    @torch.no_grad()
    def update(self) -> None:
        step = self.step
        self.step += 1
        if step % self.every:
            return
        if step <= _EMA_AFTER:
            torch._foreach_copy_(self.dst, self.src)
            return
        s = self.step - _EMA_AFTER - 1
        decay = min(self.decay, 1 - (1 + s) ** -_EMA_POWER)
        torch._foreach_lerp_(self.dst, self.src, 1 - decay)


class DiffusionTSGenerator(TorchEstimatorMixin, BaseGenerator):
    """Diffusion-TS: an interpretable diffusion model for time series.

    A Gaussian diffusion (cosine schedule, ``n_diffusion_steps`` steps) whose network
    predicts the clean series rather than the noise: an encoder-decoder transformer
    whose decoder layers split the series into a trend (a cubic polynomial in time),
    a seasonal part (the top Fourier frequencies) and a residual (Yuan and Qiao,
    ICLR 2024). The loss is the L1 error of the prediction plus a weighted L1 error of
    its Fourier transform, reweighted per diffusion step as in the authors' code. Data
    are scaled per channel to [-1, 1]. Training follows the authors' solver: Adam
    (betas 0.9, 0.96), gradient norm clipped at 1, the learning rate rising linearly
    from 1e-5 to ``lr`` over ``warmup_iter`` steps, then halved whenever the loss has
    not fallen 10 % below its best for ``plateau_patience`` steps (never below 1e-5);
    samples come from an exponential moving average of the weights.

    With labels, ``guidance`` chooses how samples are steered to a class.
    ``"classifier-free"`` (the default; Ho and Salimans, 2022) trains one
    class-conditional model: a label embedding joins the step embedding of the adaptive
    layer norms and is replaced by a "no label" entry with probability ``p_uncond``.
    ``"classifier"`` is the authors' own route (their class-conditional experiment):
    the diffusion is trained without labels, then a
    :class:`~tsaugment.nn.NoisyClassifier` of noised series is trained for
    ``classifier_n_iter`` steps (Adam at ``classifier_lr``, the same mini-batches), and
    sampling follows the gradient of its log-probability of the class, scaled by
    ``classifier_scale`` (Dhariwal and Nichol, 2021).

    Parameters
    ----------
    n_layers_enc : int, default=2
        Encoder layers (self-attention and MLP, adaptive layer norm).
    n_layers_dec : int, default=2
        Decoder layers (self- and cross-attention, trend and season heads).
    d_model : int, default=64
        Transformer width.
    n_heads : int, default=4
        Attention heads; must divide ``d_model``.
    mlp_hidden_times : int, default=4
        Width of the MLPs in multiples of ``d_model``.
    dropout : float, default=0.0
        Dropout of attention and residual branches.
    kernel_size : int or None, default=None
        Kernel of the seasonal output convolution; ``None``: 1 for fewer than 32
        channels and 64 time steps, else 5 (the authors' rule).
    n_diffusion_steps : int, default=500
        Diffusion steps T.
    sampling_steps : int or None, default=None
        Network calls per sample. ``None`` runs the paper's ancestral sampler over all
        ``n_diffusion_steps``; fewer uses the authors' DDIM-like fast sampler (e.g. 50
        draws ten times faster).
    eta : float, default=0.0
        Noise of the fast sampler (0: deterministic given the starting noise).
    fourier_weight : float or None, default=None
        Weight of the Fourier-domain loss; ``None``: ``sqrt(n_timepoints) / 5`` as in
        the authors' code.
    n_iter : int, default=10000
        Optimiser steps.
    batch_size : int, default=64
        Series per mini-batch (all of them when there are fewer).
    grad_accumulation : int, default=2
        Mini-batches per optimiser step (the authors accumulate 2 of 64). They are
        drawn together and go through the network as one batch, which gives the same
        gradient.
    lr : float, default=8e-4
        Learning rate reached at the end of the warm-up.
    warmup_iter : int, default=500
        Steps of linear warm-up from 1e-5 to ``lr``.
    plateau_patience : int, default=2000
        Steps without a 10 % improvement of the loss before the rate is halved.
        The paper's 500 and 2,000 belong to its 10,000-step run; for a shorter run,
        scale both with ``n_iter`` (``n_iter // 20`` and ``n_iter // 5``, as the
        benchmark's budgets do): on Stocks, 5,000 steps so scheduled reached a
        discriminative score of 0.113 against 0.228 with 500 and 2,000 (training
        seed 0, the 50-step sampler).
    ema_decay : float, default=0.995
        Decay of the weight average.
    ema_every : int, default=10
        Steps between updates of the weight average.
    guidance : {"classifier-free", "classifier"}, default="classifier-free"
        How labelled fits condition on the class (see above); unlabelled fits ignore
        it.
    p_uncond : float, default=0.1
        Probability of dropping the label in training (classifier-free guidance).
    guidance_scale : float, default=1.0
        Classifier-free guidance weight w at sampling and ``transform``: the
        prediction is ``(1 + w) * conditional - w * unconditional``; 0 uses the
        conditional model alone (one network call per step instead of two).
    classifier_scale : float, default=0.1
        Classifier guidance weight (the authors' ``classifier_scale``); 0 samples
        without guidance.
    classifier_layers : int, default=3
        Encoder layers of the noisy classifier (its width, heads and MLP follow
        ``d_model``, ``n_heads`` and ``mlp_hidden_times``, as in the authors' setup).
    classifier_n_iter : int or None, default=None
        Training steps of the noisy classifier; ``None``: ``n_iter`` (the authors
        train it as long as the diffusion).
    classifier_lr : float, default=5e-4
        Learning rate of the noisy classifier (Adam, constant).
    classifier_dropout : float, default=0.0
        Dropout of the noisy classifier in training (it guides in evaluation mode).
        0 is what the authors' configuration file asks for; their code reads it
        under other names and so trains, and guides, with its own default of 0.1.
    max_timepoints : int or None, default=None
        Longest series the network sees. ``None`` trains on the full length, as the
        paper does. Longer series are averaged down to ``max_timepoints`` steps
        (adaptive average pooling) for training, and generated series are
        interpolated back (linear); ``transform`` keeps each series' own detail finer
        than that grid and changes the coarse shape. An option beyond the paper: the
        transformer's step costs about 0.14, 0.36, 1.0 and 8.0 CPU-seconds at 24, 64,
        150 and 601 time steps (one core, 2 x 64 series), so UCR-length series need it
        on a CPU; the benchmark uses 64.
    strength : float, default=0.5
        Share of the diffusion chain that :meth:`transform` runs: each series is
        noised to step ``strength * n_diffusion_steps``, then denoised (with its
        class). 0 returns the input; 1 is a fresh sample of the class.
    device : str, default="auto"
        ``"auto"`` picks CUDA when available.
    verbose : bool, default=False
        Show progress bars: training (with the loss) and the sampler's steps.
    random_state : int, RandomState instance or None, default=None

    Attributes
    ----------
    model_ : GaussianDiffusion
        The diffusion with the averaged (EMA) weights; its ``net`` is the
        :class:`~tsaugment.nn.DiffusionTSNet`.
    history_ : dict
        ``history_["diffusion"]``: ``"loss"`` and ``"lr"``, one float per step;
        ``history_["phase_seconds"]["diffusion"]``: the training time. With classifier
        guidance also ``history_["classifier"]["loss"]`` and its phase seconds.
    classes_ : ndarray or None
        Class labels when fitted with ``y``.
    classifier_guided_ : bool
        Whether this fit guides with a noisy classifier (``guidance="classifier"``
        and labels); the classifier is then ``model_.classifier``.

    Examples
    --------
    >>> from tsaugment import DiffusionTSGenerator
    >>> from tsaugment.datasets import make_sines
    >>> X = make_sines(32, seq_len=16, n_channels=2, random_state=0)
    >>> gen = DiffusionTSGenerator(n_iter=20, n_diffusion_steps=50, sampling_steps=10,
    ...                            random_state=0).fit(X)
    >>> X_new, _ = gen.sample(5)
    >>> X_new.shape
    (5, 2, 16)
    """

    benchmark_name = "diffusion_ts"
    # n_iter = the budget's "iterations" (300 / 2,000 / 8,000: the paper's Stocks run
    # has 10,000), with the warm-up and the plateau patience in the paper's proportion
    # of it (1/20, 1/5); in every budget UCR-length series are averaged down to 64 steps
    # and the fast sampler takes 50 steps
    benchmark_budget = {
        "n_iter": "iterations",
        "warmup_iter": _benchmark_warmup,
        "plateau_patience": _benchmark_patience,
        "max_timepoints": _benchmark_timepoints,
        "sampling_steps": _benchmark_sampling_steps,
    }

    def __init__(
        self,
        *,
        n_layers_enc=2,
        n_layers_dec=2,
        d_model=64,
        n_heads=4,
        mlp_hidden_times=4,
        dropout=0.0,
        kernel_size=None,
        n_diffusion_steps=500,
        sampling_steps=None,
        eta=0.0,
        fourier_weight=None,
        n_iter=10000,
        batch_size=64,
        grad_accumulation=2,
        lr=8e-4,
        warmup_iter=500,
        plateau_patience=2000,
        ema_decay=0.995,
        ema_every=10,
        guidance="classifier-free",
        p_uncond=0.1,
        guidance_scale=1.0,
        classifier_scale=0.1,
        classifier_layers=3,
        classifier_n_iter=None,
        classifier_lr=5e-4,
        classifier_dropout=0.0,
        max_timepoints=None,
        strength=0.5,
        device="auto",
        verbose=False,
        random_state=None,
    ):
        self.n_layers_enc = n_layers_enc
        self.n_layers_dec = n_layers_dec
        self.d_model = d_model
        self.n_heads = n_heads
        self.mlp_hidden_times = mlp_hidden_times
        self.dropout = dropout
        self.kernel_size = kernel_size
        self.n_diffusion_steps = n_diffusion_steps
        self.sampling_steps = sampling_steps
        self.eta = eta
        self.fourier_weight = fourier_weight
        self.n_iter = n_iter
        self.batch_size = batch_size
        self.grad_accumulation = grad_accumulation
        self.lr = lr
        self.warmup_iter = warmup_iter
        self.plateau_patience = plateau_patience
        self.ema_decay = ema_decay
        self.ema_every = ema_every
        self.guidance = guidance
        self.p_uncond = p_uncond
        self.guidance_scale = guidance_scale
        self.classifier_scale = classifier_scale
        self.classifier_layers = classifier_layers
        self.classifier_n_iter = classifier_n_iter
        self.classifier_lr = classifier_lr
        self.classifier_dropout = classifier_dropout
        self.max_timepoints = max_timepoints
        self.strength = strength
        self.device = device
        self.verbose = verbose
        self.random_state = random_state

    # -- parameters and network ------------------------------------------------------
    _parameter_constraints = {
        "n_layers_enc": [Interval(Integral, 1)],
        "n_layers_dec": [Interval(Integral, 1)],
        "d_model": [Interval(Integral, 4)],
        "n_heads": [Interval(Integral, 1)],
        "mlp_hidden_times": [Interval(Integral, 1)],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "kernel_size": [OddInt(1), None],
        "n_diffusion_steps": [Interval(Integral, 2)],
        "sampling_steps": [Interval(Integral, 1), None],
        "eta": [Interval(Real, 0)],
        "fourier_weight": [Interval(Real, 0), None],
        "n_iter": [Interval(Integral, 1)],
        "batch_size": [Interval(Integral, 1)],
        "grad_accumulation": [Interval(Integral, 1)],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "warmup_iter": [Interval(Integral, 0)],
        "plateau_patience": [Interval(Integral, 0)],
        "ema_decay": [Interval(Real, 0, 1)],
        "ema_every": [Interval(Integral, 1)],
        "guidance": [Options(["classifier-free", "classifier"])],
        "p_uncond": [Interval(Real, 0, 1)],
        "guidance_scale": [Interval(Real, 0)],
        "classifier_scale": [Interval(Real, 0)],
        "classifier_layers": [Interval(Integral, 1)],
        "classifier_n_iter": [Interval(Integral, 1), None],
        "classifier_lr": [Interval(Real, 0, None, closed="neither")],
        "classifier_dropout": [Interval(Real, 0, 1, closed="left")],
        "max_timepoints": [Interval(Integral, 8), None],
        "strength": [Interval(Real, 0, 1)],
    }

    def _check_params(self) -> None:
        super()._check_params()
        if self.d_model % self.n_heads or self.d_model % 2:
            raise ValueError(
                f"{type(self).__name__}: d_model must be even and divisible by n_heads, "
                f"got d_model={self.d_model}, n_heads={self.n_heads}."
            )

    def _build_model(self) -> GaussianDiffusion:
        # fixed at fit (``classifier_guided_``), so a later ``set_params(guidance=...)``
        # cannot change the network that saved weights must fit
        guided = getattr(self, "classifier_guided_", False)
        net = DiffusionTSNet(
            self.n_channels_,
            self.model_timepoints_,
            n_layers_enc=self.n_layers_enc,
            n_layers_dec=self.n_layers_dec,
            d_model=self.d_model,
            n_heads=self.n_heads,
            mlp_hidden_times=self.mlp_hidden_times,
            dropout=self.dropout,
            kernel_size=self.kernel_size,
            n_classes=0 if guided else self.n_classes_,
        )
        classifier = None
        if guided:
            classifier = NoisyClassifier(
                self.n_channels_,
                self.model_timepoints_,
                self.n_classes_,
                n_layers=self.classifier_layers,
                d_model=self.d_model,
                n_heads=self.n_heads,
                mlp_hidden_times=self.mlp_hidden_times,
                dropout=self.classifier_dropout,
            )
        weight = self.fourier_weight
        if weight is None:
            weight = math.sqrt(self.model_timepoints_) / 5
        return GaussianDiffusion(net, self.n_diffusion_steps, weight, classifier)

    # -- training --------------------------------------------------------------------
    def _optimizer(self, params) -> torch.optim.Adam:
        """The shared Adam (fused where available) with the authors' betas."""
        opt = adam(params, _START_LR)
        for group in opt.param_groups:
            group["betas"] = _ADAM_BETAS
        return opt

    def _fit_scaled(self, X, y_codes) -> None:
        n = self.n_timepoints_
        self.model_timepoints_ = int(
            n if self.max_timepoints is None else min(n, self.max_timepoints)
        )
        guided = self.classifier_guided_ = self.guidance == "classifier" and self.n_classes_ > 0
        model = self._build_model().to(self.device_).train()
        average = self._build_model().to(self.device_).eval()
        average.load_state_dict(model.state_dict())
        ema = _WeightAverage(model.net, average.net, self.ema_decay, self.ema_every)
        opt = self._optimizer(model.net.parameters())
        start = min(_START_LR, self.lr)
        plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(
            opt, mode="min", patience=self.plateau_patience, min_lr=start, **_PLATEAU
        )
        rise = (self.lr - start) / self.warmup_iter if self.warmup_iter else 0.0
        for group in opt.param_groups:
            group["lr"] = start if self.warmup_iter else self.lr
        X_t, y_t = self._training_tensors(X * 2 - 1, y_codes)  # [0, 1] -> [-1, 1]
        X_t = self._to_model_grid(X_t)
        y_net = None if guided else y_t  # a guided fit's diffusion trains without labels
        p_uncond = self.p_uncond if y_net is not None else 0.0
        params = list(model.net.parameters())

        def step(it):
            idx = torch.cat(self._batch_indices(X_t.shape[0]))
            labels = None if y_net is None else y_net[idx]
            loss = model.loss(X_t[idx], labels, p_uncond)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, _CLIP_NORM)
            lr = opt.param_groups[0]["lr"]
            opt.step()
            value = float(loss.detach())
            # the authors' scheduler: warm-up, then the plateau rule on the step's loss
            if it < self.warmup_iter:
                for group in opt.param_groups:
                    group["lr"] = start + (it + 1) * rise
            else:
                plateau.step(value)
            ema.update()
            return {"loss": value, "lr": lr}

        self._run_phase(step, self.n_iter, "diffusion")
        if guided:
            self._fit_classifier(average, X_t, y_t)
        self.model_ = average

    def _fit_classifier(self, diffusion: GaussianDiffusion, X_t, y_t) -> None:
        """Train ``diffusion.classifier`` on series noised to random steps (cross-entropy)."""
        classifier = diffusion.classifier.train()
        opt = adam(classifier.parameters(), self.classifier_lr)
        n_steps = diffusion.n_steps

        def step(it):
            idx = torch.cat(self._batch_indices(X_t.shape[0]))
            x0 = X_t[idx]
            t = torch.randint(0, n_steps, (len(idx),), device=self.device_)
            x_t = diffusion.q_sample(x0, t, torch.randn_like(x0))
            loss = F.cross_entropy(classifier(x_t, t), y_t[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            return {"loss": float(loss.detach())}

        n_iter = self.n_iter if self.classifier_n_iter is None else self.classifier_n_iter
        self._run_phase(step, n_iter, "classifier")
        classifier.zero_grad(set_to_none=True)
        classifier.eval()

    def _batch_indices(self, n_cases):
        """``grad_accumulation`` mini-batches drawn as the code's loader draws them."""
        if self.batch_size >= n_cases:
            return [torch.randperm(n_cases, device=self.device_)]
        return [
            torch.randperm(n_cases, device=self.device_)[: self.batch_size]
            for _ in range(self.grad_accumulation)
        ]

    # -- long series -----------------------------------------------------------------
    def _to_model_grid(self, x: torch.Tensor) -> torch.Tensor:
        """Average series down to the network's length (no-op at full length)."""
        if x.shape[-1] == self.model_timepoints_:
            return x
        return F.adaptive_avg_pool1d(x, self.model_timepoints_)

    def _to_data_grid(self, x: torch.Tensor) -> torch.Tensor:
        """Interpolate series from the network's length back to the data's."""
        if x.shape[-1] == self.n_timepoints_:
            return x
        return F.interpolate(x, size=self.n_timepoints_, mode="linear", align_corners=False)

    # -- inference -------------------------------------------------------------------
    def _torch_generator(self, rng) -> torch.Generator:
        gen = torch.Generator(device=self.device_)
        gen.manual_seed(int(rng.integers(2**63 - 1)))
        return gen

    def _denoise(self, x, t_start, y_codes, sl, gen):
        return self.model_.eval().denoise(
            x,
            t_start,
            labels=self._labels_tensor(y_codes, sl),
            sampling_steps=self.sampling_steps,
            eta=self.eta,
            guidance_scale=self.guidance_scale,
            classifier_scale=self.classifier_scale,
            generator=gen,
            progress=self.verbose,
        )

    def _sample_scaled(self, n_samples, y_codes, rng) -> np.ndarray:
        gen = self._torch_generator(rng)
        shape = (self.n_channels_, self.model_timepoints_)
        out = []
        for sl in self._chunks(n_samples):
            n = sl.stop - sl.start
            noise = torch.randn((n, *shape), generator=gen, device=self.device_)
            x0 = self._denoise(noise, self.n_diffusion_steps - 1, y_codes, sl, gen)
            out.append(self._to_data_grid(x0))
        return ((torch.cat(out).float().cpu().numpy() + 1) / 2).astype(np.float32)

    def _transform_scaled(self, X, y_codes, rng) -> np.ndarray:
        t_start = int(round(self.strength * self.n_diffusion_steps)) - 1
        if t_start < 0:
            return X.copy()
        gen = self._torch_generator(rng)
        model = self.model_.eval()
        out = []
        for sl in self._chunks(X.shape[0]):
            x = as_tensor(X[sl] * 2 - 1, self.device_)
            x0 = self._to_model_grid(x)
            detail = x - self._to_data_grid(x0)  # what the coarse grid cannot hold
            t = torch.full((x0.shape[0],), t_start, device=self.device_, dtype=torch.long)
            noise = torch.randn(x0.shape, generator=gen, device=self.device_)
            new = self._denoise(model.q_sample(x0, t, noise), t_start, y_codes, sl, gen)
            out.append(self._to_data_grid(new) + detail)
        return ((torch.cat(out).float().cpu().numpy() + 1) / 2).astype(np.float32)

    @classmethod
    def get_test_params(cls) -> dict:
        """Tiny settings for the shared checks (``tsaugment.utils.estimator_checks``)."""
        return {
            "n_layers_enc": 1,
            "n_layers_dec": 1,
            "d_model": 8,
            "n_heads": 2,
            "mlp_hidden_times": 1,
            "n_diffusion_steps": 10,
            "n_iter": 3,
            "batch_size": 8,
            "warmup_iter": 1,
            "device": "cpu",
        }
