"""Convolutional variational autoencoder for series of any length and channel count."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

__all__ = ["ConvVAE", "reparameterise", "kl_divergence"]


def reparameterise(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """Draw ``z = mu + exp(0.5 * logvar) * eps`` with ``eps ~ N(0, I)``.

    Parameters
    ----------
    mu, logvar : Tensor of shape (batch, latent_dim)

    Returns
    -------
    z : Tensor of shape (batch, latent_dim)
    """
    return mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)


def kl_divergence(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(N(mu, exp(logvar)) || N(0, I)) per series, summed over latent units.

    Parameters
    ----------
    mu, logvar : Tensor of shape (batch, latent_dim)

    Returns
    -------
    kl : Tensor of shape (batch,)
    """
    return -0.5 * torch.sum(1.0 + logvar - mu.pow(2) - logvar.exp(), dim=1)


def _conv_block(c_in: int, c_out: int, kernel: int, stride: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv1d(c_in, c_out, kernel, stride=stride, padding=kernel // 2),
        nn.BatchNorm1d(c_out),
        nn.ReLU(),
    )


class ConvVAE(nn.Module):
    """A 1D-convolutional VAE; input and output ``(batch, n_channels, n_timepoints)``.

    Encoder: three strided convolutions (each halves the length), adaptive average
    pooling to ``pooled_length`` positions, and two linear heads for ``mu`` and
    ``logvar``. Decoder: a linear layer back to ``pooled_length`` positions, three
    stages of linear interpolation (to a quarter, a half and all of
    ``n_timepoints``) each followed by a convolution, and a linear 1x1 convolution to
    the channels (the estimator feeds standardised data). The pooling and
    the interpolation to exact sizes make one architecture fit any length.

    Parameters
    ----------
    n_channels : int
    n_timepoints : int
    latent_dim : int
    n_filters : int, default=64
        Width of the convolutions (the first has half as many).
    kernel_size : int, default=7
        Kernel of the first convolution (later ones use 5 and 3).
    pooled_length : int, default=8
        Positions kept between the convolutions and the latent code.
    """

    def __init__(
        self,
        n_channels: int,
        n_timepoints: int,
        latent_dim: int,
        *,
        n_filters: int = 64,
        kernel_size: int = 7,
        pooled_length: int = 8,
    ):
        super().__init__()
        half = max(n_filters // 2, 1)
        self.n_timepoints = n_timepoints
        self.n_filters = n_filters
        self.pooled_length = pooled_length
        self.encoder = nn.Sequential(
            _conv_block(n_channels, half, kernel_size, 2),
            _conv_block(half, n_filters, 5, 2),
            _conv_block(n_filters, n_filters, 3, 2),
            nn.AdaptiveAvgPool1d(pooled_length),
            nn.Flatten(),
        )
        self.to_mu = nn.Linear(n_filters * pooled_length, latent_dim)
        self.to_logvar = nn.Linear(n_filters * pooled_length, latent_dim)
        self.from_latent = nn.Linear(latent_dim, n_filters * pooled_length)
        self.stage_sizes = [
            max(n_timepoints // 4, 1),
            max(n_timepoints // 2, 1),
            n_timepoints,
        ]
        self.stages = nn.ModuleList(
            [
                _conv_block(n_filters, n_filters, 3, 1),
                _conv_block(n_filters, half, 5, 1),
                _conv_block(half, half, kernel_size, 1),
            ]
        )
        self.output = nn.Conv1d(half, n_channels, 1)

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Mean and log-variance of the posterior.

        Parameters
        ----------
        x : Tensor of shape (batch, n_channels, n_timepoints)

        Returns
        -------
        mu, logvar : Tensor of shape (batch, latent_dim)
        """
        features = self.encoder(x)
        return self.to_mu(features), self.to_logvar(features)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Series from latent codes.

        Parameters
        ----------
        z : Tensor of shape (batch, latent_dim)

        Returns
        -------
        x : Tensor of shape (batch, n_channels, n_timepoints)
        """
        h = self.from_latent(z).view(-1, self.n_filters, self.pooled_length)
        for size, stage in zip(self.stage_sizes, self.stages):
            h = stage(F.interpolate(h, size=size, mode="linear", align_corners=False))
        return self.output(h)

    def forward(self, x: torch.Tensor):
        """Encode, draw a code, decode.

        Parameters
        ----------
        x : Tensor of shape (batch, n_channels, n_timepoints)

        Returns
        -------
        x_hat : Tensor of shape (batch, n_channels, n_timepoints)
        mu, logvar : Tensor of shape (batch, latent_dim)
        """
        mu, logvar = self.encode(x)
        return self.decode(reparameterise(mu, logvar)), mu, logvar
