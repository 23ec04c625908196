"""TimeGANGenerator: TimeGAN (Yoon, Jarrett and van der Schaar, NeurIPS 2019).

Losses, optimisers and the three-phase schedule follow the authors' reference code
(``jsyoon0823/TimeGAN``, ``timegan.py``). Where a forward pass computes the same
numbers as the reference's separate ones (recurrent networks treat each series of a
batch independently), calls are batched: the supervisor runs once on generated and
real latents together, the discriminator once on all the latents it judges.
"""

from __future__ import annotations

import numpy as np
import torch
from torch.nn import functional as F

from .._params import Integral, Interval, Real
from .._training import TorchEstimatorMixin
from ..base import BaseGenerator
from ..nn import TimeGANNetwork
from ._adversarial import (
    CELL_CONSTRAINTS,
    RecurrentCellMixin,
    bce_logits,
    moment_matching_loss,
    optimizer_step,
    step_if_above,
)

__all__ = ["TimeGANGenerator"]


def supervised_loss(h: torch.Tensor, h_sup: torch.Tensor) -> torch.Tensor:
    """MSE between the supervisor's output at t and the latent at t + 1 (time on axis 1)."""
    return F.mse_loss(h_sup[:, :-1], h[:, 1:])


def _cat(tensors):
    """Concatenate along the batch axis (``None`` labels stay ``None``)."""
    return None if tensors[0] is None else torch.cat(tensors)


class TimeGANGenerator(RecurrentCellMixin, TorchEstimatorMixin, BaseGenerator):
    """TimeGAN: generative adversarial network for time series in a learned latent space.

    Five recurrent networks, as in the authors' reference code: an embedder (series to
    a latent sequence) and a recovery network (back), a generator (noise to a latent
    sequence), a supervisor (latent at t to latent at t + 1, one recurrent layer fewer)
    and a discriminator (a logit per time step of a latent sequence). The embedder,
    recovery, generator and supervisor end in a sigmoid.

    Training, ``n_iter`` iterations per phase, each on a fresh random mini-batch, with
    Adam (one optimiser per loss, as the reference):

    1. embedding: embedder and recovery minimise ``10 * sqrt(MSE(X, recovery(H)))``;
    2. supervised: the supervisor minimises the supervised loss, the MSE between its
       output at t and the real latent ``H`` at t + 1 (embedder fixed);
    3. joint: per iteration, twice {a generator step, an embedder step}, then a
       discriminator step taken only when its loss exceeds ``d_threshold``. The
       generator and supervisor minimise ``BCE(D(S(G(Z)))) + gamma * BCE(D(G(Z)))
       + 100 * sqrt(supervised) + 100 * moments``, where ``moments`` is the mean
       absolute difference of the batch-axis standard deviations plus that of the
       means of generated ``R(S(G(Z)))`` and real series. The embedder and recovery
       minimise ``10 * sqrt(reconstruction MSE) + 0.1 * supervised``. The
       discriminator minimises the BCE of real latents as real and of supervised
       and (weighted by ``gamma``) raw generated latents as fake.

    The noise ``Z`` is U(0, 1) with one unit per channel at every time step. New
    series are ``recovery(supervisor(generator(Z)))`` mapped back to the data's scale.

    Parameters
    ----------
    cell : {"gru", "lstm", "lstmLN"}, default="gru"
        Recurrent cell of every network (``"lstmLN"``: layer-normalised LSTM).
    hidden_dim : int, default=24
        Width of the latent sequence and of every recurrent layer.
    n_layers : int, default=3
        Recurrent layers of each network; the supervisor has ``max(n_layers - 1, 1)``.
    n_iter : int, default=50000
        Iterations of each of the three phases (the reference's ``iterations``).
    batch_size : int, default=128
        Series per mini-batch (all of them when there are fewer).
    lr : float, default=1e-3
        Adam learning rate of every optimiser (TensorFlow's default in the reference).
    gamma : float, default=1.0
        Weight of the adversarial losses on the generator's raw latents ``G(Z)``.
    d_threshold : float or None, default=0.15
        The discriminator is updated only while its loss exceeds this value
        (``None``: always).
    transform_noise : float, default=0.1
        Standard deviation of the Gaussian noise that :meth:`transform` adds to each
        embedded latent sequence (the latent lies in (0, 1), the embedder ending in a
        sigmoid) before the supervisor and the recovery network map it back; 0 gives
        ``recovery(supervisor(embedder(X)))``, the model's one-step-ahead rendering.
    device : str, default="auto"
        ``"auto"`` picks CUDA when available.
    verbose : bool, default=False
        Show a progress bar per phase with the losses.
    random_state : int, RandomState instance or None, default=None
    module : {"gru", "lstm", "lstmLN"}, optional
        Deprecated name of ``cell``; passing it warns (FutureWarning).

    Attributes
    ----------
    model_ : TimeGANNetwork
        The trained networks.
    history_ : dict
        ``history_[phase][loss]``, one float per iteration: ``"embedding"``
        (``"reconstruction"``, the MSE), ``"supervised"`` (``"supervised"``) and
        ``"joint"`` (``"adversarial"``, ``"supervised"``, ``"moments"`` of the
        iteration's second generator step, ``"reconstruction"`` of its second
        embedder step, and ``"discriminator"``, the loss checked against
        ``d_threshold``); ``history_["phase_seconds"][phase]``: the seconds each
        phase took.
    classes_ : ndarray or None
        Class labels when fitted with ``y``: one class-conditional model whose five
        networks all receive the one-hot label at every time step.

    References
    ----------
    .. [1] J. Yoon, D. Jarrett and M. van der Schaar, "Time-series Generative
       Adversarial Networks", NeurIPS 2019.

    Examples
    --------
    >>> from tsaugment import TimeGANGenerator
    >>> from tsaugment.datasets import make_sines
    >>> X = make_sines(32, seq_len=16, n_channels=2, random_state=0)
    >>> gen = TimeGANGenerator(hidden_dim=8, n_layers=2, n_iter=20, random_state=0).fit(X)
    >>> X_new, _ = gen.sample(5)
    >>> X_new.shape
    (5, 2, 16)
    """

    benchmark_name = "timegan"
    benchmark_budget = {"n_iter": "iterations"}

    def __init__(
        self,
        *,
        cell="gru",
        hidden_dim=24,
        n_layers=3,
        n_iter=50000,
        batch_size=128,
        lr=1e-3,
        gamma=1.0,
        d_threshold=0.15,
        transform_noise=0.1,
        device="auto",
        verbose=False,
        random_state=None,
        module="deprecated",
    ):
        self.cell = cell
        self.hidden_dim = hidden_dim
        self.n_layers = n_layers
        self.n_iter = n_iter
        self.batch_size = batch_size
        self.lr = lr
        self.gamma = gamma
        self.d_threshold = d_threshold
        self.transform_noise = transform_noise
        self.device = device
        self.verbose = verbose
        self.random_state = random_state
        self.module = module

    _parameter_constraints = {
        **CELL_CONSTRAINTS,
        "hidden_dim": [Interval(Integral, 1)],
        "n_layers": [Interval(Integral, 1)],
        "n_iter": [Interval(Integral, 1)],
        "batch_size": [Interval(Integral, 1)],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "gamma": [Interval(Real, 0)],
        "d_threshold": [Interval(Real, 0), None],
        "transform_noise": [Interval(Real, 0)],
    }

    def _check_params(self) -> None:
        super()._check_params()
        self._check_cell()

    def _build_model(self) -> TimeGANNetwork:
        return TimeGANNetwork(
            self.n_channels_,
            self.hidden_dim,
            self.n_layers,
            cell=self._cell_type(),
            n_classes=self.n_classes_,
        )

    def _train_only(self, *trained) -> None:
        """Let gradients reach the parameters of ``trained`` networks only.

        Gradients still flow *through* frozen networks to what feeds them (the
        recovery and discriminator in the generator's loss), but their weight
        gradients are never computed.
        """
        for module in self.model_.children():
            flag = any(module is t for t in trained)
            for param in module.parameters():
                param.requires_grad_(flag)

    # -- training ---------------------------------------------------------------------
    def _fit_scaled(self, X, y_codes) -> None:
        self.model_ = net = self._build_model().to(self.device_).train()
        emb, rec, gen, sup, disc = (
            net.embedder,
            net.recovery,
            net.generator,
            net.supervisor,
            net.discriminator,
        )
        X_t, y_t = self._training_tensors(X, y_codes)
        X_t = net.to_steps(X_t)  # (n, time, channels) from here on
        gamma = float(self.gamma)

        def batch():
            return self._batch(X_t, y_t)

        # 1. embedding network
        opt_e0 = self._adam(emb, rec)
        self._train_only(emb, rec)

        def embedding_step(_):
            xb, lb = batch()
            mse = F.mse_loss(rec(emb(xb, lb), lb), xb)
            optimizer_step(opt_e0, 10 * torch.sqrt(mse))
            return {"reconstruction": mse.detach()}

        self._run_phase(embedding_step, self.n_iter, "embedding")

        # 2. supervised loss only (the reference's GS_solver on generator + supervisor;
        #    only the supervisor enters the loss)
        opt_gs = self._adam(gen, sup)
        self._train_only(gen, sup)

        def supervised_step(_):
            xb, lb = batch()
            with torch.no_grad():
                h = emb(xb, lb)
            loss = supervised_loss(h, sup(h, lb))
            optimizer_step(opt_gs, loss)
            return {"supervised": loss.detach()}

        self._run_phase(supervised_step, self.n_iter, "supervised")

        # 3. joint training
        opt_g = self._adam(gen, sup)
        opt_e = self._adam(emb, rec)
        opt_d = self._adam(disc)

        def generator_step(xb, lb, h):
            n = xb.shape[0]
            self._train_only(gen, sup)
            e_hat = gen(torch.rand_like(xb), lb)
            # supervisor on generated and real latents in one call
            h_hat, h_hat_sup = sup(torch.cat([e_hat, h]), _cat([lb, lb])).split(n)
            x_hat = rec(h_hat, lb)
            y_fake, y_fake_e = disc(torch.cat([h_hat, e_hat]), _cat([lb, lb])).split(n)
            adv = bce_logits(y_fake, 1.0)
            adv_e = bce_logits(y_fake_e, 1.0)
            sup_l = supervised_loss(h, h_hat_sup)
            mom = moment_matching_loss(x_hat, xb)
            optimizer_step(opt_g, adv + gamma * adv_e + 100 * torch.sqrt(sup_l) + 100 * mom)
            return adv, sup_l, mom

        def embedder_step(xb, lb, h):
            self._train_only(emb, rec)
            mse = F.mse_loss(rec(h, lb), xb)
            optimizer_step(opt_e, 10 * torch.sqrt(mse) + 0.1 * supervised_loss(h, sup(h, lb)))
            return mse

        def discriminator_step():
            xb, lb = batch()
            n = xb.shape[0]
            self._train_only(disc)
            with torch.no_grad():
                h = emb(xb, lb)
                e_hat = gen(torch.rand_like(xb), lb)
                h_hat = sup(e_hat, lb)
            logits = disc(torch.cat([h, h_hat, e_hat]), _cat([lb, lb, lb]))
            y_real, y_fake, y_fake_e = logits.split(n)
            loss = (
                bce_logits(y_real, 1.0)
                + bce_logits(y_fake, 0.0)
                + gamma * bce_logits(y_fake_e, 0.0)
            )
            step_if_above(opt_d, loss, self.d_threshold)
            return loss

        def joint_step(_):
            for _k in range(2):
                xb, lb = batch()
                # the embedder is not changed by the generator step, so one forward pass
                # serves both steps: detached for the generator's, with its graph for
                # the embedder's (recorded while the embedder is trainable)
                self._train_only(emb, rec)
                h = emb(xb, lb)
                adv, sup_l, mom = generator_step(xb, lb, h.detach())
                mse = embedder_step(xb, lb, h)
            d_loss = discriminator_step()
            return {
                "adversarial": adv.detach(),
                "supervised": sup_l.detach(),
                "moments": mom.detach(),
                "reconstruction": mse.detach(),
                "discriminator": d_loss.detach(),
            }

        self._run_phase(joint_step, self.n_iter, "joint")
        self._train_only(*net.children())
        net.eval()

    # -- inference --------------------------------------------------------------------
    def _sample_scaled(self, n_samples, y_codes, rng) -> np.ndarray:
        net = self.model_.eval()
        z = rng.random((n_samples, self.n_channels_, self.n_timepoints_)).astype(np.float32)
        return self._infer(net.generate, z, y_codes=y_codes)

    def _transform_scaled(self, X, y_codes, rng) -> np.ndarray:
        net = self.model_.eval()
        noise = rng.standard_normal((X.shape[0], self.hidden_dim, X.shape[2]))
        noise = (noise * self.transform_noise).astype(np.float32)
        return self._infer(net.perturb, X, noise, y_codes=y_codes)

    @classmethod
    def get_test_params(cls) -> dict:
        """Tiny settings for the shared checks (``tsaugment.utils.estimator_checks``)."""
        return {"hidden_dim": 4, "n_layers": 2, "n_iter": 3, "batch_size": 8, "device": "cpu"}
