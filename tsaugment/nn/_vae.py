"""A 1D-convolutional variational autoencoder for series of any length and channel count.

Why convolutional: the networks must handle univariate and multivariate series from
24 to well over 1,000 points. Fully connected layers on the raw series (the original
method's choice, for univariate data) grow with ``n_timepoints * n_channels`` and share
nothing across time; a GRU over 1,000 steps is slow on a CPU. Strided convolutions
halve the length at each stage, share weights over time and treat channels as
convolution channels, so one design covers every UCR/UEA shape at a cost linear in the
length.

The number of stride-2 stages grows with the length (``ceil(log2(n_timepoints / 16))``,
between 1 and 8), so the encoder always ends with a short feature map of 8 to 16 steps
(fewer only for series shorter than 16), which a linear layer maps to the posterior's
mean and log-variance. The decoder mirrors it: a linear layer back to that feature map,
the same number of transposed convolutions that double the length exactly, a last
convolution to ``n_channels``, and a crop to exactly ``n_timepoints``.

Why the network sees each series as its deviation from the training mean: the series
of a UCR data set share most of their shape (the spread between series about the
mean series is 0.06 % (Wine) to 36 % (ECG200) of the variance of the scaled data),
and a stack of convolutions at PyTorch's default initialisation shrinks its input at
every stage. Without the measures below, the posterior means of all series started
nearly equal (on Coffee, a spread of 3e-5 latent units beside a posterior noise of
1): the decoder learnt the data set's mean series, the KL term pulled the encodings
onto the prior, and every series decoded to about that mean (posterior collapse). On
20 to 60 series an epoch is one optimiser step; after the 100 epochs of the
benchmark's "small" budget the spread was still 0.000 to 0.022 on five of six small
UCR sets, whose samples were put in their class at chance, and Coffee stayed
collapsed at 2,000 epochs (``benchmarks/runs/vae_label_fidelity/``). Four parts of
the network remove that start:

- the encoder reads ``(x - center) / scale``, the series standardised per channel and
  time point by the training set's mean and standard deviation (buffers set by
  :meth:`ConvVAE.set_reference`), so what tells series apart is of order one;
- batch normalisation (Ioffe and Szegedy, 2015) after each encoder convolution keeps
  it of order one through the stages;
- the decoder's output is added to ``center``: it learns the deviations, not the
  shared shape, so the latent code is needed from the first step;
- convolutions and linear layers start from He et al.'s (2015) initialisation for
  rectifier networks, which keeps the signal's scale through the GELU stack.

The model is unchanged: the same Gaussian encoder and decoder, the same ELBO on the
same data (``center`` and ``scale`` are fixed affine maps, not parameters).

Data layout is ``(batch, n_channels, n_timepoints)`` throughout (``Conv1d``'s own), so
no transpose is needed.
"""

from __future__ import annotations

import math

import torch
from torch import nn

__all__ = ["ConvVAE", "n_down_stages"]


def n_down_stages(n_timepoints: int) -> int:
    """Number of stride-2 stages that bring a series to a feature map of 8 to 16 steps."""
    return int(min(8, max(1, math.ceil(math.log2(max(n_timepoints, 1) / 16)))))


class ConvVAE(nn.Module):
    """Convolutional encoder, Gaussian latent space and transposed-convolution decoder.

    Parameters
    ----------
    n_channels : int
        Channels of the series.
    n_timepoints : int
        Length of the series.
    latent_dim : int
        Size of the latent space.
    n_filters : int
        Convolution channels of every hidden layer.
    kernel_size : int
        Odd kernel size of the encoder's convolutions.

    Notes
    -----
    ``center`` and ``scale`` (buffers of shape ``(1, n_channels, n_timepoints)``, zero
    and one until :meth:`set_reference` is called) travel with the state dict.
    """

    def __init__(
        self, n_channels: int, n_timepoints: int, latent_dim: int, n_filters: int, kernel_size: int
    ):
        super().__init__()
        self.n_channels = n_channels
        self.n_timepoints = n_timepoints
        self.n_stages = n_down_stages(n_timepoints)
        length = n_timepoints
        layers: list[nn.Module] = []
        in_ch = n_channels
        for _ in range(self.n_stages):
            layers += [
                nn.Conv1d(in_ch, n_filters, kernel_size, stride=2, padding=kernel_size // 2),
                nn.BatchNorm1d(n_filters),
                nn.GELU(),
            ]
            in_ch = n_filters
            length = (length + 1) // 2  # odd kernel, "same" padding: ceil(length / 2)
        self.feature_length = length
        self.encoder = nn.Sequential(*layers, nn.Flatten())
        self.to_posterior = nn.Linear(n_filters * length, 2 * latent_dim)

        self.from_latent = nn.Linear(latent_dim, n_filters * length)
        up: list[nn.Module] = [nn.Unflatten(1, (n_filters, length)), nn.GELU()]
        for _ in range(self.n_stages):
            up += [nn.ConvTranspose1d(n_filters, n_filters, 4, stride=2, padding=1), nn.GELU()]
        up.append(nn.Conv1d(n_filters, n_channels, kernel_size, padding=kernel_size // 2))
        self.decoder = nn.Sequential(*up)
        self.register_buffer("center", torch.zeros(1, n_channels, n_timepoints))
        self.register_buffer("scale", torch.ones(1, n_channels, n_timepoints))
        _he_init_(self)

    @torch.no_grad()
    def set_reference(self, x: torch.Tensor) -> ConvVAE:
        """Set ``center`` and ``scale`` to the per-point mean and std of training series.

        Parameters
        ----------
        x : Tensor of shape (n_cases, n_channels, n_timepoints)

        Returns
        -------
        self : ConvVAE
        """
        center = x.mean(dim=0, keepdim=True)
        spread = x.std(dim=0, keepdim=True, unbiased=False)
        # a floor for points where every series agrees (and for a single series)
        floor = max(1e-3 * float(x.std(unbiased=False)), 1e-6)
        self.center.copy_(center)
        self.scale.copy_(spread.clamp_min(floor))
        return self

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Posterior mean and log-variance, each of shape ``(batch, latent_dim)``."""
        mu, logvar = self.to_posterior(self.encoder((x - self.center) / self.scale)).chunk(2, dim=1)
        return mu, logvar

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Series of shape ``(batch, n_channels, n_timepoints)`` from latent points."""
        return self.center + self.decoder(self.from_latent(z))[:, :, : self.n_timepoints]

    @staticmethod
    def reparameterize(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
        """Draw ``z = mu + exp(0.5 * logvar) * eps`` with ``eps ~ N(0, I)``."""
        return mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Reconstruction (through a posterior draw), posterior mean and log-variance."""
        mu, logvar = self.encode(x)
        return self.decode(self.reparameterize(mu, logvar)), mu, logvar


@torch.no_grad()
def _he_init_(module: nn.Module) -> None:
    """He (fan-in, rectifier gain) weights and zero biases for convolutions and linear layers.

    A transposed convolution's fan-in is PyTorch's ``fan_out`` of its weight (whose
    first dimension is the input channels).
    """
    for layer in module.modules():
        if isinstance(layer, (nn.Conv1d, nn.Linear, nn.ConvTranspose1d)):
            mode = "fan_out" if isinstance(layer, nn.ConvTranspose1d) else "fan_in"
            nn.init.kaiming_normal_(layer.weight, mode=mode, nonlinearity="relu")
            if layer.bias is not None:
                nn.init.zeros_(layer.bias)


def vae_loss(
    x: torch.Tensor,
    recon: torch.Tensor,
    mu: torch.Tensor,
    logvar: torch.Tensor,
    beta: float,
) -> dict[str, torch.Tensor]:
    """Negative ELBO with a ``beta``-weighted KL term, per series, averaged over the batch.

    The reconstruction term is the Gaussian negative log-likelihood with a calibrated
    decoder (the "optimal sigma" VAE of Rybkin, Daniilidis and Levine, ICML 2021): the
    observation variance of each channel is set to its mean squared error on the
    batch, which gives ``0.5 * n_timepoints * sum_c log(mse_c)`` per series (constants
    dropped). A fixed unit variance would weigh the reconstruction of data scaled to
    [0, 1] so little against the KL term that the posterior collapses and every
    series decodes to the data set's mean; the calibrated variance keeps the two terms
    in the ELBO's own balance at any scale. The KL term is the closed form of
    ``KL(N(mu, exp(logvar)) || N(0, I))`` summed over latent dimensions.

    Returns
    -------
    dict with 0-d tensors ``loss`` (to minimise), ``mse`` (mean squared error) and ``kl``.
    """
    sq = (recon - x).pow(2)
    mse_channel = sq.mean(dim=(0, 2)).clamp_min(1e-8)
    nll = 0.5 * x.shape[2] * torch.log(mse_channel).sum()
    kl = (-0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum(dim=1)).mean()
    return {"loss": nll + beta * kl, "mse": sq.mean(), "kl": kl}
