"""Pure torch modules: recurrent stacks and the generators' and classifiers' networks.

Nothing here knows about scikit-learn; the estimators in ``tsaugment.generators`` and
``tsaugment.classifiers`` own the training.
"""

from ._avatar import AdversarialAutoencoderNet
from ._posthoc import PosthocDiscriminator, PosthocPredictor, posthoc_hidden_size
from ._recurrent import CELLS, LayerNormLSTM, RecurrentNet, RecurrentStack, append_label
from ._resnet import ResNetBlock, TimeSeriesResNet
from ._timegan import TimeGANNetwork
from ._vae import ConvVAE

__all__ = [
    "CELLS",
    "AdversarialAutoencoderNet",
    "ConvVAE",
    "LayerNormLSTM",
    "PosthocDiscriminator",
    "PosthocPredictor",
    "RecurrentNet",
    "RecurrentStack",
    "ResNetBlock",
    "TimeGANNetwork",
    "TimeSeriesResNet",
    "append_label",
    "posthoc_hidden_size",
]
