"""Weight initialisation as TensorFlow does it, for networks ported from TensorFlow code.

PyTorch and TensorFlow start recurrent and dense layers from different
distributions, and for the small networks of the time-series GANs the start matters
(AVATAR on Sines, 4 channels, 2,000 iterations per phase, one seed: 0.210
discriminative from PyTorch's defaults, 0.022 from Keras's). Two styles:

* :func:`tensorflow_init_`: TensorFlow 1's ``GRUCell``, ``layers.dense`` and
  ``layers.batch_normalization``, what the AVATAR and TimeGAN reference code use;
* :func:`keras_init_`: Keras's ``GRU``/``LSTM``, ``Dense`` and ``BatchNormalization``.
"""

from __future__ import annotations

import torch
from torch import nn

from ._recurrent import LayerNormLSTM

__all__ = ["init_weights_", "keras_init_", "tensorflow_init_", "WEIGHT_INITS"]


def _init_dense_or_norm_(layer: nn.Module) -> None:
    """Dense and batch-norm layers start the same in TensorFlow 1 and Keras."""
    if isinstance(layer, nn.Linear):
        nn.init.xavier_uniform_(layer.weight)
        if layer.bias is not None:
            nn.init.zeros_(layer.bias)
    elif isinstance(layer, nn.BatchNorm1d):
        layer.eps = 1e-3
        layer.momentum = 0.01  # TensorFlow's momentum=0.99


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
        else:
            _init_dense_or_norm_(layer)
    return module


def _glorot_(tensor: torch.Tensor, fan_in: int, fan_out: int) -> None:
    bound = (6.0 / (fan_in + fan_out)) ** 0.5
    nn.init.uniform_(tensor, -bound, bound)


def _per_layer(rnn: nn.RNNBase):
    """``(weight_ih, weight_hh, bias_ih, bias_hh)`` of each layer of a GRU or LSTM."""
    names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
    for k in range(rnn.num_layers):
        yield tuple(getattr(rnn, f"{name}_l{k}") for name in names)


@torch.no_grad()
def tensorflow_init_(module: nn.Module) -> nn.Module:
    """Re-initialise ``module``'s layers in place as TensorFlow 1 initialises them.

    * GRU layers as ``tf.nn.rnn_cell.GRUCell``: its reset/update kernel, of shape
      ``(input + hidden, 2 hidden)``, and its candidate kernel, ``(input + hidden,
      hidden)``, are Glorot-uniform over those shapes (PyTorch keeps the input and
      recurrent parts in ``weight_ih`` and ``weight_hh``); the reset/update bias
      starts at one, the candidate bias at zero. (The cell itself differs slightly:
      TensorFlow applies the reset gate before the recurrent product, PyTorch after.)
    * LSTM layers as ``tf.nn.rnn_cell.LSTMCell``: one Glorot-uniform kernel over
      ``(input + hidden, 4 hidden)``, zero biases, and a forget bias of one;
    * dense layers: Glorot-uniform weights, zero bias;
    * batch normalisation: ``eps=1e-3`` and a running-average momentum of 0.01.

    Parameters
    ----------
    module : nn.Module

    Returns
    -------
    module : nn.Module
    """
    for layer in module.modules():
        if isinstance(layer, nn.GRU):
            hidden = layer.hidden_size
            for w_ih, w_hh, b_ih, b_hh in _per_layer(layer):
                fan_in = w_ih.shape[1] + hidden
                for weight in (w_ih, w_hh):
                    _glorot_(weight[: 2 * hidden], fan_in, 2 * hidden)
                    _glorot_(weight[2 * hidden :], fan_in, hidden)
                nn.init.zeros_(b_hh)
                nn.init.zeros_(b_ih)
                b_ih[: 2 * hidden] = 1.0
        elif isinstance(layer, nn.LSTM):
            hidden = layer.hidden_size
            for w_ih, w_hh, b_ih, b_hh in _per_layer(layer):
                fan_in = w_ih.shape[1] + hidden
                _glorot_(w_ih, fan_in, 4 * hidden)
                _glorot_(w_hh, fan_in, 4 * hidden)
                nn.init.zeros_(b_hh)
                nn.init.zeros_(b_ih)
                b_ih[hidden : 2 * hidden] = 1.0  # PyTorch's gate order: i, f, g, o
        elif isinstance(layer, LayerNormLSTM):
            fan_in = layer.input_map.in_features + layer.hidden_size
            _glorot_(layer.input_map.weight, fan_in, 4 * layer.hidden_size)
            _glorot_(layer.hidden_map.weight, fan_in, 4 * layer.hidden_size)
        else:
            _init_dense_or_norm_(layer)
    return module


_INITIALISERS = {"tensorflow": tensorflow_init_, "keras": keras_init_}

#: Names :func:`init_weights_` accepts (``"torch"``: leave PyTorch's start).
WEIGHT_INITS = (*_INITIALISERS, "torch")


def init_weights_(module: nn.Module, style: str) -> nn.Module:
    """Re-initialise ``module`` in place in one of :data:`WEIGHT_INITS` styles.

    Parameters
    ----------
    module : nn.Module
    style : {"tensorflow", "keras", "torch"}
        ``"torch"`` leaves the module as PyTorch built it.

    Returns
    -------
    module : nn.Module
    """
    if style not in WEIGHT_INITS:
        raise ValueError(f"weight_init must be one of {WEIGHT_INITS}, got {style!r}.")
    initialise = _INITIALISERS.get(style)
    return module if initialise is None else initialise(module)
