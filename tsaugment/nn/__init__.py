"""Pure torch modules: recurrent stacks and the generators' and classifiers' networks.

Nothing here knows about scikit-learn; the estimators in ``tsaugment.generators`` and
``tsaugment.classifiers`` own the training.
"""

from ._aae import AdversarialAutoencoderNet
from ._diffusion_ts import DiffusionTSNet, GaussianDiffusion
from ._gru import GRU
from ._init import WEIGHT_INITS, init_weights_, keras_init_, tensorflow_init_
from ._native import NativeLibraryWarning
from ._noisy_classifier import NoisyClassifier
from ._posthoc import PosthocDiscriminator, PosthocPredictor, posthoc_hidden_size
from ._recurrent import CELLS, LayerNormLSTM, RecurrentNet, RecurrentStack, append_label
from ._resnet import ResNetBlock, TimeSeriesResNet
from ._timegan import TimeGANNetwork
from ._vae import ConvVAE

__all__ = [
    "CELLS",
    "AdversarialAutoencoderNet",
    "ConvVAE",
    "DiffusionTSNet",
    "GRU",
    "GaussianDiffusion",
    "LayerNormLSTM",
    "NativeLibraryWarning",
    "NoisyClassifier",
    "PosthocDiscriminator",
    "PosthocPredictor",
    "RecurrentNet",
    "RecurrentStack",
    "ResNetBlock",
    "TimeGANNetwork",
    "TimeSeriesResNet",
    "WEIGHT_INITS",
    "append_label",
    "init_weights_",
    "keras_init_",
    "tensorflow_init_",
    "posthoc_hidden_size",
]
