"""The Diffusion-TS network and its Gaussian diffusion (Yuan and Qiao, ICLR 2024).

:class:`DiffusionTSNet` predicts the clean series ``x0`` from a noised one ``x_t``
and the diffusion step ``t``, with an encoder-decoder transformer whose decoder layers
split their hidden state into a trend (a cubic polynomial over time) and a seasonal
part (the top-k Fourier frequencies), summed over the layers, plus a residual.
:class:`GaussianDiffusion` holds the cosine noise schedule, the training loss (L1 on
``x0`` plus a Fourier-domain L1, reweighted per step as the authors' code does) and
the samplers (the 500-step ancestral one and the code's DDIM-like fast one with
``eta``), with classifier-free guidance when the network has a label embedding, or
classifier guidance when the diffusion holds a classifier of noised series.

Series enter and leave as ``(batch, n_channels, n_timepoints)``, scaled to [-1, 1];
the transpose to the transformer's ``(batch, time, width)`` lives here.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F
from tqdm.auto import tqdm

__all__ = ["DiffusionTSNet", "GaussianDiffusion", "cosine_beta_schedule"]


def cosine_beta_schedule(n_steps: int, s: float = 0.008) -> np.ndarray:
    """Noise levels of the cosine schedule (Nichol and Dhariwal, 2021).

    Parameters
    ----------
    n_steps : int
        Number of diffusion steps T.
    s : float, default=0.008
        Offset that keeps the first steps' noise from vanishing.

    Returns
    -------
    betas : ndarray of shape (n_steps,), float64, clipped to [0, 0.999]
    """
    x = np.linspace(0, n_steps, n_steps + 1, dtype=np.float64)
    abar = np.cos((x / n_steps + s) / (1 + s) * math.pi * 0.5) ** 2
    abar = abar / abar[0]
    return np.clip(1 - abar[1:] / abar[:-1], 0, 0.999)


def _step_embedding(t: torch.Tensor, dim: int) -> torch.Tensor:
    """Sinusoidal embedding of integer steps, shape (batch, dim)."""
    half = dim // 2
    freqs = torch.exp(torch.arange(half, device=t.device) * (-math.log(10000) / (half - 1)))
    arg = t.float()[:, None] * freqs[None, :]
    return torch.cat([arg.sin(), arg.cos()], dim=-1)


class _AdaLayerNorm(nn.Module):
    """Layer norm whose scale and shift come from the step (and label) embedding."""

    def __init__(self, width: int):
        super().__init__()
        self.width = width
        self.linear = nn.Linear(width, 2 * width)
        self.norm = nn.LayerNorm(width, elementwise_affine=False)

    def forward(self, x, t, label_emb=None):
        emb = _step_embedding(t, self.width)
        if label_emb is not None:
            emb = emb + label_emb
        scale, shift = self.linear(F.silu(emb)).unsqueeze(1).chunk(2, dim=2)
        return self.norm(x) * (1 + scale) + shift


class _Attention(nn.Module):
    """Multi-head attention; keys and values from ``context`` (self-attention if None)."""

    def __init__(self, width: int, n_heads: int, dropout: float):
        super().__init__()
        self.n_heads = n_heads
        self.dropout = dropout
        self.query = nn.Linear(width, width)
        self.key = nn.Linear(width, width)
        self.value = nn.Linear(width, width)
        self.proj = nn.Linear(width, width)
        self.resid_drop = nn.Dropout(dropout)

    def forward(self, x, context=None):
        context = x if context is None else context
        b, n, w = x.shape

        def heads(z):
            return z.view(b, -1, self.n_heads, w // self.n_heads).transpose(1, 2)

        q, k, v = heads(self.query(x)), heads(self.key(context)), heads(self.value(context))
        p = self.dropout if self.training else 0.0
        y = F.scaled_dot_product_attention(q, k, v, dropout_p=p)
        return self.resid_drop(self.proj(y.transpose(1, 2).reshape(b, n, w)))


def _mlp(width: int, hidden_times: int, dropout: float) -> nn.Sequential:
    return nn.Sequential(
        nn.Linear(width, hidden_times * width),
        nn.GELU(),
        nn.Linear(hidden_times * width, width),
        nn.Dropout(dropout),
    )


class _EncoderLayer(nn.Module):
    def __init__(self, width, n_heads, hidden_times, dropout):
        super().__init__()
        self.ln1 = _AdaLayerNorm(width)
        self.attn = _Attention(width, n_heads, dropout)
        self.ln2 = nn.LayerNorm(width)
        self.mlp = _mlp(width, hidden_times, dropout)

    def forward(self, x, t, label_emb):
        x = x + self.attn(self.ln1(x, t, label_emb))
        return x + self.mlp(self.ln2(x))


class _TrendBlock(nn.Module):
    """Trend as a cubic polynomial in time whose coefficients the hidden state gives."""

    degree = 3

    def __init__(self, n_timepoints, width, n_channels):
        super().__init__()
        self.to_coef = nn.Conv1d(n_timepoints, self.degree, 3, padding=1)
        self.to_channels = nn.Conv1d(width, n_channels, 3, padding=1)
        grid = torch.arange(1, n_timepoints + 1, dtype=torch.float32) / (n_timepoints + 1)
        basis = torch.stack([grid ** (p + 1) for p in range(self.degree)])
        self.register_buffer("basis", basis, persistent=False)  # (degree, time)

    def forward(self, h):  # h: (b, time, width)
        coef = self.to_channels(F.gelu(self.to_coef(h)).transpose(1, 2))  # (b, ch, degree)
        return (coef @ self.basis).transpose(1, 2)  # (b, time, ch)


def _top_frequencies(h: torch.Tensor) -> torch.Tensor:
    """Keep the int(log(F)) largest frequencies of ``h`` over time, drop the rest.

    As the authors' Fourier layer: the mean (frequency 0) and, for an even length, the
    Nyquist frequency are never kept; the kept frequencies are chosen per series and
    per hidden unit. The inverse transform of the kept coefficients equals the code's
    sum of cosines at those frequencies.
    """
    n = h.shape[1]
    spec = torch.fft.rfft(h, dim=1)  # (b, n//2+1, width)
    stop = spec.shape[1] - 1 if n % 2 == 0 else spec.shape[1]
    band = spec[:, 1:stop]
    if band.shape[1] == 0:
        return torch.zeros_like(h)
    k = max(int(math.log(band.shape[1])), 0)
    if k == 0:
        return torch.zeros_like(h)
    idx = band.abs().topk(k, dim=1).indices
    mask = torch.zeros(band.shape, dtype=h.dtype, device=h.device).scatter_(1, idx, 1.0)
    kept = torch.zeros_like(spec)
    kept[:, 1:stop] = band * mask
    return torch.fft.irfft(kept, n=n, dim=1, norm="forward")


class _DecoderLayer(nn.Module):
    def __init__(self, n_timepoints, n_channels, width, n_heads, hidden_times, dropout):
        super().__init__()
        self.ln1 = _AdaLayerNorm(width)
        self.self_attn = _Attention(width, n_heads, dropout)
        self.ln1_1 = _AdaLayerNorm(width)
        self.cross_attn = _Attention(width, n_heads, dropout)
        self.split = nn.Conv1d(n_timepoints, 2 * n_timepoints, 1)
        self.trend = _TrendBlock(n_timepoints, width, n_channels)
        self.ln2 = nn.LayerNorm(width)
        self.mlp = _mlp(width, hidden_times, dropout)
        self.to_channels = nn.Linear(width, n_channels)

    def forward(self, x, memory, t, label_emb):
        x = x + self.self_attn(self.ln1(x, t, label_emb))
        x = x + self.cross_attn(self.ln1_1(x, t), memory)
        h_trend, h_season = self.split(x).chunk(2, dim=1)
        trend, season = self.trend(h_trend), _top_frequencies(h_season)
        x = x + self.mlp(self.ln2(x))
        mean = x.mean(dim=1, keepdim=True)
        return x - mean, self.to_channels(mean), trend, season


class DiffusionTSNet(nn.Module):
    """The interpretable encoder-decoder transformer of Diffusion-TS.

    Parameters
    ----------
    n_channels, n_timepoints : int
        Layout of the series.
    n_layers_enc, n_layers_dec : int
        Encoder and decoder layers.
    d_model : int
        Hidden width.
    n_heads : int
        Attention heads (must divide ``d_model``).
    mlp_hidden_times : int, default=4
        Width of each layer's MLP, in multiples of ``d_model``.
    dropout : float, default=0.0
        Dropout on attention and residual branches (0 in the paper's settings).
    kernel_size : int or None, default=None
        Kernel of the convolution that maps the summed seasonal parts to the channels
        (circular padding); ``None`` follows the authors' rule: 1 for fewer than 32
        channels and 64 time steps, else 5.
    n_classes : int, default=0
        With classes, a label embedding (plus one "no label" entry, index
        ``n_classes``, for classifier-free guidance) is added to the step embedding
        of the adaptive layer norms.

    Notes
    -----
    ``forward(x, t, labels=None)`` maps noised series ``x`` of shape
    ``(batch, n_channels, n_timepoints)`` and steps ``t`` of shape ``(batch,)`` to the
    predicted clean series (same shape): trend (per-layer polynomials, the layers'
    means and the residual's mean) plus season (per-layer Fourier parts) plus the
    residual.
    """

    def __init__(
        self,
        n_channels,
        n_timepoints,
        *,
        n_layers_enc=2,
        n_layers_dec=2,
        d_model=64,
        n_heads=4,
        mlp_hidden_times=4,
        dropout=0.0,
        kernel_size=None,
        n_classes=0,
    ):
        super().__init__()
        if kernel_size is None:
            kernel_size = 1 if n_channels < 32 and n_timepoints < 64 else 5
        self.n_classes = n_classes
        self.embed = nn.Conv1d(n_channels, d_model, 3, padding=1)
        self.unembed = nn.Conv1d(d_model, n_channels, 3, padding=1)
        self.pos_enc = nn.Parameter(torch.empty(1, n_timepoints, d_model).uniform_(-0.02, 0.02))
        self.pos_dec = nn.Parameter(torch.empty(1, n_timepoints, d_model).uniform_(-0.02, 0.02))
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.ModuleList(
            _EncoderLayer(d_model, n_heads, mlp_hidden_times, dropout) for _ in range(n_layers_enc)
        )
        self.decoder = nn.ModuleList(
            _DecoderLayer(n_timepoints, n_channels, d_model, n_heads, mlp_hidden_times, dropout)
            for _ in range(n_layers_dec)
        )
        self.combine_season = nn.Conv1d(
            d_model,
            n_channels,
            kernel_size,
            padding=kernel_size // 2,
            padding_mode="circular",
            bias=False,
        )
        self.combine_mean = nn.Conv1d(n_layers_dec, 1, 1, bias=False)
        self.label_embed = nn.Embedding(n_classes + 1, d_model) if n_classes else None

    def components(self, x, t, labels=None):
        """Trend, season and residual of the prediction, each (batch, n_channels, n_timepoints)."""
        label_emb = None
        if self.label_embed is not None:
            if labels is None:
                labels = torch.full((x.shape[0],), self.n_classes, device=x.device)
            label_emb = self.label_embed(labels)
        emb = self.embed(x).transpose(1, 2)  # (b, time, width)
        h = self.drop(emb + self.pos_enc)
        for layer in self.encoder:
            h = layer(h, t, label_emb)
        y = self.drop(emb + self.pos_dec)
        season, trend, means = 0.0, 0.0, []
        for layer in self.decoder:
            y, mean, layer_trend, layer_season = layer(y, h, t, label_emb)
            season, trend = season + layer_season, trend + layer_trend
            means.append(mean)
        res = self.unembed(y.transpose(1, 2)).transpose(1, 2)  # (b, time, ch)
        res_mean = res.mean(dim=1, keepdim=True)
        season = self.combine_season(season.transpose(1, 2)).transpose(1, 2)
        trend = trend + self.combine_mean(torch.cat(means, dim=1)) + res_mean
        return tuple(z.transpose(1, 2) for z in (trend, season, res - res_mean))

    def forward(self, x, t, labels=None):
        trend, season, residual = self.components(x, t, labels)
        return trend + season + residual


class GaussianDiffusion(nn.Module):
    """Cosine-schedule Gaussian diffusion around a network that predicts ``x0``.

    Parameters
    ----------
    net : DiffusionTSNet
        The denoiser.
    n_steps : int, default=500
        Diffusion steps T.
    fourier_weight : float
        Weight of the Fourier-domain L1 loss (the code's ``sqrt(n_timepoints) / 5``).
    classifier : nn.Module or None, default=None
        A classifier of noised series, ``classifier(x_t, t) -> logits`` (e.g.
        :class:`~tsaugment.nn.NoisyClassifier`), for classifier guidance in
        :meth:`denoise`; it is trained apart from the loss here.
    """

    def __init__(
        self,
        net: DiffusionTSNet,
        n_steps: int = 500,
        fourier_weight: float = 1.0,
        classifier: nn.Module | None = None,
    ):
        super().__init__()
        self.net = net
        self.classifier = classifier
        self.n_steps = int(n_steps)
        self.fourier_weight = float(fourier_weight)
        betas = cosine_beta_schedule(self.n_steps)
        alphas = 1 - betas
        abar = np.cumprod(alphas)
        abar_prev = np.concatenate([[1.0], abar[:-1]])
        post_var = betas * (1 - abar_prev) / (1 - abar)
        buffers = {
            "abar": abar,
            "sqrt_abar": np.sqrt(abar),
            "sqrt_1m_abar": np.sqrt(1 - abar),
            "sqrt_recip_abar": np.sqrt(1 / abar),
            "sqrt_recipm1_abar": np.sqrt(1 / abar - 1),
            "post_log_var": np.log(np.clip(post_var, 1e-20, None)),
            "post_coef_x0": betas * np.sqrt(abar_prev) / (1 - abar),
            "post_coef_xt": (1 - abar_prev) * np.sqrt(alphas) / (1 - abar),
            # the authors' reweighting of the per-step loss
            "loss_weight": np.sqrt(alphas) * np.sqrt(1 - abar) / betas / 100,
        }
        for name, value in buffers.items():
            self.register_buffer(
                name, torch.as_tensor(value, dtype=torch.float32), persistent=False
            )

    @staticmethod
    def _at(buf, t):
        return buf[t].view(-1, 1, 1)

    def q_sample(self, x0, t, noise):
        """Noise clean series ``x0`` to steps ``t``."""
        return self._at(self.sqrt_abar, t) * x0 + self._at(self.sqrt_1m_abar, t) * noise

    def loss(self, x0, labels=None, p_uncond=0.0):
        """The training loss on a batch of clean series (random steps, random noise).

        Parameters
        ----------
        x0 : Tensor of shape (batch, n_channels, n_timepoints), in [-1, 1]
        labels : Tensor of shape (batch,) or None
        p_uncond : float
            Probability of replacing a label by the "no label" entry.

        Returns
        -------
        loss : 0-d Tensor
        """
        b = x0.shape[0]
        t = torch.randint(0, self.n_steps, (b,), device=x0.device)
        if labels is not None and p_uncond > 0:
            drop = torch.rand(b, device=x0.device) < p_uncond
            labels = torch.where(drop, torch.full_like(labels, self.net.n_classes), labels)
        x_t = self.q_sample(x0, t, torch.randn_like(x0))
        out = self.net(x_t, t, labels)
        per_series = (out - x0).abs().flatten(1).mean(1)
        if self.fourier_weight:
            diff = torch.fft.fft(out, dim=2, norm="forward") - torch.fft.fft(
                x0, dim=2, norm="forward"
            )
            fourier = (diff.real.abs() + diff.imag.abs()).flatten(1).mean(1)
            per_series = per_series + self.fourier_weight * fourier
        return (per_series * self.loss_weight[t]).mean()

    def predict_x0(self, x_t, t, labels=None, guidance_scale=0.0):
        """Clipped ``x0`` prediction, with classifier-free guidance when asked.

        ``guidance_scale`` w mixes the conditional and unconditional predictions as
        ``(1 + w) * cond - w * uncond`` (Ho and Salimans, 2022); w = 0 is the plain
        conditional model. A network without a label embedding is called once.
        """
        if labels is None or not guidance_scale or not self.net.n_classes:
            x0 = self.net(x_t, t, labels)
        else:
            null = torch.full_like(labels, self.net.n_classes)
            both = self.net(torch.cat([x_t, x_t]), torch.cat([t, t]), torch.cat([labels, null]))
            cond, uncond = both.chunk(2)
            x0 = cond + guidance_scale * (cond - uncond)
        return x0.clamp(-1.0, 1.0)

    def _eps_from_x0(self, x_t, t, x0):
        return (self._at(self.sqrt_recip_abar, t) * x_t - x0) / self._at(self.sqrt_recipm1_abar, t)

    def classifier_gradient(self, x_t, t, labels, scale=1.0):
        """``scale`` times the gradient of ``log p(labels | x_t, t)`` with respect to ``x_t``.

        Parameters
        ----------
        x_t : Tensor of shape (batch, n_channels, n_timepoints)
        t : Tensor of shape (batch,)
        labels : Tensor of shape (batch,)
        scale : float, default=1.0

        Returns
        -------
        gradient : Tensor, same shape as ``x_t``
        """
        with torch.enable_grad():
            x = x_t.detach().requires_grad_(True)
            log_p = F.log_softmax(self.classifier(x, t), dim=-1)
            chosen = log_p.gather(1, labels.view(-1, 1)).sum()
            return torch.autograd.grad(chosen, x)[0] * scale

    def denoise(
        self,
        x_t,
        t_start,
        *,
        labels=None,
        sampling_steps=None,
        eta=0.0,
        guidance_scale=0.0,
        classifier_scale=0.0,
        generator=None,
        progress=False,
    ):
        """Run the reverse process from step ``t_start`` (0-based) down to a clean series.

        Parameters
        ----------
        x_t : Tensor of shape (batch, n_channels, n_timepoints)
            Series at step ``t_start`` (pure noise for ``t_start = n_steps - 1``).
        t_start : int
        labels : Tensor of shape (batch,) or None
        sampling_steps : int or None
            ``None`` (or ``n_steps``): the ancestral sampler, one network call per step.
            Fewer: the code's DDIM-like sampler on evenly spaced steps, scaled to the
            share of the chain that is run.
        eta : float
            Noise of the DDIM-like sampler (0: deterministic).
        guidance_scale : float
            Classifier-free guidance weight (see :meth:`predict_x0`).
        classifier_scale : float
            Classifier guidance weight, used when the diffusion has a ``classifier``
            and ``labels`` are given; the network is then called without labels. As
            in the authors' code, the ancestral sampler shifts each step's mean by the
            step's variance times the scaled gradient of ``log p(label | x_t)``
            (Sohl-Dickstein et al., 2015), and the fast sampler shifts the implied
            noise by ``-sqrt(1 - abar_t)`` times it (Song et al., 2021).
        generator : torch.Generator or None
            Source of the sampler's noise.
        progress : bool, default=False
            Show a progress bar over the steps.

        Returns
        -------
        x0 : Tensor, same shape as ``x_t``
        """
        b = x_t.shape[0]
        x = x_t
        guided = self.classifier is not None and labels is not None and classifier_scale > 0
        net_labels = None if guided else labels

        def guide(x, tk):
            return self.classifier_gradient(x, tk, labels, classifier_scale)

        def steps(k):
            return torch.full((b,), k, device=x.device, dtype=torch.long)

        def noise_like(z):
            return torch.randn(z.shape, generator=generator, device=z.device, dtype=z.dtype)

        if sampling_steps is None or sampling_steps >= self.n_steps:
            for k in tqdm(
                range(t_start, -1, -1), desc="sampling", disable=not progress, leave=False
            ):
                tk = steps(k)
                x0 = self.predict_x0(x, tk, net_labels, guidance_scale)
                mean = self._at(self.post_coef_x0, tk) * x0 + self._at(self.post_coef_xt, tk) * x
                if guided:
                    mean = mean + self._at(self.post_log_var, tk).exp() * guide(x, tk)
                if k == 0:
                    return mean
                x = mean + (0.5 * self._at(self.post_log_var, tk)).exp() * noise_like(x)
            return x
        n = max(1, math.ceil(sampling_steps * (t_start + 1) / self.n_steps))
        times = np.linspace(-1, t_start, n + 1).astype(int)[::-1].tolist()
        pairs = list(zip(times[:-1], times[1:]))
        for k, k_next in tqdm(pairs, desc="sampling", disable=not progress, leave=False):
            tk = steps(k)
            x0 = self.predict_x0(x, tk, net_labels, guidance_scale)
            if guided:  # the shifted noise implies a new (unclipped) x0
                eps = self._eps_from_x0(x, tk, x0)
                eps = eps - self._at(self.sqrt_1m_abar, tk) * guide(x, tk)
                x0 = self._at(self.sqrt_recip_abar, tk) * x
                x0 = x0 - self._at(self.sqrt_recipm1_abar, tk) * eps
            if k_next < 0:
                return x0
            eps = self._eps_from_x0(x, tk, x0)
            a, a_next = self.abar[k], self.abar[k_next]
            sigma = eta * ((1 - a / a_next) * (1 - a_next) / (1 - a)).sqrt()
            c = (1 - a_next - sigma**2).sqrt()
            x = x0 * a_next.sqrt() + c * eps + sigma * noise_like(x)
        return x
