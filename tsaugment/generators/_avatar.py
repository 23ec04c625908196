"""AvatarGenerator: AVATAR (EskandariNasab, Hamdi and Boubrahimi, SDM 2025).

Adversarial autoencoder with autoregressive refinement, trained in the three phases
of the authors' code. Shares its networks, prior, discriminator step, sampling and
``transform`` with :class:`tsaugment.AAEGenerator` (``_aae.py``).
"""

from __future__ import annotations

import torch
from torch.nn import functional as F

from .._params import Interval, Real
from .._training import set_requires_grad
from ._adversarial import bce_logits, moment_matching_loss, optimizer_step
from ._latent_adversarial import _LatentAdversarialGenerator

__all__ = ["AvatarGenerator"]


def supervised_loss(x_rec: torch.Tensor, x_sup: torch.Tensor) -> torch.Tensor:
    """AVATAR's supervised loss, time on the last axis.

    Two mean squared errors: the supervisor output at t against the reconstruction at
    t+1, and against the reconstruction at t+2.

    As in the authors' code the reconstruction is not detached: the decoder is pulled
    towards series that its supervisor predicts well.
    """
    return F.mse_loss(x_sup[..., :-1], x_rec[..., 1:]) + F.mse_loss(x_sup[..., :-2], x_rec[..., 2:])


class AvatarGenerator(_LatentAdversarialGenerator):
    """AVATAR: adversarial autoencoder with autoregressive refinement.

    Networks, as in the authors' code: an encoder (series to a latent sequence) and a
    decoder (back), each a stack of recurrent layers preceded by batch normalisation
    and followed by a dense sigmoid layer; a supervisor of the same shape with one
    layer fewer that takes the decoder's output and predicts ahead in data space; a
    recurrent discriminator that judges, per time step, encoder outputs ("fake")
    against prior draws ("real").

    Training (``n_iter`` iterations per phase, a fresh random mini-batch each step):

    1. autoencoder: encoder and decoder on the reconstruction MSE;
    2. supervised: decoder and supervisor on the supervised loss (supervisor output at
       t against the reconstruction at t+1 and t+2), encoder frozen;
    3. joint: per iteration two steps of encoder, decoder and supervisor on the sum of
       the reconstruction loss ``MSE(X, dec) + MSE(X, sup(dec))``, the adversarial
       loss (encoder fools the discriminator), the supervised loss and the
       distribution loss (mean absolute difference of the batch-axis means and
       standard deviations of the codes and of a prior batch, per time step and unit);
       then one discriminator step, taken only when its loss exceeds ``d_threshold``.

    New series are prior draws passed through the decoder and the supervisor, mapped
    back to the data's scale. At inference batch normalisation uses stored
    statistics (PyTorch's evaluation mode), so that a series does not depend on the
    others drawn with it. The authors' TF code normalises with the statistics of the
    batch it is given, prior draws when sampling; to match it, the decoder's and
    supervisor's statistics are re-estimated after training from 4096 prior draws
    (without this, Sines samples had channel means off by up to 0.1). The encoder
    keeps the statistics of the training data.

    Parameters
    ----------
    cell : {"gru", "lstm", "lstmLN"}, default="gru"
        Recurrent cell of every network (``"lstmLN"``: layer-normalised LSTM).
    n_layers : int, default=4
        Recurrent layers of the encoder, decoder and discriminator; the supervisor
        has ``max(n_layers - 1, 1)``.
    tied_layers : bool, default=False
        Whether the recurrent layers of the encoder, decoder and supervisor share one
        set of weights per network (each layer keeps its own batch normalisation;
        a first layer of another input width keeps its own weights). The authors'
        TensorFlow code builds them so, through TF1's variable reuse.
    latent_dim : int or None, default=None
        Width of the latent sequence and of every recurrent layer; ``None`` uses the
        number of channels (the authors' default).
    prior : {"uniform", "gaussian"}, default="uniform"
        Prior of the latent sequence, drawn independently per time step and unit:
        U(0, 1) as in the authors' code (encoder output through a sigmoid), or N(0, 1)
        as the paper's text says (linear encoder output).
    n_iter : int, default=8000
        Iterations of each of the three phases.
    batch_size : int, default=128
        Series per mini-batch (all of them when there are fewer).
    lr : float, default=1e-3
        Adam learning rate of every optimiser (one per loss, as in the authors' code).
    adversarial_weight, supervised_weight, distribution_weight : float, default=1.0
        Weights of those losses in the joint phase (the reconstruction loss has
        weight 1).
    d_threshold : float or None, default=0.15
        The discriminator is updated only while its loss exceeds this value
        (``None``: always).
    transform_noise : float, default=0.1
        Standard deviation of the Gaussian noise that :meth:`transform` adds to each
        encoded latent sequence before decoding and supervising, in units of the
        prior's standard deviation (0 gives the model's reconstruction).
    weight_init : {"tensorflow", "keras", "torch"}, default="keras"
        Initial weights: as TensorFlow 1's ``GRUCell`` and dense layers start, which
        the authors' code uses (:func:`tsaugment.nn.tensorflow_init_`), as Keras's
        layers start (Glorot-uniform kernels, orthogonal recurrent kernels, zero
        biases; :func:`tsaugment.nn.keras_init_`), or PyTorch's defaults.
    device : str, default="auto"
        ``"auto"`` picks CUDA when available.
    verbose : bool, default=False
        Show a progress bar per phase with the losses.
    random_state : int, RandomState instance or None, default=None
    module : {"gru", "lstm", "lstmLN"}, optional
        Deprecated name of ``cell``; passing it warns (FutureWarning).

    Attributes
    ----------
    model_ : AdversarialAutoencoderNet
        The trained networks.
    latent_dim_ : int
        Width of the latent sequence.
    history_ : dict
        ``history_[phase][loss]``, one float per iteration, for the phases
        ``"autoencoder"``, ``"supervised"`` and ``"joint"``;
        ``history_["phase_seconds"][phase]``: the seconds each phase took.
    classes_ : ndarray or None
        Class labels when fitted with ``y``: one class-conditional model whose
        networks all receive the one-hot label at every time step.

    References
    ----------
    .. [1] M. EskandariNasab, S. M. Hamdi and S. F. Boubrahimi, "AVATAR: Adversarial
       Autoencoders with Autoregressive Refinement for Time Series Generation",
       SIAM SDM 2025, arXiv:2501.01649.

    Examples
    --------
    >>> from tsaugment import AvatarGenerator
    >>> from tsaugment.datasets import make_sines
    >>> X = make_sines(32, seq_len=16, n_channels=2, random_state=0)
    >>> gen = AvatarGenerator(n_layers=2, n_iter=20, random_state=0).fit(X)
    >>> X_new, _ = gen.sample(5)
    >>> X_new.shape
    (5, 2, 16)
    """

    benchmark_name = "avatar"
    benchmark_budget = {"n_iter": "iterations"}

    _with_supervisor = True
    _min_timepoints = 3  # the supervised loss looks two steps ahead
    _parameter_constraints = {
        **_LatentAdversarialGenerator._parameter_constraints,
        "adversarial_weight": [Interval(Real, 0)],
        "supervised_weight": [Interval(Real, 0)],
        "distribution_weight": [Interval(Real, 0)],
        "d_threshold": [Interval(Real, 0), None],
    }

    def __init__(
        self,
        *,
        cell="gru",
        n_layers=4,
        tied_layers=False,
        latent_dim=None,
        prior="uniform",
        n_iter=8000,
        batch_size=128,
        lr=1e-3,
        adversarial_weight=1.0,
        supervised_weight=1.0,
        distribution_weight=1.0,
        d_threshold=0.15,
        transform_noise=0.1,
        weight_init="keras",
        device="auto",
        verbose=False,
        random_state=None,
        module="deprecated",
    ):
        self.cell = cell
        self.n_layers = n_layers
        self.tied_layers = tied_layers
        self.latent_dim = latent_dim
        self.prior = prior
        self.n_iter = n_iter
        self.batch_size = batch_size
        self.lr = lr
        self.adversarial_weight = adversarial_weight
        self.supervised_weight = supervised_weight
        self.distribution_weight = distribution_weight
        self.d_threshold = d_threshold
        self.transform_noise = transform_noise
        self.weight_init = weight_init
        self.device = device
        self.verbose = verbose
        self.random_state = random_state
        self.module = module

    def _fit_scaled(self, X, y_codes) -> None:
        X_t, y_t = self._setup(X, y_codes)
        net = self.model_
        enc, dec, sup, disc = net.encoder, net.decoder, net.supervisor, net.discriminator
        batch = lambda: self._batch(X_t, y_t)  # noqa: E731
        set_requires_grad([disc], False)

        # 1. autoencoder phase: reconstruction only
        opt = self._adam(enc, dec)

        def autoencoder_step(_):
            xb, lb = batch()
            loss = F.mse_loss(net.decode(net.encode(xb, lb), lb), xb)
            optimizer_step(opt, loss)
            return {"reconstruction": loss}

        self._run_phase(autoencoder_step, self.n_iter, "autoencoder")

        # 2. supervised phase: decoder and supervisor, encoder frozen
        opt_s = self._adam(dec, sup)

        def supervised_step(_):
            xb, lb = batch()
            with torch.no_grad():
                h = net.encode(xb, lb)
            x_rec = net.decode(h, lb)
            loss = supervised_loss(x_rec, net.supervise(x_rec, lb))
            optimizer_step(opt_s, loss)
            return {"supervised": loss}

        self._run_phase(supervised_step, self.n_iter, "supervised")

        # 3. joint phase
        opt_j = self._adam(enc, dec, sup)
        opt_d = self._adam(disc)
        w_adv, w_sup, w_dist = (
            self.adversarial_weight,
            self.supervised_weight,
            self.distribution_weight,
        )

        def joint_ae_step():
            xb, lb = batch()
            h = net.encode(xb, lb)
            x_rec = net.decode(h, lb)
            x_sup = net.supervise(x_rec, lb)
            losses = {
                "reconstruction": F.mse_loss(x_rec, xb) + F.mse_loss(x_sup, xb),
                "adversarial": bce_logits(net.discriminate(h, lb), 1.0),
                "supervised": supervised_loss(x_rec, x_sup),
                # AVATAR's distribution loss: codes against a prior batch
                "distribution": moment_matching_loss(h, self._prior_like(h)),
            }
            total = (
                losses["reconstruction"]
                + w_adv * losses["adversarial"]
                + w_sup * losses["supervised"]
                + w_dist * losses["distribution"]
            )
            optimizer_step(opt_j, total)
            return losses

        def joint_step(_):
            joint_ae_step()
            losses = joint_ae_step()
            xb, lb = batch()
            with torch.no_grad():
                h = net.encode(xb, lb)
            set_requires_grad([disc], True)
            losses["discriminator"] = self._discriminator_step(net, opt_d, h, lb, self.d_threshold)
            set_requires_grad([disc], False)
            return losses

        self._run_phase(joint_step, self.n_iter, "joint")
        set_requires_grad([disc], True)
        self._calibrate_generation_norms(y_t)

    @classmethod
    def get_test_params(cls) -> dict:
        """Tiny settings for the shared checks (``tsaugment.utils.estimator_checks``)."""
        return {"n_layers": 2, "latent_dim": 3, "n_iter": 2, "batch_size": 8, "device": "cpu"}
