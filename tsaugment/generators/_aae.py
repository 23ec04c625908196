"""AAEGenerator: the adversarial autoencoder of Makhzani et al. (2015) for time series.

Its base, shared with AVATAR, is :class:`_LatentAdversarialGenerator`
(``_latent_adversarial.py``).
"""

from __future__ import annotations

from torch.nn import functional as F

from .._training import set_requires_grad
from ._adversarial import bce_logits, optimizer_step
from ._latent_adversarial import _LatentAdversarialGenerator

__all__ = ["AAEGenerator"]


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
    cell : {"gru", "lstm", "lstmLN"}, default="gru"
        Recurrent cell of every network (``"lstmLN"``: layer-normalised LSTM).
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
    module : {"gru", "lstm", "lstmLN"}, optional
        Deprecated name of ``cell``; passing it warns (FutureWarning).

    Attributes
    ----------
    model_ : AdversarialAutoencoderNet
        The trained networks.
    latent_dim_ : int
        Width of the latent sequence.
    history_ : dict
        ``history_["adversarial"][loss]``: one float per iteration for the losses
        ``"reconstruction"``, ``"discriminator"`` and ``"adversarial"``;
        ``history_["phase_seconds"]["adversarial"]``: the seconds training took.
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

    benchmark_name = "aae"
    benchmark_budget = {"n_iter": "iterations"}

    def __init__(
        self,
        *,
        cell="gru",
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
        self.transform_noise = transform_noise
        self.weight_init = weight_init
        self.device = device
        self.verbose = verbose
        self.random_state = random_state
        self.module = module

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
            optimizer_step(opt_ae, recon)
            # regularisation phase: discriminator, then the encoder as generator; the
            # codes are computed once (the discriminator step does not change them)
            h = net.encode(xb, lb)
            set_requires_grad([net.discriminator], True)
            d_loss = self._discriminator_step(net, opt_d, h, lb)
            set_requires_grad([net.discriminator], False)
            adv = bce_logits(net.discriminate(h, lb), 1.0)
            optimizer_step(opt_g, adv)
            return {"reconstruction": recon, "discriminator": d_loss, "adversarial": adv}

        self._run_phase(step, self.n_iter, "adversarial")
        set_requires_grad([net.discriminator], True)
        self._calibrate_generation_norms(y_t)

    @classmethod
    def get_test_params(cls) -> dict:
        """Tiny settings for the shared checks (``tsaugment.utils.estimator_checks``)."""
        return {"n_layers": 1, "latent_dim": 3, "n_iter": 3, "batch_size": 8, "device": "cpu"}
