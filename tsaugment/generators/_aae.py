"""AAEGenerator: the adversarial autoencoder of Makhzani et al. (2015) for time series.

The module also holds what AVATAR shares with it (``_avatar.py`` subclasses
:class:`_LatentAdversarialGenerator`): hyperparameter checks, the network built
from :class:`tsaugment.nn.AdversarialAutoencoderNet`, prior draws, the
discriminator step, sampling and ``transform``.
"""

from __future__ import annotations

import numpy as np
import torch
from torch.nn import functional as F

from .._training import as_tensor, run_phase, set_requires_grad
from ..base import BaseGenerator
from ..nn import CELLS, init_weights_
from ..nn._avatar import AdversarialAutoencoderNet
from ._adversarial import (
    _AdversarialMixin,
    _check_float,
    _check_int,
    bce_logits,
    step_if_above,
)

__all__ = ["AAEGenerator"]

PRIORS = ("uniform", "gaussian")
_PRIOR_STD = {"uniform": 12**-0.5, "gaussian": 1.0}
_CALIBRATION_DRAWS = 4096


class _LatentAdversarialGenerator(_AdversarialMixin, BaseGenerator):
    """Shared machinery of AAE and AVATAR: latent prior matched by a discriminator."""

    _with_supervisor = False

    # -- parameters and network ------------------------------------------------------
    def _check_params(self) -> None:
        if self.module not in CELLS:
            raise ValueError(f"module must be one of {CELLS}, got {self.module!r}.")
        if self.prior not in PRIORS:
            raise ValueError(f"prior must be one of {PRIORS}, got {self.prior!r}.")
        _check_int("n_layers", self.n_layers, 1)
        if not isinstance(self.tied_layers, (bool, np.bool_)):
            raise ValueError(f"tied_layers must be True or False, got {self.tied_layers!r}.")
        if self.latent_dim is not None:
            _check_int("latent_dim", self.latent_dim, 1)
        _check_int("n_iter", self.n_iter, 1)
        _check_int("batch_size", self.batch_size, 1)
        _check_float("lr", self.lr, positive=True)
        _check_float("transform_noise", self.transform_noise)

    def _build_model(self) -> AdversarialAutoencoderNet:
        net = AdversarialAutoencoderNet(
            self.n_channels_,
            self.latent_dim_,
            self.n_layers,
            cell=self.module,
            latent_activation="sigmoid" if self.prior == "uniform" else None,
            supervisor=self._with_supervisor,
            tied_layers=self.tied_layers,
            n_classes=self.n_classes_,
        )
        return init_weights_(net, self.weight_init)

    def _setup(self, X, y_codes):
        """Common start of ``_fit_scaled``: network, tensors and history."""
        self.latent_dim_ = int(self.latent_dim or self.n_channels_)
        self.model_ = self._build_model().to(self.device_).train()
        self.history_ = {}
        return self._training_tensors(X, y_codes)

    # -- prior -----------------------------------------------------------------------
    def _prior_like(self, h: torch.Tensor) -> torch.Tensor:
        """A prior batch shaped like the latent ``h`` (torch's seeded generator)."""
        return torch.rand_like(h) if self.prior == "uniform" else torch.randn_like(h)

    def _prior_numpy(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """A prior batch for sampling, drawn from the estimator's numpy generator."""
        shape = (n, self.latent_dim_, self.n_timepoints_)
        draw = rng.random(shape) if self.prior == "uniform" else rng.standard_normal(shape)
        return draw.astype(np.float32)

    # -- training pieces -------------------------------------------------------------
    def _discriminator_step(self, net, opt, h, labels, threshold=None) -> torch.Tensor:
        """Discriminator loss on prior ("real") against codes ``h`` ("fake"), and a step.

        The step is taken only when the loss exceeds ``threshold`` (``None``: always),
        as the authors' code does to keep the discriminator from overpowering.
        """
        # prior and codes go through the discriminator as one batch (half the calls)
        h = h.detach()
        both = torch.cat([self._prior_like(h), h])
        if labels is not None:
            labels = torch.cat([labels, labels])
        real, fake = net.discriminate(both, labels).chunk(2)
        loss = bce_logits(real, 1.0) + bce_logits(fake, 0.0)
        step_if_above(opt, loss, threshold)
        return loss.detach()

    # -- inference -------------------------------------------------------------------
    @torch.no_grad()
    def _calibrate_generation_norms(self, y_t, n_draws=_CALIBRATION_DRAWS) -> None:
        """Give the decoder's and supervisor's batch norms the statistics of generation.

        During training those layers see encoder codes; new series start from prior
        draws. The authors' TF code normalises with the statistics of whatever batch it
        is given, so its samples use prior-batch statistics. Here they are estimated
        once, after training, from ``n_draws`` prior draws (labels drawn from the
        training labels), and stored as running statistics: sampling then matches the
        authors' large-batch behaviour while each series stays independent of the
        others drawn with it (evaluation mode).
        """
        net = self.model_
        norms = [
            m
            for mod in (net.decoder, net.supervisor)
            if mod is not None
            for m in mod.modules()
            if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)
        ]
        if not norms:
            return
        labels = None
        if y_t is not None:
            labels = y_t[torch.randint(len(y_t), (n_draws,), device=self.device_)]
        shape = (n_draws, self.latent_dim_, self.n_timepoints_)
        z = self._prior_like(torch.empty(shape, device=self.device_))
        net.eval()
        saved = [m.momentum for m in norms]
        for m in norms:
            m.reset_running_stats()
            m.momentum = None  # cumulative average over the calibration batch
            m.train()
        net.generate(z, labels)
        for m, momentum in zip(norms, saved):
            m.momentum = momentum
        net.eval()

    def _sample_scaled(self, n_samples, y_codes, rng) -> np.ndarray:
        net = self.model_.eval()
        z = self._prior_numpy(rng, n_samples)
        out = [
            net.generate(as_tensor(z[sl], self.device_), self._labels_tensor(y_codes, sl))
            for sl in self._chunks(n_samples)
        ]
        return torch.cat(out).cpu().numpy()

    def _transform_scaled(self, X, y_codes, rng) -> np.ndarray:
        net = self.model_.eval()
        noise = rng.standard_normal((X.shape[0], self.latent_dim_, X.shape[2]))
        noise = (noise * (self.transform_noise * _PRIOR_STD[self.prior])).astype(np.float32)
        out = []
        for sl in self._chunks(X.shape[0]):
            labels = self._labels_tensor(y_codes, sl)
            h = net.encode(as_tensor(X[sl], self.device_), labels)
            out.append(net.generate(h + as_tensor(noise[sl], self.device_), labels))
        return torch.cat(out).cpu().numpy()


class AAEGenerator(_LatentAdversarialGenerator):
    """Adversarial autoencoder (Makhzani et al., 2015) for time series.

    A recurrent encoder maps each series to a latent sequence, a recurrent decoder
    maps it back, and a discriminator on the latent sequences pushes the encoder's
    aggregated posterior towards the prior. Every iteration takes one mini-batch
    through the paper's two phases: the reconstruction phase (encoder and decoder
    minimise the mean squared reconstruction error) and the regularisation phase (the
    discriminator learns to tell prior draws from codes, then the encoder learns to
    fool it). New series are decoded prior draws.

    It is AVATAR (:class:`AvatarGenerator`) without the supervisor, the distribution
    loss and the staged schedule, and shares AVATAR's networks: the ablation that
    shows what those add.

    Parameters
    ----------
    module : {"gru", "lstm", "lstmLN"}, default="gru"
        Recurrent cell of every network.
    n_layers : int, default=4
        Recurrent layers of the encoder, decoder and discriminator (each preceded by
        batch normalisation in the encoder and decoder).
    tied_layers : bool, default=False
        Whether the recurrent layers of the encoder and of the decoder share one set
        of weights per network (each layer keeps its own batch normalisation; a first
        layer of another input width keeps its own weights), as AVATAR's authors'
        code builds them (see :class:`AvatarGenerator`).
    latent_dim : int or None, default=None
        Width of the latent sequence and of every recurrent layer; ``None`` uses the
        number of channels.
    prior : {"gaussian", "uniform"}, default="gaussian"
        Prior of the latent sequence, drawn independently per time step and unit:
        N(0, 1) (the encoder output is then linear) or U(0, 1) (sigmoid output).
    n_iter : int, default=8000
        Training iterations (mini-batches), each with both phases.
    batch_size : int, default=128
        Series per mini-batch (all of them when there are fewer).
    lr : float, default=1e-3
        Adam learning rate of every optimiser.
    transform_noise : float, default=0.1
        Standard deviation of the Gaussian noise that :meth:`transform` adds to each
        encoded latent sequence, in units of the prior's standard deviation.
    weight_init : {"tensorflow", "keras", "torch"}, default="keras"
        Initial weights: as TensorFlow 1's ``GRUCell`` and dense layers start, which
        the authors' code uses (:func:`tsaugment.nn.tensorflow_init_`), as Keras's
        layers start (Glorot-uniform kernels, orthogonal recurrent kernels, zero
        biases; :func:`tsaugment.nn.keras_init_`), or PyTorch's defaults.
    device : str, default="auto"
        ``"auto"`` picks CUDA when available.
    verbose : bool, default=False
        Show a progress bar with the losses.
    random_state : int, RandomState instance or None, default=None

    Attributes
    ----------
    model_ : AdversarialAutoencoderNet
        The trained networks.
    latent_dim_ : int
        Width of the latent sequence.
    history_ : dict
        ``history_["adversarial"][loss]``: one float per iteration for the losses
        ``"reconstruction"``, ``"discriminator"`` and ``"adversarial"``.
    classes_ : ndarray or None
        Class labels when fitted with ``y`` (one class-conditional model).

    Examples
    --------
    >>> from tsaugment import AAEGenerator
    >>> from tsaugment.datasets import make_sines
    >>> X = make_sines(32, seq_len=16, n_channels=2, random_state=0)
    >>> gen = AAEGenerator(n_layers=2, n_iter=20, random_state=0).fit(X)
    >>> X_new, _ = gen.sample(5)
    >>> X_new.shape
    (5, 2, 16)
    """

    def __init__(
        self,
        *,
        module="gru",
        n_layers=4,
        tied_layers=False,
        latent_dim=None,
        prior="gaussian",
        n_iter=8000,
        batch_size=128,
        lr=1e-3,
        transform_noise=0.1,
        weight_init="keras",
        device="auto",
        verbose=False,
        random_state=None,
    ):
        self.module = module
        self.n_layers = n_layers
        self.tied_layers = tied_layers
        self.latent_dim = latent_dim
        self.prior = prior
        self.n_iter = n_iter
        self.batch_size = batch_size
        self.lr = lr
        self.transform_noise = transform_noise
        self.weight_init = weight_init
        self.device = device
        self.verbose = verbose
        self.random_state = random_state

    def _fit_scaled(self, X, y_codes) -> None:
        X_t, y_t = self._setup(X, y_codes)
        net = self.model_
        opt_ae = self._adam(net.encoder, net.decoder)
        opt_d = self._adam(net.discriminator)
        opt_g = self._adam(net.encoder)

        def step(_):
            xb, lb = self._batch(X_t, y_t)
            # reconstruction phase
            recon = F.mse_loss(net.decode(net.encode(xb, lb), lb), xb)
            opt_ae.zero_grad(set_to_none=True)
            recon.backward()
            opt_ae.step()
            # regularisation phase: discriminator, then the encoder as generator; the
            # codes are computed once (the discriminator step does not change them)
            h = net.encode(xb, lb)
            set_requires_grad([net.discriminator], True)
            d_loss = self._discriminator_step(net, opt_d, h, lb)
            set_requires_grad([net.discriminator], False)
            adv = bce_logits(net.discriminate(h, lb), 1.0)
            opt_g.zero_grad(set_to_none=True)
            adv.backward()
            opt_g.step()
            return {"reconstruction": recon, "discriminator": d_loss, "adversarial": adv}

        run_phase(
            step, self.n_iter, phase="adversarial", history=self.history_, verbose=self.verbose
        )
        set_requires_grad([net.discriminator], True)
        self._calibrate_generation_norms(y_t)

    @classmethod
    def _get_test_params(cls) -> dict:
        return {"n_layers": 1, "latent_dim": 3, "n_iter": 3, "batch_size": 8, "device": "cpu"}
