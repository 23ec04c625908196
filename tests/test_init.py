"""Keras-style initialisation, which AVATAR and AAE start from by default."""

import numpy as np
import pytest
import torch

from tsaugment import AAEGenerator, AvatarGenerator
from tsaugment.datasets import make_sines
from tsaugment.nn import AdversarialAutoencoderNet, keras_init_, tensorflow_init_


def test_keras_init_sets_what_keras_sets():
    torch.manual_seed(0)
    net = keras_init_(AdversarialAutoencoderNet(n_channels=3, latent_dim=8, n_layers=2))
    grus = [m for m in net.modules() if isinstance(m, torch.nn.GRU)]
    assert grus
    for gru in grus:
        w_hh = gru.weight_hh_l0  # (3H, H) with orthonormal columns
        torch.testing.assert_close(w_hh.T @ w_hh, torch.eye(8), atol=1e-5, rtol=0)
        assert not gru.bias_ih_l0.any() and not gru.bias_hh_l0.any()
        fan_in, fan_out = gru.weight_ih_l0.shape[1], gru.weight_ih_l0.shape[0]
        assert gru.weight_ih_l0.abs().max() <= (6 / (fan_in + fan_out)) ** 0.5
    norms = [m for m in net.modules() if isinstance(m, torch.nn.BatchNorm1d)]
    assert norms and all(m.eps == 1e-3 and m.momentum == 0.01 for m in norms)
    heads = [m for m in net.modules() if isinstance(m, torch.nn.Linear)]
    assert all(not m.bias.any() for m in heads)


def test_lstm_forget_bias_starts_at_one():
    lstm = keras_init_(torch.nn.LSTM(3, 4))
    np.testing.assert_array_equal(lstm.bias_ih_l0[4:8].detach().numpy(), 1.0)
    assert not lstm.bias_ih_l0[:4].any() and not lstm.bias_hh_l0.any()


@pytest.mark.parametrize("cls", [AvatarGenerator, AAEGenerator])
def test_weight_init_choice_changes_the_start(cls):
    X = make_sines(16, seq_len=8, n_channels=2, random_state=0)
    params = dict(n_layers=2, n_iter=1, batch_size=8, device="cpu", random_state=0)
    keras = cls(**params).fit(X).model_
    torch_ = cls(weight_init="torch", **params).fit(X).model_
    assert keras.encoder.head.weight.shape == torch_.encoder.head.weight.shape
    assert not torch.equal(keras.encoder.head.bias, torch_.encoder.head.bias)
    with pytest.raises(ValueError, match="weight_init"):
        cls(weight_init="xavier", **params).fit(X)
    tf = cls(weight_init="tensorflow", **params).fit(X).model_
    assert not torch.equal(tf.encoder.head.bias, torch_.encoder.head.bias)


def test_tensorflow_init_follows_tf1_grucell():
    torch.manual_seed(0)
    gru = torch.nn.GRU(3, 5, num_layers=2)
    tensorflow_init_(gru)
    for k, n_in in ((0, 3), (1, 5)):
        b_ih, b_hh = getattr(gru, f"bias_ih_l{k}"), getattr(gru, f"bias_hh_l{k}")
        np.testing.assert_array_equal((b_ih + b_hh)[:10].detach().numpy(), 1.0)  # r, z
        assert not (b_ih + b_hh)[10:].any()  # candidate
        for weight in (getattr(gru, f"weight_ih_l{k}"), getattr(gru, f"weight_hh_l{k}")):
            assert weight[:10].abs().max() <= (6 / (n_in + 5 + 10)) ** 0.5
            assert weight[10:].abs().max() <= (6 / (n_in + 5 + 5)) ** 0.5
            assert weight[10:].abs().max() > (6 / (n_in + 5 + 10)) ** 0.5 * 0.8
