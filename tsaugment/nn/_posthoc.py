"""The post-hoc networks of TimeGAN's evaluation protocol.

Both take ``(batch, channels, time)`` at their boundary, as the rest of the package
does, and transpose once, here, for the recurrent layers.
"""

from __future__ import annotations

import torch
from torch import nn

from ._recurrent import RecurrentNet, RecurrentStack

__all__ = ["PosthocDiscriminator", "PosthocPredictor", "posthoc_hidden_size"]


def posthoc_hidden_size(n_channels: int) -> int:
    """Width of TimeGAN's post-hoc GRUs: half the channel count, at least 1.

    The reference code uses ``int(dim / 2)``, which is 0 for univariate data; one
    unit is the smallest network that exists.
    """
    return max(1, int(n_channels) // 2)


class PosthocDiscriminator(nn.Module):
    """One-layer GRU that reads a whole series and outputs one real-vs-synthetic logit.

    The logit is a linear map of the GRU's last hidden state.

    Parameters
    ----------
    n_channels : int
        Channels of the series.
    hidden_size : int, optional
        GRU units; default :func:`posthoc_hidden_size` of ``n_channels``.
    """

    def __init__(self, n_channels: int, hidden_size: int | None = None):
        super().__init__()
        hidden = posthoc_hidden_size(n_channels) if hidden_size is None else hidden_size
        self.rnn = RecurrentStack(n_channels, hidden, 1, cell="gru")
        self.head = nn.Linear(hidden, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Score series.

        Parameters
        ----------
        x : Tensor of shape (batch, n_channels, n_timepoints)

        Returns
        -------
        logits : Tensor of shape (batch,)
            Positive means "real".
        """
        last = self.rnn(x.transpose(1, 2))[:, -1]  # a GRU's last output is its last state
        return self.head(last).squeeze(-1)


class PosthocPredictor(nn.Module):
    """One-layer GRU with a sigmoid read-out at every step: one-step-ahead prediction.

    Parameters
    ----------
    n_inputs : int
        Channels read at every step.
    hidden_size : int
        GRU units.
    """

    def __init__(self, n_inputs: int, hidden_size: int):
        super().__init__()
        self.net = RecurrentNet(n_inputs, hidden_size, 1, 1, cell="gru", activation="sigmoid")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Predict the target channel's next value at every step.

        Parameters
        ----------
        x : Tensor of shape (batch, n_inputs, n_steps)

        Returns
        -------
        y_hat : Tensor of shape (batch, n_steps), in (0, 1)
        """
        return self.net(x.transpose(1, 2)).squeeze(-1)
