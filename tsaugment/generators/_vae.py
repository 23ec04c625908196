"""LatentVAEAugmenter: new labelled series from perturbed VAE encodings."""

from __future__ import annotations

import math

import numpy as np
import torch

from .._params import Integral, Interval, OddInt, Options, Real
from .._training import TorchEstimatorMixin, as_tensor, optimizer_step
from ..base import BaseGenerator
from ..nn._vae import ConvVAE, vae_loss

__all__ = ["LatentVAEAugmenter"]

_SAMPLINGS = ("perturb", "class_gaussian")


def _batches(order: torch.Tensor, batch: int) -> list[torch.Tensor]:
    """``order`` cut into batches of ``batch``, a last batch of one joined to the one before.

    The encoder's batch normalisation needs more than one value per channel, which a
    single series of a very short feature map does not give.
    """
    chunks = list(order.split(batch))
    if len(chunks) > 1 and chunks[-1].numel() == 1:
        chunks[-2:] = [torch.cat(chunks[-2:])]
    return chunks


class LatentVAEAugmenter(TorchEstimatorMixin, BaseGenerator):
    """Variational autoencoder whose latent space makes new labelled series.

    Each series is encoded to its posterior mean, that point is perturbed with
    Gaussian noise of standard deviation ``noise``, and the decoded series keeps the
    label of its original. The VAE is trained with the negative ELBO: squared
    reconstruction error plus ``beta`` times the KL divergence to ``N(0, I)``, through
    the reparameterisation ``z = mu + exp(0.5 * logvar) * eps``; the decoder's Gaussian
    variance is calibrated to its error (see :func:`tsaugment.nn._vae.vae_loss`), which
    keeps the posterior from collapsing on data scaled to [0, 1].

    The network is the 1D-convolutional VAE of :class:`tsaugment.nn.ConvVAE` (strided
    convolutions down to a short feature map, transposed convolutions back to exactly
    ``n_timepoints``): unlike the fully connected layers of the original method, it
    works for univariate and multivariate series of any length (24 to 1,000+ points)
    at a cost linear in the length, which a recurrent network over 1,000 steps is not
    on a CPU. The network reads each series as its deviation from the training mean,
    standardised per time point, normalises its encoder's activations and adds its
    output to that mean (see :mod:`tsaugment.nn._vae`): without this the posterior
    collapsed on data sets whose series share most of their shape, and every series,
    whatever its class, decoded to about the data set's mean.

    Labels: the VAE itself is unconditional (trained on all series together, so small
    classes share what they have in common); the label is kept by construction.
    ``transform`` and ``sampling="perturb"`` decode points near the encoding of a
    series of the wanted class; ``sampling="class_gaussian"`` draws from a Gaussian
    fitted on that class's training encodings.

    Data are scaled per channel to [0, 1] on the training set before training, and
    outputs are mapped back to the caller's scale.

    Parameters
    ----------
    latent_dim : int, default=64
        Size of the latent space.
    noise : float, default=0.1
        Standard deviation of the Gaussian perturbation added to an encoding (in
        latent units, where the prior is ``N(0, I)``). ``0`` reproduces the
        reconstruction.
    n_samples_per_input : int, default=1
        For ``sample`` with ``sampling="perturb"``: how many perturbed variants are
        decoded from each chosen training series (``sample(n)`` uses
        ``ceil(n / n_samples_per_input)`` sources per class, drawn without replacement
        while the class has enough series). ``transform`` always returns exactly one
        variant per series (a transformer never adds rows), so it ignores it; to make
        ``k`` variants of a data set call ``transform`` ``k`` times.
    n_epochs : int, default=400
        Passes over the training data.
    min_steps : int or None, default=None
        At least this many optimiser steps: ``n_epochs`` is raised to
        ``ceil(min_steps / steps_per_epoch)`` when it would make fewer. On a training
        set no larger than ``batch_size`` an epoch is one step, so 100 epochs on 20
        to 60 series are 100 steps, too few for series that are mostly noise (UCR's CBF
        and ShapeletSim: label fidelity at chance at 100 epochs, 1.0 with
        ``min_steps=1000``, whose samples are also much nearer copies of training
        series; ``benchmarks/runs/vae_label_fidelity/``). None (the default) trains
        exactly ``n_epochs`` epochs.
    batch_size : int, default=64
        Series per optimiser step (all of them when there are fewer; at least 2: the
        encoder's batch normalisation needs more than one series).
    lr : float, default=1e-3
        Learning rate of Adam.
    beta : float, default=1.0
        Weight of the KL term (``beta``-VAE; 1 is the ELBO).
    sampling : {"perturb", "class_gaussian"}, default="perturb"
        How ``sample`` draws latent points: ``"perturb"`` perturbs the encodings of
        training series of the requested classes (the method's own sampling);
        ``"class_gaussian"`` draws from a diagonal Gaussian per class whose mean is the
        mean of the class's encodings and whose variance is the variance of those
        means plus the mean posterior variance (the moments of the class's aggregate
        posterior).
    n_filters : int, default=32
        Channels of the hidden convolutions. 32 rather than 64: on GunPoint it gave
        the same label agreement at a fifth of the CPU time (cost grows with its
        square).
    kernel_size : int, default=5
        Odd kernel size of the encoder's and the last decoder convolution.
    device : {"auto", "cpu", "cuda"} or torch.device, default="auto"
        Where to train ("auto": CUDA when available).
    verbose : bool, default=False
        Show a progress bar with the losses.
    random_state : int, RandomState instance or None, default=None
        Seeds the initialisation, the batches and the noise of ``sample`` and
        ``transform``; torch's global seed is never changed.

    Attributes
    ----------
    model_ : ConvVAE
        The trained network.
    classes_ : ndarray of shape (n_classes,) or None
        Labels seen in ``fit`` (``None`` without labels).
    n_channels_, n_timepoints_ : int
        Layout of the training series.
    latent_mean_ : ndarray of shape (n_cases, latent_dim)
        Posterior means of the training series (``"perturb"`` draws around them).
    latent_codes_ : ndarray of shape (n_cases,)
        Class code of each training series (all 0 without labels).
    class_mean_, class_var_ : ndarray of shape (max(n_classes, 1), latent_dim)
        The per-class latent Gaussians of ``"class_gaussian"``.
    history_ : dict
        ``history_["train"]`` holds per-epoch ``loss``, ``mse`` and ``kl``;
        ``history_["phase_seconds"]["train"]``: the seconds training took.

    Examples
    --------
    >>> from tsaugment.datasets import load_ucr
    >>> from tsaugment.generators import LatentVAEAugmenter
    >>> X, y = load_ucr("GunPoint", split="train")
    >>> vae = LatentVAEAugmenter(n_epochs=5, random_state=0).fit(X, y)
    >>> vae.transform(X, y).shape
    (50, 1, 150)
    >>> X_new, y_new = vae.sample(3, y="2")
    >>> X_new.shape, y_new.tolist()
    ((3, 1, 150), ['2', '2', '2'])
    """

    benchmark_name = "vae"
    benchmark_budget = {"n_epochs": "epochs"}

    # A class of one series: "perturb" decodes around it and the class Gaussian falls
    # back on its posterior variance.
    _inference_chunk = 512
    _parameter_constraints = {
        "latent_dim": [Interval(Integral, 1)],
        "noise": [Interval(Real, 0)],
        "n_samples_per_input": [Interval(Integral, 1)],
        "n_epochs": [Interval(Integral, 1)],
        "min_steps": [Interval(Integral, 1), None],
        "batch_size": [Interval(Integral, 1)],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "beta": [Interval(Real, 0)],
        "sampling": [Options(_SAMPLINGS)],
        "n_filters": [Interval(Integral, 1)],
        "kernel_size": [OddInt(1)],
    }

    def __init__(
        self,
        *,
        latent_dim=64,
        noise=0.1,
        n_samples_per_input=1,
        n_epochs=400,
        min_steps=None,
        batch_size=64,
        lr=1e-3,
        beta=1.0,
        sampling="perturb",
        n_filters=32,
        kernel_size=5,
        device="auto",
        verbose=False,
        random_state=None,
    ):
        self.latent_dim = latent_dim
        self.noise = noise
        self.n_samples_per_input = n_samples_per_input
        self.n_epochs = n_epochs
        self.min_steps = min_steps
        self.batch_size = batch_size
        self.lr = lr
        self.beta = beta
        self.sampling = sampling
        self.n_filters = n_filters
        self.kernel_size = kernel_size
        self.device = device
        self.verbose = verbose
        self.random_state = random_state

    @classmethod
    def get_test_params(cls) -> dict:
        """Tiny settings for the shared checks (``tsaugment.utils.estimator_checks``)."""
        return {"latent_dim": 4, "n_epochs": 3, "batch_size": 8, "n_filters": 4, "random_state": 0}

    # -- BaseGenerator hooks ----------------------------------------------------------
    def _build_model(self) -> ConvVAE:
        return ConvVAE(
            self.n_channels_,
            self.n_timepoints_,
            int(self.latent_dim),
            int(self.n_filters),
            int(self.kernel_size),
        )

    def _fit_scaled(self, X, y_codes) -> None:
        self.model_ = self._build_model().to(self.device_)
        data = as_tensor(X, self.device_)
        self.model_.set_reference(data)
        n = data.shape[0]
        batch = min(max(int(self.batch_size), 2), n)  # batch norm needs two series
        optimiser = self._adam(self.model_)
        beta = float(self.beta)
        n_epochs = int(self.n_epochs)
        if self.min_steps is not None:
            per_epoch = len(_batches(torch.arange(n), batch))
            n_epochs = max(n_epochs, math.ceil(int(self.min_steps) / per_epoch))

        def epoch(_):
            self.model_.train()
            order = torch.randperm(n, device=self.device_)
            totals = torch.zeros(3, device=self.device_)
            for chunk in _batches(order, batch):
                x = data[chunk]
                recon, mu, logvar = self.model_(x)
                losses = vae_loss(x, recon, mu, logvar, beta)
                optimizer_step(optimiser, losses["loss"])
                weight = x.shape[0] / n
                totals += weight * torch.stack([losses[k].detach() for k in ("loss", "mse", "kl")])
            return dict(zip(("loss", "mse", "kl"), totals))

        self._run_phase(epoch, n_epochs, "train")

        mu, logvar = self._encode(X)
        self.latent_mean_ = mu
        codes = np.zeros(n, dtype=np.int64) if y_codes is None else np.asarray(y_codes, np.int64)
        self.latent_codes_ = codes
        n_groups = max(self.n_classes_, 1)
        self.class_mean_ = np.stack([mu[codes == k].mean(axis=0) for k in range(n_groups)])
        self.class_var_ = np.stack(
            [
                mu[codes == k].var(axis=0) + np.exp(logvar[codes == k]).mean(axis=0)
                for k in range(n_groups)
            ]
        )

    def _encode(self, X) -> tuple[np.ndarray, np.ndarray]:
        """Posterior means and log-variances of scaled series, in chunks."""
        self.model_.eval()
        mus, logvars = [], []
        with torch.no_grad():
            for sl in self._chunks(X.shape[0]):
                mu, logvar = self.model_.encode(as_tensor(X[sl], self.device_))
                mus.append(mu.cpu().numpy())
                logvars.append(logvar.cpu().numpy())
        return np.concatenate(mus).astype(np.float64), np.concatenate(logvars).astype(np.float64)

    def _decode(self, Z: np.ndarray) -> np.ndarray:
        """Scaled series from latent points, in chunks."""
        self.model_.eval()
        out = []
        with torch.no_grad():
            for sl in self._chunks(Z.shape[0]):
                out.append(self.model_.decode(as_tensor(Z[sl], self.device_)))
        return torch.cat(out).cpu().numpy()

    def _perturb(self, mu: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        return mu + float(self.noise) * rng.standard_normal(mu.shape)

    def _transform_scaled(self, X, y_codes, rng) -> np.ndarray:
        mu, _ = self._encode(X)
        return self._decode(self._perturb(mu, rng))

    def _sample_scaled(self, n_samples, y_codes, rng) -> np.ndarray:
        codes = np.zeros(n_samples, dtype=np.int64) if y_codes is None else y_codes
        Z = np.empty((n_samples, self.latent_mean_.shape[1]))
        for k in np.unique(codes):
            wanted = np.flatnonzero(codes == k)
            m = wanted.size
            if self.sampling == "class_gaussian":
                std = np.sqrt(self.class_var_[k])
                Z[wanted] = self.class_mean_[k] + std * rng.standard_normal((m, std.size))
                continue
            members = np.flatnonzero(self.latent_codes_ == k)
            per_input = int(self.n_samples_per_input)
            n_sources = math.ceil(m / per_input)
            sources = rng.choice(members, size=n_sources, replace=n_sources > members.size)
            Z[wanted] = self._perturb(
                np.repeat(self.latent_mean_[sources], per_input, axis=0)[:m], rng
            )
        return self._decode(Z)
