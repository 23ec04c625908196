"""The time-series ResNet of Wang, Yan and Oates (2017), as a plain ``nn.Module``.

Reference: Z. Wang, W. Yan and T. Oates, "Time series classification from scratch with
deep neural networks: a strong baseline", IJCNN 2017. Three residual blocks; each block
has three 1D convolutions (kernel sizes 8, 5 and 3, "same" padding), each followed by
batch normalisation, with ReLU after the first two and after the residual sum. The
shortcut is a 1x1 convolution plus batch norm when the number of filters changes and a
batch norm otherwise (as in the authors' Keras code and in Fawaz et al. 2019). Global
average pooling over time and a linear layer give the class logits (softmax is applied
by the loss and by ``predict_proba``, not in the module).

Layers keep PyTorch's defaults where the Keras reference differs: batch norm momentum
0.1 and epsilon 1e-5 (Keras: 0.99, i.e. 0.01 in PyTorch's convention, and 1e-3), and
PyTorch's initialisation of convolutions and the linear layer (Keras: Glorot uniform).
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["ResNetBlock", "TimeSeriesResNet"]


class ResNetBlock(nn.Module):
    """One residual block: conv-BN-ReLU, conv-BN-ReLU, conv-BN, + shortcut, ReLU.

    Parameters
    ----------
    in_channels : int
        Channels (filters) entering the block.
    n_filters : int
        Filters of each of the three convolutions.
    kernel_sizes : tuple of int, default=(8, 5, 3)
        Kernel sizes of the three convolutions ("same" padding keeps the length).
    """

    def __init__(self, in_channels: int, n_filters: int, kernel_sizes=(8, 5, 3)):
        super().__init__()
        layers = []
        channels = in_channels
        for i, k in enumerate(kernel_sizes):
            # "same" padding as in Keras (the extra point on the right for even kernels),
            # written out to avoid torch's copy-and-warn path for padding="same"
            layers.append(nn.ConstantPad1d(((k - 1) // 2, k - 1 - (k - 1) // 2), 0.0))
            layers.append(nn.Conv1d(channels, n_filters, k))
            layers.append(nn.BatchNorm1d(n_filters))
            if i < len(kernel_sizes) - 1:
                layers.append(nn.ReLU())
            channels = n_filters
        self.body = nn.Sequential(*layers)
        if in_channels != n_filters:
            self.shortcut = nn.Sequential(
                nn.Conv1d(in_channels, n_filters, 1), nn.BatchNorm1d(n_filters)
            )
        else:
            self.shortcut = nn.BatchNorm1d(n_filters)
        self.relu = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Map ``(batch, in_channels, time)`` to ``(batch, n_filters, time)``."""
        return self.relu(self.body(x) + self.shortcut(x))


class TimeSeriesResNet(nn.Module):
    """ResNet for time-series classification (Wang, Yan and Oates, 2017).

    Parameters
    ----------
    n_channels : int
        Channels of the input series.
    n_classes : int
        Number of classes (outputs).
    n_filters : tuple of int, default=(64, 128, 128)
        Filters of the three residual blocks.
    kernel_sizes : tuple of int, default=(8, 5, 3)
        Kernel sizes of the convolutions inside each block.

    Notes
    -----
    Input ``(batch, n_channels, n_timepoints)`` (the numpy3D layout, no transpose is
    needed for ``Conv1d``); output: logits of shape ``(batch, n_classes)``.
    """

    def __init__(
        self, n_channels: int, n_classes: int, n_filters=(64, 128, 128), kernel_sizes=(8, 5, 3)
    ):
        super().__init__()
        blocks = []
        channels = n_channels
        for filters in n_filters:
            blocks.append(ResNetBlock(channels, filters, kernel_sizes))
            channels = filters
        self.blocks = nn.Sequential(*blocks)
        self.head = nn.Linear(channels, n_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Class logits of shape ``(batch, n_classes)``."""
        return self.head(self.blocks(x).mean(dim=-1))
