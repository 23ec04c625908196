"""The five networks of TimeGAN (Yoon, Jarrett and van der Schaar, NeurIPS 2019).

As in the authors' reference code, each network is a stack of recurrent layers
followed by a linear layer applied at every time step: the embedder (series to
latent), the recovery (latent to series), the generator (noise to latent) and the
supervisor (latent to the next step's latent, one recurrent layer fewer) end in a
sigmoid; the discriminator gives a logit per time step.

Every public method takes and returns ``(batch, features, time)`` tensors (the
package's layout). Internally the networks run batch-first ``(batch, time,
features)``: the ``*_steps`` methods work in that layout so that the training loop
transposes each batch once, not once per network.
"""

from __future__ import annotations

import torch
from torch import nn

from ._recurrent import RecurrentNet

__all__ = ["TimeGANNetwork"]


class TimeGANNetwork(nn.Module):
    """Embedder, recovery, generator, supervisor and discriminator of TimeGAN.

    Parameters
    ----------
    n_channels : int
        Channels of the series (also the width of the generator's noise, as in the
        reference code).
    hidden_dim : int
        Width of the latent sequence and of every recurrent layer.
    n_layers : int
        Recurrent layers of every network but the supervisor, which has
        ``max(n_layers - 1, 1)``.
    cell : {"gru", "lstm", "lstmLN"}, default="gru"
    n_classes : int, default=0
        Classes conditioned on: a one-hot label enters every network at every step.

    Examples
    --------
    >>> import torch
    >>> net = TimeGANNetwork(n_channels=3, hidden_dim=8, n_layers=2)
    >>> net.embed(torch.rand(5, 3, 10)).shape
    torch.Size([5, 8, 10])
    >>> net.generate(torch.rand(5, 3, 10)).shape
    torch.Size([5, 3, 10])
    """

    def __init__(
        self,
        n_channels: int,
        hidden_dim: int,
        n_layers: int,
        *,
        cell: str = "gru",
        n_classes: int = 0,
    ):
        super().__init__()
        common = dict(cell=cell, n_classes=n_classes)
        self.n_channels = n_channels
        self.embedder = RecurrentNet(n_channels, hidden_dim, hidden_dim, n_layers, **common)
        self.recovery = RecurrentNet(hidden_dim, hidden_dim, n_channels, n_layers, **common)
        self.generator = RecurrentNet(n_channels, hidden_dim, hidden_dim, n_layers, **common)
        self.supervisor = RecurrentNet(
            hidden_dim, hidden_dim, hidden_dim, max(n_layers - 1, 1), **common
        )
        self.discriminator = RecurrentNet(
            hidden_dim, hidden_dim, 1, n_layers, activation=None, **common
        )

    # -- (batch, features, time) interface ----------------------------------------------
    def embed(self, x: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """Series ``(batch, n_channels, time)`` to latent ``(batch, hidden_dim, time)``."""
        return self.embedder(x.transpose(1, 2), labels).transpose(1, 2)

    def generate(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """Noise ``(batch, n_channels, time)`` to series: generator, supervisor, recovery."""
        return self.generate_steps(z.transpose(1, 2), labels).transpose(1, 2)

    def perturb(
        self, x: torch.Tensor, noise: torch.Tensor, labels: torch.Tensor | None = None
    ) -> torch.Tensor:
        """A variant of each series: embed, add ``noise`` to the latent, supervise, recover.

        Parameters
        ----------
        x : Tensor of shape (batch, n_channels, time)
        noise : Tensor of shape (batch, hidden_dim, time)
        labels : Tensor of shape (batch,), optional

        Returns
        -------
        Tensor of shape (batch, n_channels, time)
        """
        h = self.embedder(x.transpose(1, 2), labels) + noise.transpose(1, 2)
        return self.recovery(self.supervisor(h, labels), labels).transpose(1, 2)

    # -- batch-first (batch, time, features) interface used in training --------------------
    @staticmethod
    def to_steps(x: torch.Tensor) -> torch.Tensor:
        """Series ``(batch, n_channels, time)`` to the networks' ``(batch, time, n_channels)``.

        The training loop converts the whole training set once with it and then calls
        the five networks directly.
        """
        return x.transpose(1, 2).contiguous()

    def generate_steps(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """Batch-first noise ``(batch, time, n_channels)`` to batch-first series."""
        return self.recovery(self.supervisor(self.generator(z, labels), labels), labels)
