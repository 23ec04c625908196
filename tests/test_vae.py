from __future__ import annotations

import numpy as np
import pytest
import torch

from tsaugment import LatentVAEAugmenter
from tsaugment.datasets import load_ucr
from tsaugment.nn._vae import ConvVAE, kl_divergence, reparameterise

TINY = {"latent_dim": 8, "n_epochs": 3, "n_filters": 8, "device": "cpu", "random_state": 0}


@pytest.mark.parametrize(("n_channels", "n_timepoints"), [(1, 24), (3, 37), (2, 300)])
def test_any_length_and_channel_count(n_channels, n_timepoints):
    X = np.random.default_rng(0).normal(size=(10, n_channels, n_timepoints))
    vae = LatentVAEAugmenter(**TINY).fit(X)
    assert vae.transform(X).shape == X.shape
    assert vae.sample(3)[0].shape == (3, n_channels, n_timepoints)
    net = ConvVAE(n_channels, n_timepoints, 5, n_filters=4)
    x_hat, mu, logvar = net(torch.zeros(2, n_channels, n_timepoints))
    assert x_hat.shape == (2, n_channels, n_timepoints) and mu.shape == logvar.shape == (2, 5)


def test_reparameterisation_and_kl_on_known_cases():
    mu = torch.tensor([[1.0, -2.0]])
    logvar = torch.log(torch.tensor([[4.0, 0.25]]))
    with torch.random.fork_rng():
        torch.manual_seed(0)
        z = torch.stack([reparameterise(mu, logvar)[0] for _ in range(20000)])
    np.testing.assert_allclose(z.mean(0), [1.0, -2.0], atol=0.05)
    np.testing.assert_allclose(z.std(0), [2.0, 0.5], rtol=0.03)
    # KL(N(m, s^2) || N(0, 1)) = 0.5 * (s^2 + m^2 - 1 - ln s^2), summed over units
    expected = 0.5 * (4 + 1 - 1 - np.log(4)) + 0.5 * (0.25 + 4 - 1 - np.log(0.25))
    assert kl_divergence(mu, logvar).item() == pytest.approx(expected, rel=1e-5)
    assert kl_divergence(torch.zeros(3, 4), torch.zeros(3, 4)).abs().max() < 1e-7


def test_training_lowers_the_loss_and_noise_free_transform_reconstructs():
    X, y = load_ucr("GunPoint", split="train")
    vae = LatentVAEAugmenter(n_epochs=100, n_filters=16, latent_dim=16, random_state=0).fit(X, y)
    loss = vae.history_["train"]["loss"]
    assert loss[-1] < 0.2 * loss[0]
    reconstruction = vae.set_params(noise=0.0).transform(X, y)
    assert np.sqrt(np.mean((reconstruction - X) ** 2)) < 0.4 * X.std()
    noisy = vae.set_params(noise=1.0).transform(X, y)
    assert np.mean((noisy - X) ** 2) > np.mean((reconstruction - X) ** 2)


@pytest.mark.parametrize("sampling", ["perturb", "class_gaussian"])
def test_both_sampling_modes_honour_labels_and_stay_near_their_class(sampling):
    rng = np.random.default_rng(0)
    t = np.linspace(0, 1, 40)
    X = np.concatenate(
        [
            np.sin(6 * t) + 0.05 * rng.normal(size=(15, 1, 40)),
            -np.sin(6 * t) + 0.05 * rng.normal(size=(15, 1, 40)),
        ]
    )
    y = np.array(["up"] * 15 + ["down"] * 15)
    vae = LatentVAEAugmenter(
        n_epochs=80, latent_dim=4, n_filters=8, sampling=sampling, random_state=0
    ).fit(X, y)
    X_up, y_up = vae.sample(20, y="up")
    assert set(y_up) == {"up"}
    up_mean, down_mean = X[:15].mean(0), X[15:].mean(0)
    nearer_up = ((X_up - up_mean) ** 2).sum((1, 2)) < ((X_up - down_mean) ** 2).sum((1, 2))
    assert nearer_up.mean() >= 0.9


def test_n_samples_per_input_groups_variants_around_fewer_series():
    X = np.random.default_rng(1).normal(size=(20, 1, 24))
    vae = LatentVAEAugmenter(**{**TINY, "n_samples_per_input": 5}).fit(X)
    assert vae.sample(12)[0].shape == (12, 1, 24)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"latent_dim": 0}, "latent_dim"),
        ({"noise": -1.0}, "noise"),
        ({"sampling": "x"}, "sampling"),
    ],
)
def test_bad_parameters_are_named(params, message):
    with pytest.raises(ValueError, match=message):
        LatentVAEAugmenter(**{**TINY, **params}).fit(np.zeros((4, 1, 10)) + np.arange(10))


def test_gunpoint_variants_stay_nearest_their_own_class():
    """Same measure as the classic augmenters' test (1-NN Euclidean, own original
    excluded): at least 65% of each class's variants keep their label (chance: 50%)."""
    X, y = load_ucr("GunPoint", split="train")
    vae = LatentVAEAugmenter(n_epochs=100, n_filters=16, random_state=0).fit(X, y)
    Xt = vae.transform(X, y)
    dist = ((Xt[:, None, 0, :] - X[None, :, 0, :]) ** 2).sum(-1)
    np.fill_diagonal(dist, np.inf)
    nearest = y[dist.argmin(axis=1)]
    for label in np.unique(y):
        assert np.mean(nearest[y == label] == label) >= 0.65
