"""LatentVAEAugmenter: new labelled series from perturbed VAE encodings."""

from __future__ import annotations

import numbers

import numpy as np
import torch

from .._training import as_tensor, run_phase
from ..base import BaseGenerator
from ..nn._vae import ConvVAE, kl_divergence

__all__ = ["LatentVAEAugmenter"]

SAMPLINGS = ("perturb", "class_gaussian")
_CHUNK = 1024


class LatentVAEAugmenter(BaseGenerator):
    """Augment by perturbing series in the latent space of a variational autoencoder.

    Each training series is encoded, its latent point is moved by Gaussian noise, and
    the decoded series keeps the label of the series it came from (the latent-noise
    augmentation of the LSTSAUG study). The VAE itself is unconditional: labels are
    kept by construction, so it learns from all classes at once, which matters when a
    class has only a few series.

    Architecture: a 1D-convolutional encoder and decoder (:class:`tsaugment.nn.ConvVAE`)
    with adaptive pooling and interpolation to the exact length, so one model fits
    univariate and multivariate series of any UCR length (24 to 1,000+ points). The
    original method used fully connected layers on univariate series, which do not
    extend to several channels and grow with the length; recurrent layers over 1,000
    steps would be slow on a CPU.

    Loss per series, averaged over the batch: the sum of squared reconstruction errors
    over channels and time of the standardised series (each channel to zero mean and
    unit variance over the training data: a unit-variance Gaussian likelihood, up to
    constants; on [0, 1]-scaled data this term is so small that the posterior
    collapses onto the prior) plus
    ``beta`` times the KL divergence of the posterior from N(0, I), summed over latent
    units. Codes are drawn by reparameterisation, ``mu + exp(0.5 * logvar) * eps``.

    Parameters
    ----------
    latent_dim : int, default=64
        Size of the latent code.
    noise : float, default=0.1
        Standard deviation of the Gaussian perturbation of a code (``transform`` and
        ``sampling="perturb"``).
    n_samples_per_input : int, default=1
        In ``sample`` with ``sampling="perturb"``: variants drawn around each chosen
        training series (``n_samples`` series come from ``ceil(n_samples /
        n_samples_per_input)`` training series of the requested classes).
        ``transform`` always gives one variant per series.
    sampling : {"perturb", "class_gaussian"}, default="perturb"
        How ``sample`` makes series: perturbed encodings of random training series of
        the requested class (the method's own sampling), or draws from a Gaussian
        fitted to the class's aggregate posterior (diagonal covariance: the mean of
        the codes, and the variance of the codes plus their mean posterior variance;
        diagonal because classes often have fewer series than latent units).
    n_epochs : int, default=400
        Passes over the training data.
    batch_size : int, default=64
    lr : float, default=1e-3
        Adam's learning rate.
    beta : float, default=1.0
        Weight of the KL term.
    n_filters : int, default=32
        Width of the inner convolutions (the outer ones have half as many). 32 fits
        GunPoint as well as 64 at a fraction of the CPU time.
    kernel_size : int, default=7
        Kernel of the outer convolutions.
    device : str, default="auto"
    verbose : bool, default=False
        Progress bar over epochs with the losses.
    random_state : int, RandomState instance or None, default=None

    Attributes
    ----------
    model_ : ConvVAE
    codes_mu_, codes_var_ : ndarray of shape (n_train, latent_dim)
        Posterior means and variances of the training series.
    class_mean_, class_var_ : ndarray of shape (n_groups, latent_dim)
        The per-class Gaussians (one group when fitted without labels).
    history_ : dict
        ``history_["train"]``: per epoch ``"loss"``, ``"reconstruction"``, ``"kl"``.

    Examples
    --------
    >>> from tsaugment import LatentVAEAugmenter
    >>> from tsaugment.datasets import load_ucr
    >>> X, y = load_ucr("GunPoint", split="train")
    >>> vae = LatentVAEAugmenter(n_epochs=5, random_state=0).fit(X, y)
    >>> vae.transform(X, y).shape
    (50, 1, 150)
    >>> X_new, y_new = vae.sample(3, y="2")
    >>> list(y_new)
    ['2', '2', '2']
    """

    def __init__(
        self,
        *,
        latent_dim=64,
        noise=0.1,
        n_samples_per_input=1,
        sampling="perturb",
        n_epochs=400,
        batch_size=64,
        lr=1e-3,
        beta=1.0,
        n_filters=32,
        kernel_size=7,
        device="auto",
        verbose=False,
        random_state=None,
    ):
        self.latent_dim = latent_dim
        self.noise = noise
        self.n_samples_per_input = n_samples_per_input
        self.sampling = sampling
        self.n_epochs = n_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.beta = beta
        self.n_filters = n_filters
        self.kernel_size = kernel_size
        self.device = device
        self.verbose = verbose
        self.random_state = random_state

    @classmethod
    def _get_test_params(cls):
        return {"latent_dim": 4, "n_epochs": 2, "n_filters": 4, "kernel_size": 3, "device": "cpu"}

    def _check_params(self):
        for name in (
            "latent_dim",
            "n_samples_per_input",
            "n_epochs",
            "batch_size",
            "n_filters",
            "kernel_size",
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
                raise ValueError(f"{name} must be a positive int, got {value!r}.")
        for name, positive in (("noise", False), ("lr", True), ("beta", False)):
            value = getattr(self, name)
            if (
                not isinstance(value, numbers.Real)
                or not np.isfinite(value)
                or value < 0
                or (positive and value == 0)
            ):
                raise ValueError(f"{name} must be a finite number >= 0, got {value!r}.")
        if self.sampling not in SAMPLINGS:
            raise ValueError(f"sampling must be one of {SAMPLINGS}, got {self.sampling!r}.")

    def _build_model(self) -> ConvVAE:
        return ConvVAE(
            self.n_channels_,
            self.n_timepoints_,
            self.latent_dim,
            n_filters=self.n_filters,
            kernel_size=self.kernel_size,
        )

    def _fit_scaled(self, X, y_codes) -> None:
        # the VAE sees each channel standardised: on min-max scaled data the squared
        # error is so small beside the KL term that the posterior collapses
        self.data_mean_ = X.mean(axis=(0, 2)).astype(np.float32)
        self.data_std_ = (X.std(axis=(0, 2)) + 1e-6).astype(np.float32)
        X = self._standardise(X)
        self.model_ = net = self._build_model().to(self.device_).train()
        optimiser = torch.optim.Adam(net.parameters(), lr=self.lr)
        X_t = as_tensor(X, self.device_)
        n = len(X_t)
        # one batch of one series cannot be batch-normalised: fold it into the previous
        n_batches = (
            max(1, n // self.batch_size) if n % self.batch_size == 1 else -(-n // self.batch_size)
        )
        self.history_ = {}

        def epoch(_):
            order = torch.randperm(n, device=self.device_)
            totals = torch.zeros(3, device=self.device_)
            for idx in order.tensor_split(n_batches):
                x = X_t[idx]
                x_hat, mu, logvar = net(x)
                recon = (x_hat - x).pow(2).sum(dim=(1, 2)).mean()
                kl = kl_divergence(mu, logvar).mean()
                loss = recon + self.beta * kl
                optimiser.zero_grad(set_to_none=True)
                loss.backward()
                optimiser.step()
                totals += torch.stack([loss, recon, kl]).detach() * len(idx)
            totals /= n
            return {"loss": totals[0], "reconstruction": totals[1], "kl": totals[2]}

        run_phase(epoch, self.n_epochs, phase="train", history=self.history_, verbose=self.verbose)
        net.eval()
        self.codes_mu_, self.codes_var_ = self._encode(X)
        groups = np.zeros(n, dtype=np.int64) if y_codes is None else y_codes
        self.train_groups_ = groups
        n_groups = int(groups.max()) + 1
        self.class_mean_ = np.stack([self.codes_mu_[groups == g].mean(0) for g in range(n_groups)])
        self.class_var_ = np.stack(
            [
                self.codes_mu_[groups == g].var(0) + self.codes_var_[groups == g].mean(0)
                for g in range(n_groups)
            ]
        )

    def _standardise(self, X: np.ndarray) -> np.ndarray:
        return ((X - self.data_mean_[:, None]) / self.data_std_[:, None]).astype(np.float32)

    @torch.no_grad()
    def _encode(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        mus, variances = [], []
        for start in range(0, len(X), _CHUNK):
            mu, logvar = self.model_.encode(as_tensor(X[start : start + _CHUNK], self.device_))
            mus.append(mu.cpu().numpy())
            variances.append(logvar.exp().cpu().numpy())
        return np.concatenate(mus), np.concatenate(variances)

    @torch.no_grad()
    def _decode(self, codes: np.ndarray) -> np.ndarray:
        out = [
            self.model_.decode(as_tensor(codes[start : start + _CHUNK], self.device_)).cpu().numpy()
            for start in range(0, len(codes), _CHUNK)
        ]
        return np.concatenate(out) * self.data_std_[:, None] + self.data_mean_[:, None]

    def _perturb(self, codes: np.ndarray, rng) -> np.ndarray:
        return (codes + self.noise * rng.standard_normal(codes.shape)).astype(np.float32)

    def _sample_scaled(self, n_samples, y_codes, rng) -> np.ndarray:
        groups = np.zeros(n_samples, dtype=np.int64) if y_codes is None else y_codes
        codes = np.empty((n_samples, self.latent_dim), dtype=np.float64)
        for g in np.unique(groups):
            where = np.flatnonzero(groups == g)
            if self.sampling == "class_gaussian":
                std = np.sqrt(self.class_var_[g])
                codes[where] = self.class_mean_[g] + std * rng.standard_normal(
                    (len(where), std.size)
                )
            else:
                members = np.flatnonzero(self.train_groups_ == g)
                n_sources = -(-len(where) // self.n_samples_per_input)
                sources = rng.choice(members, size=n_sources)
                chosen = np.repeat(sources, self.n_samples_per_input)[: len(where)]
                codes[where] = self._perturb(self.codes_mu_[chosen], rng)
        return self._decode(codes.astype(np.float32))

    def _transform_scaled(self, X, y_codes, rng) -> np.ndarray:
        mu, _ = self._encode(self._standardise(X))
        return self._decode(self._perturb(mu, rng))
