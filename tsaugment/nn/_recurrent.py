"""Recurrent building blocks shared by TimeGAN, AVATAR, AAE and the metrics.

Tensors here are batch-first, ``(batch, time, features)``, the layout recurrent
layers want. The model containers (``nn/_timegan.py`` and friends) take
``(batch, channels, time)`` at their public boundary and transpose once, inside.
"""

from __future__ import annotations

import torch
from torch import nn

from ._gru import GRU

__all__ = ["RecurrentStack", "RecurrentNet", "LayerNormLSTM", "CELLS"]

CELLS = ("gru", "lstm", "lstmLN")


class LayerNormLSTM(nn.Module):
    """One LSTM layer with layer normalisation of the gates and the cell state.

    The layer-normalised LSTM of Ba, Kiros and Hinton (2016), as TensorFlow's
    ``LayerNormBasicLSTMCell`` (TimeGAN's ``lstmLN``) computes it: each gate's
    pre-activation is normalised separately, and so is the new cell state before its
    ``tanh``.

    Parameters
    ----------
    input_size, hidden_size : int
    """

    def __init__(self, input_size: int, hidden_size: int):
        super().__init__()
        self.hidden_size = hidden_size
        self.input_map = nn.Linear(input_size, 4 * hidden_size, bias=False)
        self.hidden_map = nn.Linear(hidden_size, 4 * hidden_size, bias=False)
        self.gate_norms = nn.ModuleList(nn.LayerNorm(hidden_size) for _ in range(4))
        self.cell_norm = nn.LayerNorm(hidden_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Run the layer over a sequence.

        Parameters
        ----------
        x : Tensor of shape (batch, time, input_size)

        Returns
        -------
        out : Tensor of shape (batch, time, hidden_size)
        """
        batch, steps, _ = x.shape
        h = x.new_zeros(batch, self.hidden_size)
        c = x.new_zeros(batch, self.hidden_size)
        projected = self.input_map(x)  # all time steps at once
        outputs = []
        for t in range(steps):
            gates = (projected[:, t] + self.hidden_map(h)).chunk(4, dim=-1)
            i, g, f, o = (norm(z) for norm, z in zip(self.gate_norms, gates))
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(self.cell_norm(c))
            outputs.append(h)
        return torch.stack(outputs, dim=1)


class _SequenceBatchNorm(nn.BatchNorm1d):
    """Batch normalisation over the feature axis of ``(batch, time, features)``."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # noqa: D102
        return super().forward(x.transpose(1, 2)).transpose(1, 2)


class _Unpack(nn.Module):
    """Wrap ``nn.GRU`` / ``nn.LSTM`` to return only the output sequence."""

    def __init__(self, rnn: nn.Module):
        super().__init__()
        self.rnn = rnn

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # noqa: D102
        return self.rnn(x)[0]


def _layer(cell: str, input_size: int, hidden_size: int, num_layers: int) -> nn.Module:
    if cell == "gru":
        return _Unpack(GRU(input_size, hidden_size, num_layers, batch_first=True))
    if cell == "lstm":
        return _Unpack(nn.LSTM(input_size, hidden_size, num_layers, batch_first=True))
    layers = [LayerNormLSTM(input_size, hidden_size)]
    layers += [LayerNormLSTM(hidden_size, hidden_size) for _ in range(num_layers - 1)]
    return nn.Sequential(*layers)


class RecurrentStack(nn.Module):
    """A stack of recurrent layers: GRU, LSTM or layer-normalised LSTM.

    Without batch normalisation or tying the layers run as one multi-layer module:
    the package's :class:`~tsaugment.nn.GRU` (``nn.GRU`` with a faster CPU path) or
    ``nn.LSTM``. With batch normalisation, each layer is preceded by batch
    normalisation over the features, as AVATAR's encoder and decoder are built.

    With ``tied=True`` every layer whose input width equals ``hidden_size`` applies
    the same recurrent weights (each keeps its own batch normalisation); a first layer
    of another input width has its own. The AVATAR authors' TensorFlow code builds its
    encoder, decoder and supervisor this way: its per-layer ``GRUCell`` objects all
    resolve to one set of variables.

    Parameters
    ----------
    input_size : int
        Features per time step in.
    hidden_size : int
        Units of every layer (features per time step out).
    num_layers : int
        Number of recurrent layers (at least 1).
    cell : {"gru", "lstm", "lstmLN"}, default="gru"
    batch_norm : bool, default=False
        Batch normalisation before each recurrent layer.
    tied : bool, default=False
        Layers of equal input and output width share one set of recurrent weights.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int,
        *,
        cell: str = "gru",
        batch_norm: bool = False,
        tied: bool = False,
    ):
        super().__init__()
        if cell not in CELLS:
            raise ValueError(f"cell must be one of {CELLS}, got {cell!r}.")
        if num_layers < 1:
            raise ValueError(f"num_layers must be at least 1, got {num_layers}.")
        if batch_norm or tied:
            blocks, shared = [], None
            for k in range(num_layers):
                width = input_size if k == 0 else hidden_size
                if batch_norm:
                    blocks.append(_SequenceBatchNorm(width))
                if not tied or width != hidden_size:
                    blocks.append(_layer(cell, width, hidden_size, 1))
                    continue
                if shared is None:  # (an nn.Sequential of no layers would be falsy)
                    shared = _layer(cell, width, hidden_size, 1)
                blocks.append(shared)  # the same module again: parameters counted once
            self.layers = nn.Sequential(*blocks)
        else:
            self.layers = _layer(cell, input_size, hidden_size, num_layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Run the stack over a sequence.

        Parameters
        ----------
        x : Tensor of shape (batch, time, input_size)

        Returns
        -------
        Tensor of shape (batch, time, hidden_size)
        """
        return self.layers(x)


class RecurrentNet(nn.Module):
    """Recurrent stack followed by a linear layer applied at every time step.

    The unit of which TimeGAN and AVATAR build all their networks. For a
    class-conditional model, a one-hot label vector is appended to the input at
    every time step (``n_classes > 0``).

    Parameters
    ----------
    input_size : int
        Features per time step in (without the label).
    hidden_size : int
        Units of the recurrent layers.
    output_size : int
        Features per time step out.
    num_layers : int
        Recurrent layers.
    cell : {"gru", "lstm", "lstmLN"}, default="gru"
    activation : {"sigmoid", None}, default="sigmoid"
        Output activation (``None`` gives logits).
    batch_norm : bool, default=False
        Batch normalisation before each recurrent layer.
    tied : bool, default=False
        Recurrent layers of equal input and output width share their weights (see
        :class:`RecurrentStack`).
    n_classes : int, default=0
        Number of classes conditioned on (0: unconditional).
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        output_size: int,
        num_layers: int,
        *,
        cell: str = "gru",
        activation: str | None = "sigmoid",
        batch_norm: bool = False,
        tied: bool = False,
        n_classes: int = 0,
    ):
        super().__init__()
        if activation not in ("sigmoid", None):
            raise ValueError(f"activation must be 'sigmoid' or None, got {activation!r}.")
        self.n_classes = n_classes
        self.rnn = RecurrentStack(
            input_size + n_classes,
            hidden_size,
            num_layers,
            cell=cell,
            batch_norm=batch_norm,
            tied=tied,
        )
        self.head = nn.Linear(hidden_size, output_size)
        self.activation = activation

    def forward(self, x: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """Map a sequence (and its labels) to per-step outputs.

        Parameters
        ----------
        x : Tensor of shape (batch, time, input_size)
        labels : Tensor of shape (batch,), int64, optional
            Class codes; required when ``n_classes > 0``.

        Returns
        -------
        Tensor of shape (batch, time, output_size)
        """
        if self.n_classes:
            x = append_label(x, labels, self.n_classes)
        out = self.head(self.rnn(x))
        return torch.sigmoid(out) if self.activation == "sigmoid" else out


def append_label(x: torch.Tensor, labels: torch.Tensor, n_classes: int) -> torch.Tensor:
    """Append a one-hot label to every time step of ``x``.

    Parameters
    ----------
    x : Tensor of shape (batch, time, features)
    labels : Tensor of shape (batch,), int64
    n_classes : int

    Returns
    -------
    Tensor of shape (batch, time, features + n_classes)
    """
    if labels is None:
        raise ValueError("this network is class-conditional: labels are required.")
    onehot = nn.functional.one_hot(labels, n_classes).to(x.dtype)
    return torch.cat([x, onehot[:, None, :].expand(-1, x.shape[1], -1)], dim=-1)
