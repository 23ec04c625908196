"""The base shared by AAE and AVATAR: a latent prior matched by a discriminator.

:class:`_LatentAdversarialGenerator` holds what :class:`tsaugment.AAEGenerator`
(``_aae.py``) and :class:`tsaugment.AvatarGenerator` (``_avatar.py``) have in common:
their hyperparameters' table, the network built from
:class:`tsaugment.nn.AdversarialAutoencoderNet`, prior draws, the discriminator step,
the batch-norm calibration for generation, sampling and ``transform``.
"""

from __future__ import annotations

import numpy as np
import torch

from .._params import Boolean, Integral, Interval, Options, Real
from .._training import TorchEstimatorMixin
from ..base import BaseGenerator
from ..nn import WEIGHT_INITS, init_weights_
from ..nn._aae import AdversarialAutoencoderNet
from ._adversarial import CELL_CONSTRAINTS, RecurrentCellMixin, bce_logits, step_if_above

PRIORS = ("uniform", "gaussian")
_PRIOR_STD = {"uniform": 12**-0.5, "gaussian": 1.0}
_CALIBRATION_DRAWS = 4096


class _LatentAdversarialGenerator(RecurrentCellMixin, TorchEstimatorMixin, BaseGenerator):
    """Shared machinery of AAE and AVATAR: latent prior matched by a discriminator."""

    _with_supervisor = False
    _parameter_constraints = {
        **CELL_CONSTRAINTS,
        "n_layers": [Interval(Integral, 1)],
        "tied_layers": [Boolean()],
        "latent_dim": [Interval(Integral, 1), None],
        "prior": [Options(PRIORS)],
        "n_iter": [Interval(Integral, 1)],
        "batch_size": [Interval(Integral, 1)],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "transform_noise": [Interval(Real, 0)],
        "weight_init": [Options(WEIGHT_INITS)],
    }

    # -- parameters and network ------------------------------------------------------
    def _check_params(self) -> None:
        super()._check_params()
        self._check_cell()

    def _build_model(self) -> AdversarialAutoencoderNet:
        net = AdversarialAutoencoderNet(
            self.n_channels_,
            self.latent_dim_,
            self.n_layers,
            cell=self._cell_type(),
            latent_activation="sigmoid" if self.prior == "uniform" else None,
            supervisor=self._with_supervisor,
            tied_layers=self.tied_layers,
            n_classes=self.n_classes_,
        )
        return init_weights_(net, self.weight_init)

    def _setup(self, X, y_codes):
        """Common start of ``_fit_scaled``: network and tensors."""
        self.latent_dim_ = int(self.latent_dim or self.n_channels_)
        self.model_ = self._build_model().to(self.device_).train()
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
        return self._infer(net.generate, self._prior_numpy(rng, n_samples), y_codes=y_codes)

    def _transform_scaled(self, X, y_codes, rng) -> np.ndarray:
        net = self.model_.eval()
        noise = rng.standard_normal((X.shape[0], self.latent_dim_, X.shape[2]))
        noise = (noise * (self.transform_noise * _PRIOR_STD[self.prior])).astype(np.float32)

        def perturb(x, eps, labels):
            return net.generate(net.encode(x, labels) + eps, labels)

        return self._infer(perturb, X, noise, y_codes=y_codes)
