"""Networks of AVATAR and of the plain adversarial autoencoder (AAE).

AVATAR (EskandariNasab, Hamdi and Boubrahimi, SDM 2025) is an adversarial
autoencoder with a supervisor that refines the decoder's output autoregressively.
The plain AAE of Makhzani et al. (2015) is the same container without the supervisor,
so both estimators build their network from :class:`AdversarialAutoencoderNet`.

Every public method takes and returns ``(batch, features, time)`` tensors (the
package's layout); the transpose to the recurrent layers' ``(batch, time, features)``
happens here and nowhere else.
"""

from __future__ import annotations

import torch
from torch import nn

from ._recurrent import RecurrentNet

__all__ = ["AdversarialAutoencoderNet"]


def _run(net: RecurrentNet, x: torch.Tensor, labels: torch.Tensor | None) -> torch.Tensor:
    """Apply a batch-first network to a ``(batch, features, time)`` tensor."""
    return net(x.transpose(1, 2), labels).transpose(1, 2)


class AdversarialAutoencoderNet(nn.Module):
    """Encoder, decoder, optional supervisor and latent discriminator.

    As in the AVATAR authors' code: the encoder and the decoder are stacks of
    recurrent layers, each preceded by batch normalisation, followed by a dense layer;
    the supervisor has the same shape with one recurrent layer fewer and works in data
    space (decoder output to next-step data); the discriminator is a plain recurrent
    stack with one logit per time step. All recurrent layers have ``latent_dim``
    units.

    Parameters
    ----------
    n_channels : int
        Channels of the series.
    latent_dim : int
        Width of the latent sequence (and of every recurrent layer).
    n_layers : int
        Recurrent layers of the encoder, decoder and discriminator; the supervisor has
        ``max(n_layers - 1, 1)``.
    cell : {"gru", "lstm", "lstmLN"}, default="gru"
    latent_activation : {"sigmoid", None}, default="sigmoid"
        Output activation of the encoder: ``"sigmoid"`` for a prior on (0, 1) (the
        authors' uniform prior), ``None`` for a Gaussian prior.
    supervisor : bool, default=True
        Build the supervisor (AVATAR); ``False`` gives the plain AAE.
    tied_layers : bool, default=False
        In the encoder, decoder and supervisor, the recurrent layers of equal input
        and output width share one set of weights, each behind its own batch
        normalisation, as the authors' TensorFlow code builds them (see
        :class:`~tsaugment.nn.RecurrentStack`). The discriminator's layers stay
        separate, as there.
    n_classes : int, default=0
        Classes conditioned on: a one-hot label enters every network at every step.

    Examples
    --------
    >>> import torch
    >>> net = AdversarialAutoencoderNet(n_channels=3, latent_dim=4, n_layers=2)
    >>> x = torch.rand(5, 3, 10)
    >>> net.encode(x).shape, net.generate(torch.rand(5, 4, 10)).shape
    (torch.Size([5, 4, 10]), torch.Size([5, 3, 10]))
    """

    def __init__(
        self,
        n_channels: int,
        latent_dim: int,
        n_layers: int,
        *,
        cell: str = "gru",
        latent_activation: str | None = "sigmoid",
        supervisor: bool = True,
        tied_layers: bool = False,
        n_classes: int = 0,
    ):
        super().__init__()
        common = dict(cell=cell, n_classes=n_classes)
        stacked = dict(batch_norm=True, tied=tied_layers, **common)
        self.encoder = RecurrentNet(
            n_channels,
            latent_dim,
            latent_dim,
            n_layers,
            activation=latent_activation,
            **stacked,
        )
        self.decoder = RecurrentNet(latent_dim, latent_dim, n_channels, n_layers, **stacked)
        self.supervisor = None
        if supervisor:
            self.supervisor = RecurrentNet(
                n_channels, latent_dim, n_channels, max(n_layers - 1, 1), **stacked
            )
        self.discriminator = RecurrentNet(
            latent_dim, latent_dim, 1, n_layers, activation=None, **common
        )

    def autoencoder_modules(self) -> list[nn.Module]:
        """The networks trained on the autoencoder's losses (all but the discriminator)."""
        mods = [self.encoder, self.decoder]
        return mods if self.supervisor is None else [*mods, self.supervisor]

    def encode(self, x: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """Series ``(batch, n_channels, time)`` to latent ``(batch, latent_dim, time)``."""
        return _run(self.encoder, x, labels)

    def decode(self, h: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """Latent ``(batch, latent_dim, time)`` to series ``(batch, n_channels, time)``."""
        return _run(self.decoder, h, labels)

    def supervise(self, x: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """Refine a decoded series ``(batch, n_channels, time)`` (identity without one)."""
        return x if self.supervisor is None else _run(self.supervisor, x, labels)

    def discriminate(self, h: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """Logits ``(batch, 1, time)`` that a latent sequence was drawn from the prior."""
        return _run(self.discriminator, h, labels)

    def generate(self, h: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """Latent sequence to series: decoder, then the supervisor when there is one."""
        return self.supervise(self.decode(h, labels), labels)
