"""Tests of LatentVAEAugmenter and its network."""

import pickle

import numpy as np
import pytest
import torch
from _label_check import loo_nn_agreement
from sklearn.base import clone

from tsaugment import LatentVAEAugmenter
from tsaugment._training import NonFiniteLossError
from tsaugment.datasets import load_ucr
from tsaugment.nn import ConvVAE
from tsaugment.nn._vae import vae_loss

TINY = LatentVAEAugmenter.get_test_params()


@pytest.fixture(autouse=True)
def one_torch_thread():
    """Train on one thread: on the shared 2-core machine two threads run 5x slower."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def _panel(n=12, c=2, t=16, seed=0):
    return np.random.default_rng(seed).normal(size=(n, c, t))


@pytest.mark.parametrize("c, t", [(1, 2), (1, 24), (3, 37), (2, 150), (1, 1025)])
def test_network_keeps_any_shape(c, t):
    net = ConvVAE(c, t, latent_dim=5, n_filters=4, kernel_size=5)
    x = torch.randn(3, c, t)
    recon, mu, logvar = net(x)
    assert recon.shape == x.shape
    assert mu.shape == logvar.shape == (3, 5)
    assert 1 <= net.feature_length <= 16


def test_reparameterisation_and_kl():
    mu = torch.full((20000, 2), 3.0)
    logvar = torch.full((20000, 2), np.log(4.0))
    with torch.random.fork_rng():
        torch.manual_seed(0)
        z = ConvVAE.reparameterize(mu, logvar)
    assert abs(z.mean().item() - 3.0) < 0.05 and abs(z.std().item() - 2.0) < 0.05
    x = torch.zeros(1, 1, 4)
    zero = torch.zeros(1, 2)
    # KL(N(0, I) || N(0, I)) = 0; KL(N(mu, 1) || N(0, 1)) = mu^2 / 2 per dimension
    assert vae_loss(x, x + 0.1, zero, zero, 1.0)["kl"].item() == pytest.approx(0.0)
    kl = vae_loss(x, x + 0.1, torch.ones(1, 2), zero, 1.0)["kl"].item()
    assert kl == pytest.approx(1.0)
    # beta weighs the KL term
    a = vae_loss(x, x + 0.1, torch.ones(1, 2), zero, 0.0)["loss"].item()
    b = vae_loss(x, x + 0.1, torch.ones(1, 2), zero, 2.0)["loss"].item()
    assert b - a == pytest.approx(2.0)


@pytest.mark.parametrize("sampling", ["perturb", "class_gaussian"])
def test_api_shapes_labels_determinism_and_persistence(sampling, tmp_path):
    X = _panel()
    y = np.array(["a", "b", "c"] * 4)
    vae = LatentVAEAugmenter(**TINY, sampling=sampling).fit(X, y)
    assert set(vae.history_["train"]) == {"loss", "mse", "kl"}
    assert len(vae.history_["train"]["loss"]) == TINY["n_epochs"]
    Xt = vae.transform(X, y)
    assert Xt.shape == X.shape and Xt.dtype == X.dtype
    X_new, y_new = vae.sample(7, y="b")
    assert X_new.shape == (7, 2, 16) and y_new.tolist() == ["b"] * 7
    _, y_new = vae.sample(9)
    assert set(y_new) <= {"a", "b", "c"}
    with pytest.raises(ValueError, match="pass y"):
        vae.transform(X)
    a1, a2 = clone(vae).fit(X, y), clone(vae).fit(X, y)
    assert np.array_equal(a1.sample(5)[0], a2.sample(5)[0])
    path = tmp_path / "vae.zip"
    a1.save(path)
    ref = a1.sample(5, y="a")[0]
    assert np.array_equal(pickle.loads(pickle.dumps(a2)).sample(5, y="a")[0], ref)
    assert np.array_equal(LatentVAEAugmenter.load(path).sample(5, y="a")[0], ref)


def test_noise_zero_gives_the_reconstruction_and_noise_adds_spread():
    X = _panel()
    vae = LatentVAEAugmenter(**TINY).fit(X)
    vae.set_params(noise=0.0)
    assert np.allclose(vae.transform(X), vae.transform(X))
    vae.set_params(noise=1.0)
    assert not np.allclose(vae.transform(X), vae.transform(X))


def test_n_samples_per_input_groups_variants_by_source():
    X = _panel(n=12)
    y = np.array([0, 1] * 6)
    vae = LatentVAEAugmenter(**TINY, n_samples_per_input=3).fit(X, y)
    vae.set_params(noise=0.0)  # variants of one source are then identical
    X_new, y_new = vae.sample(6, y=0)
    assert np.allclose(X_new[0], X_new[2]) and np.allclose(X_new[3], X_new[5])
    assert not np.allclose(X_new[0], X_new[3])  # 2 distinct sources, drawn without replacement
    assert vae.transform(X, y).shape == X.shape  # transform never adds rows


def test_unlabelled_fit_and_univariate_input():
    X = _panel(c=1)[:, 0, :]
    vae = LatentVAEAugmenter(**TINY, sampling="class_gaussian").fit(X)
    X_new, y_new = vae.sample(4)
    assert X_new.shape == (4, 1, 16) and y_new is None
    assert vae.class_mean_.shape == (1, TINY["latent_dim"])


@pytest.mark.parametrize(
    "params",
    [
        {"latent_dim": 0},
        {"noise": -0.1},
        {"n_samples_per_input": 0},
        {"lr": 0},
        {"beta": float("nan")},
        {"sampling": "prior"},
        {"kernel_size": 4},
        {"batch_size": 1.5},
        {"min_steps": 0},
    ],
)
def test_bad_parameters_raise_clear_errors(params):
    with pytest.raises(ValueError):
        LatentVAEAugmenter(**{**TINY, **params}).fit(_panel())


def test_divergence_is_reported():
    with pytest.raises(NonFiniteLossError):
        LatentVAEAugmenter(**{**TINY, "lr": 1e30}).fit(_panel() * 1e30)


@pytest.fixture(scope="module")
def gunpoint_vae():
    X, y = load_ucr("GunPoint", split="train")
    with_one_thread = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        vae = LatentVAEAugmenter(
            latent_dim=16, n_filters=16, n_epochs=300, lr=3e-3, random_state=0
        ).fit(X, y)
    finally:
        torch.set_num_threads(with_one_thread)
    return vae, X, y


def test_gunpoint_variants_keep_their_class(gunpoint_vae):
    """Variants of each class are nearer that class's training series than the other's.

    Same measure as the classic augmenters' test (leave-one-out 1-NN, Euclidean): a
    variant counts when its nearest training series other than its own original has
    its class. The originals score 0.96; chance is 0.5.
    """
    vae, X, y = gunpoint_vae
    agreement = loo_nn_agreement(vae.transform(X, y), X, y)
    assert min(agreement.values()) >= 0.7, agreement


def test_gunpoint_samples_resemble_the_requested_class(gunpoint_vae):
    """``sample(y=...)`` ("perturb"): the nearest training series has the asked class."""
    vae, X, y = gunpoint_vae
    wanted = np.repeat(["1", "2"], 25)
    X_new, y_new = vae.sample(50, y=wanted)
    assert y_new.tolist() == wanted.tolist()
    d = ((X_new[:, None] - X[None]) ** 2).sum(axis=(2, 3))
    nearest = y[d.argmin(axis=1)]
    for c in ("1", "2"):
        assert np.mean(nearest[wanted == c] == c) >= 0.7


def _shared_shape_classes(n_per_class=10, t=64, seed=0):
    """Three classes that share a large sine and differ by a small bump's position.

    As in many UCR sets (Coffee, Wine), what tells the classes apart is a small part of
    each series' variance: the setting in which the VAE's posterior collapsed and every
    series decoded to the data set's mean.
    """
    rng = np.random.default_rng(seed)
    grid = np.linspace(0, 1, t)
    shared = 5 * np.sin(2 * np.pi * grid)
    X = [
        shared + np.exp(-0.5 * ((grid - (0.2 + 0.3 * k)) / 0.05) ** 2) + 0.05 * rng.normal(size=t)
        for k in range(3)
        for _ in range(n_per_class)
    ]
    return np.asarray(X)[:, None, :], np.repeat([0, 1, 2], n_per_class)


@pytest.mark.parametrize("sampling", ["perturb", "class_gaussian"])
def test_samples_carry_their_class_when_classes_differ_little(sampling):
    """At the benchmark's small budget (100 epochs, here 100 optimiser steps), samples
    of each class are nearest their own class's training centroid (chance: 1/3).

    Before the network's standardised input, mean-residual decoder, batch
    normalisation and He initialisation, every class scored 0 or 1 (all samples went
    to one centroid).
    """
    X, y = _shared_shape_classes()
    vae = LatentVAEAugmenter(n_epochs=100, sampling=sampling, random_state=0).fit(X, y)
    wanted = np.repeat([0, 1, 2], 20)
    X_new, _ = vae.sample(60, y=wanted)
    centroids = np.stack([X[y == k].mean(axis=0) for k in range(3)])
    nearest = ((X_new[:, None] - centroids[None]) ** 2).sum(axis=(2, 3)).argmin(axis=1)
    per_class = [float(np.mean(nearest[wanted == k] == k)) for k in range(3)]
    assert min(per_class) >= 0.8, per_class


def test_reference_standardises_the_encoder_input_and_centres_the_output():
    X = torch.tensor(_panel(n=12, c=2, t=16), dtype=torch.float32) * 3 + 5
    net = ConvVAE(2, 16, latent_dim=3, n_filters=4, kernel_size=3).set_reference(X)
    assert torch.allclose(net.center, X.mean(dim=0, keepdim=True))
    assert torch.allclose(net.scale, X.std(dim=0, keepdim=True, unbiased=False))
    with torch.no_grad():
        net.decoder[-1].weight.zero_()  # the decoder's own output is then zero
    assert torch.allclose(net.decode(torch.randn(4, 3)), net.center.expand(4, 2, 16))
    # a set of identical series: a floor instead of a zero scale
    same = ConvVAE(1, 8, 2, 4, 3).set_reference(torch.ones(3, 1, 8))
    assert (same.scale > 0).all() and torch.isfinite(same.encode(torch.ones(2, 1, 8))[0]).all()


def test_min_steps_raises_the_epochs_only_when_they_make_fewer_steps():
    X = _panel(n=12)  # batches of 4: three steps an epoch
    few = LatentVAEAugmenter(**{**TINY, "n_epochs": 2, "batch_size": 4, "min_steps": 10}).fit(X)
    assert len(few.history_["train"]["loss"]) == 4  # ceil(10 / 3)
    enough = LatentVAEAugmenter(**{**TINY, "n_epochs": 2, "batch_size": 4, "min_steps": 3}).fit(X)
    assert len(enough.history_["train"]["loss"]) == 2


def test_a_last_batch_of_one_series_is_joined_to_the_one_before():
    X = _panel(n=9, c=1, t=2)  # feature map of one step: batch norm needs > 1 series
    vae = LatentVAEAugmenter(**{**TINY, "batch_size": 4}).fit(X)
    assert np.isfinite(vae.sample(3)[0]).all()


def test_batch_size_one_trains_on_a_feature_map_of_one_step():
    # every batch of a single series left batch norm one value per channel: it failed
    # deep inside torch; a batch takes at least two series
    X = _panel(n=5, c=1, t=2)
    vae = LatentVAEAugmenter(**{**TINY, "batch_size": 1, "n_epochs": 1}).fit(X)
    assert np.isfinite(vae.sample(3)[0]).all()


def test_a_class_of_one_series_is_accepted():
    X = _panel(n=5)
    y = np.array([0, 0, 0, 0, 1])
    for sampling in ("perturb", "class_gaussian"):
        vae = LatentVAEAugmenter(**TINY, sampling=sampling).fit(X, y)
        X_new, _ = vae.sample(3, y=1)
        assert X_new.shape == (3, 2, 16) and np.isfinite(X_new).all()
