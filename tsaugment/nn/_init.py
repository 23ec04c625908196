"""Weight initialisation as Keras does it, for the networks ported from Keras code.

PyTorch and Keras start recurrent and dense layers from different distributions, and
for the small networks of the time-series GANs the start matters: AVATAR on Sines
(4 channels, 2,000 iterations per phase) scored 0.210 discriminative from PyTorch's
defaults and 0.022 from Keras's (``benchmarks/quality.py``).
"""

from __future__ import annotations

import torch
from torch import nn

from ._recurrent import LayerNormLSTM

__all__ = ["keras_init_", "WEIGHT_INITS"]

WEIGHT_INITS = ("keras", "torch")


@torch.no_grad()
def keras_init_(module: nn.Module) -> nn.Module:
    """Re-initialise ``module``'s layers in place as Keras initialises them.

    * recurrent layers (GRU, LSTM): input kernels Glorot-uniform, recurrent kernels
      orthogonal, biases zero, except an LSTM's forget-gate bias of one;
    * dense layers: Glorot-uniform weights, zero bias;
    * batch normalisation: ``eps=1e-3`` and a running-average momentum of 0.01
      (Keras's ``momentum=0.99``).

    Parameters
    ----------
    module : nn.Module

    Returns
    -------
    module : nn.Module
    """
    for layer in module.modules():
        if isinstance(layer, (nn.GRU, nn.LSTM)):
            for name, param in layer.named_parameters():
                if name.startswith("weight_ih"):
                    nn.init.xavier_uniform_(param)
                elif name.startswith("weight_hh"):
                    nn.init.orthogonal_(param)
                else:
                    nn.init.zeros_(param)
                    if isinstance(layer, nn.LSTM) and name.startswith("bias_ih"):
                        param[layer.hidden_size : 2 * layer.hidden_size] = 1.0  # i, f, g, o
        elif isinstance(layer, LayerNormLSTM):
            nn.init.xavier_uniform_(layer.input_map.weight)
            nn.init.orthogonal_(layer.hidden_map.weight)
        elif isinstance(layer, nn.Linear):
            nn.init.xavier_uniform_(layer.weight)
            if layer.bias is not None:
                nn.init.zeros_(layer.bias)
        elif isinstance(layer, nn.BatchNorm1d):
            layer.eps = 1e-3
            layer.momentum = 0.01
    return module
