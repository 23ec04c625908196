"""The noisy-series classifier that guides Diffusion-TS sampling towards a class.

Classifier guidance (Dhariwal and Nichol, 2021) needs ``p(y | x_t, t)``: a classifier
of series at every noise level of the diffusion. :class:`NoisyClassifier` follows the
one the Diffusion-TS authors train for their class-conditional experiment: a
convolutional embedding with learned positions, transformer encoder layers whose layer
norm is conditioned on the diffusion step, then a group norm and an attention pooling
that treat the time steps as channels and the hidden width as the pooled axis.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

from ._diffusion_ts import _EncoderLayer

__all__ = ["NoisyClassifier"]


def _pool_heads(n_timepoints: int, head_channels: int) -> int:
    """Heads of the attention pooling.

    ``n_timepoints // head_channels`` where that divides ``n_timepoints``, else the
    largest divisor of ``n_timepoints`` below it (at least 1).
    """
    heads = max(1, n_timepoints // head_channels)
    while n_timepoints % heads:
        heads -= 1
    return heads


class NoisyClassifier(nn.Module):
    """Classifier of noised series ``x_t`` at diffusion step ``t``.

    Parameters
    ----------
    n_channels, n_timepoints : int
        Layout of the series.
    n_classes : int
        Number of classes (at least 2).
    n_layers : int, default=3
        Encoder layers (self-attention and MLP, layer norm conditioned on the step).
    d_model : int, default=64
        Hidden width.
    n_heads : int, default=4
        Attention heads of the encoder (must divide ``d_model``).
    mlp_hidden_times : int, default=4
        Width of each layer's MLP, in multiples of ``d_model``.
    dropout : float, default=0.0
        Dropout on the embedding, attention and residual branches.
    head_channels : int, default=8
        Channels per head of the attention pooling (the authors' ``num_head_channels``).

    Notes
    -----
    ``forward(x, t)`` maps series of shape ``(batch, n_channels, n_timepoints)`` and
    steps of shape ``(batch,)`` to logits of shape ``(batch, n_classes)``. The pooling
    normalises with ``gcd(8, n_timepoints)`` groups (the authors use 8, which needs a
    length divisible by 8).

    Examples
    --------
    >>> import torch
    >>> from tsaugment.nn import NoisyClassifier
    >>> clf = NoisyClassifier(2, 24, 3, n_layers=1, d_model=16, n_heads=2)
    >>> clf(torch.randn(5, 2, 24), torch.zeros(5, dtype=torch.long)).shape
    torch.Size([5, 3])
    """

    def __init__(
        self,
        n_channels,
        n_timepoints,
        n_classes,
        *,
        n_layers=3,
        d_model=64,
        n_heads=4,
        mlp_hidden_times=4,
        dropout=0.0,
        head_channels=8,
    ):
        super().__init__()
        self.embed = nn.Conv1d(n_channels, d_model, 3, padding=1)
        self.pos = nn.Parameter(torch.empty(1, n_timepoints, d_model).uniform_(-0.02, 0.02))
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.ModuleList(
            _EncoderLayer(d_model, n_heads, mlp_hidden_times, dropout) for _ in range(n_layers)
        )
        self.norm = nn.GroupNorm(math.gcd(8, n_timepoints), n_timepoints)
        self.pool_heads = _pool_heads(n_timepoints, head_channels)
        self.qkv = nn.Conv1d(n_timepoints, 3 * n_timepoints, 1)
        self.out = nn.Conv1d(n_timepoints, n_classes, 1)

    def forward(self, x, t):
        h = self.drop(self.embed(x).transpose(1, 2) + self.pos)  # (b, time, width)
        for layer in self.encoder:
            h = layer(h, t, None)
        h = F.silu(self.norm(h))  # time steps as the norm's channels
        h = torch.cat([h.mean(dim=-1, keepdim=True), h], dim=-1)  # pooled token first
        b, n_time, n_pos = h.shape
        ch = n_time // self.pool_heads

        def heads(z):  # (b, time, pos) -> (b, heads, pos, ch)
            return z.reshape(b, self.pool_heads, ch, n_pos).transpose(2, 3)

        q, k, v = (heads(z) for z in self.qkv(h).chunk(3, dim=1))
        a = F.scaled_dot_product_attention(q, k, v).transpose(2, 3).reshape(b, n_time, n_pos)
        return self.out(a)[:, :, 0]
